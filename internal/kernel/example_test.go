package kernel_test

import (
	"fmt"

	"github.com/intdim/intdim/internal/kernel"
)

// Squared distances between three points of the plane.
func ExampleSqDist() {
	x := []float32{0, 0, 3, 4, 1, 1}
	d := make([]float64, 9)
	kernel.SqDist(d, x, 3, x, 3, 2, 0)
	for i := 0; i < 3; i++ {
		fmt.Println(d[i*3 : i*3+3])
	}
	// Output:
	// [0 25 2]
	// [25 0 13]
	// [2 13 0]
}

// The Gram matrix X·Xᵀ, each symmetric block computed once.
func ExampleGram() {
	x := []float32{1, 2, 3, 4}
	fmt.Println(kernel.Gram(x, 2, 2, 0))
	// Output: [5 11 11 25]
}
