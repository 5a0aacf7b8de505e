package tensorio_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/intdim/intdim/tensorio"
	"github.com/intdim/intdim/tensorio/npz"
)

// exampleDir writes a small archive of two layers' activations.
func exampleDir() string {
	dir, err := os.MkdirTemp("", "tensorio-example")
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	w := npz.NewWriter(&buf)
	w.Add("conv1", []int{3, 2, 2}, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	w.Add("fc", []int{3, 2}, []float64{0.5, 1, 1.5, 2, 2.5, 3})
	w.Close()
	os.WriteFile(filepath.Join(dir, "acts.npz"), buf.Bytes(), 0o644)
	return dir
}

// Open reads every array of a file (or of a directory) in order: here the
// layers of an .npz archive, flattened per row as point clouds.
func ExampleOpen() {
	dir := exampleDir()
	defer os.RemoveAll(dir)

	arrays, err := tensorio.Open(filepath.Join(dir, "acts.npz"))
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range arrays {
		n, d, _ := a.Matrix()
		fmt.Printf("%s %s %v: %d points of dimension %d\n", a.Name, a.DType, a.Shape, n, d)
	}
	// Output:
	// conv1 float32 [3 2 2]: 3 points of dimension 4
	// fc float64 [3 2]: 3 points of dimension 2
}

// OpenMatrix reads the one array named by FILE:NAME and CheckPoints
// validates it as a point cloud.
func ExampleOpenMatrix() {
	dir := exampleDir()
	defer os.RemoveAll(dir)

	a, err := tensorio.OpenMatrix(filepath.Join(dir, "acts.npz") + ":fc")
	if err != nil {
		log.Fatal(err)
	}
	if err := tensorio.CheckPoints(a); err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Name, a.Float64())

	_, err = tensorio.OpenMatrix(filepath.Join(dir, "acts.npz"))
	fmt.Println(err != nil)
	// Output:
	// fc [0.5 1 1.5 2 2.5 3]
	// true
}
