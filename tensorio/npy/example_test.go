package npy_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/intdim/intdim/tensorio/npy"
)

// Write a 2×3 float32 array and read it back, whole and by columns.
func Example() {
	var buf bytes.Buffer
	if err := npy.Write(&buf, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}); err != nil {
		log.Fatal(err)
	}
	h, data, err := npy.Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.DType, h.Shape, data)

	cols := make([]float64, h.Rows()*2) // columns 1 and 2 of every row
	if err := npy.ReadColumns(bytes.NewReader(buf.Bytes()), h, 1, 3, cols); err != nil {
		log.Fatal(err)
	}
	fmt.Println(cols)
	// Output:
	// <f4 [2 3] [1 2 3 4 5 6]
	// [2 3 5 6]
}
