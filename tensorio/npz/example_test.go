package npz_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/intdim/intdim/tensorio/npz"
)

// Write two arrays into a compressed archive and read them back in order.
func Example() {
	var buf bytes.Buffer
	w := npz.NewWriter(&buf)
	w.Deflate = true
	w.Add("pool1", []int{2, 2}, []float32{1, 2, 3, 4})
	w.Add("conv1", []int{2, 1}, []float64{5, 6})
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := npz.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range r.Names() {
		h, data, err := r.Read(name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(name, h.DType, h.Shape, data)
	}
	// Output:
	// pool1 <f4 [2 2] [1 2 3 4]
	// conv1 <f8 [2 1] [5 6]
}
