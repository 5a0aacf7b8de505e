package knn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// BenchmarkFindDuplicates64: the lPCA-sized case, 2,000 Gaussian float64
// rows of 3, 11 and 20 values (no duplicates).
func BenchmarkFindDuplicates64(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, d := range []int{3, 11, 20} {
		x := make([]float64, 2000*d)
		for i := range x {
			x[i] = r.NormFloat64()
		}
		m := cloud.Must64(x, 2000, d)
		b.Run(fmt.Sprint(d), func(b *testing.B) {
			for b.Loop() {
				FindDuplicates(m)
			}
		})
	}
}
