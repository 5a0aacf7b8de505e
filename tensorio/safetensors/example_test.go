package safetensors_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/intdim/intdim/tensorio/safetensors"
)

// Save two weight tensors and load them back.
func Example() {
	path := filepath.Join(os.TempDir(), "example.safetensors")
	defer os.Remove(path)
	w := safetensors.F32("fc.weight", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6})
	b := safetensors.F32("fc.bias", []int{2}, []float32{0.5, -0.5})
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := safetensors.Write(f, []safetensors.Tensor{w, b}, map[string]string{"epoch": "3"}); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}

	file, err := safetensors.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range file.Tensors {
		v, _ := t.Float32()
		fmt.Println(t.Name, t.DType, t.Shape, v)
	}
	fmt.Println("epoch", file.Metadata["epoch"])
	// Output:
	// fc.weight F32 [2 3] [1 2 3 4 5 6]
	// fc.bias F32 [2] [0.5 -0.5]
	// epoch 3
}
