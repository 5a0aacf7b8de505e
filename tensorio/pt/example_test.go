package pt_test

import (
	"fmt"
	"os"

	"github.com/intdim/intdim/tensorio/pt"
)

// Reading the hidden states of a file written by
// torch.save({"hidden_states": tuple(stack.unbind(0))}, "hidden.pt").
func Example() {
	f, err := os.Open("../testdata/pt/hidden.pt")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	st, _ := f.Stat()
	file, err := pt.Read(f, st.Size())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range file.Tensors {
		fmt.Println(t.Name, t.DType, t.Shape, "storage offset", t.Offset)
	}
	x := make([]float32, file.Tensors[1].Len())
	if err := file.Tensors[1].ReadFloat32(f, x); err != nil {
		fmt.Println(err)
	}
	fmt.Println(len(x), "values")
	// Output:
	// hidden_states.0 float32 [12 4 5] storage offset 0
	// hidden_states.1 float32 [12 4 5] storage offset 240
	// hidden_states.2 float32 [12 4 5] storage offset 480
	// 240 values
}
