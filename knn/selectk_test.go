package knn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/intdim/intdim/internal/kernel"
)

// TestKthPartition: kthPartition and kernel.KthF32 (rowSeedKth's
// selection) return the k-th smallest value (that of a sorted copy) for
// every k, on lengths around their cut-off and the vector widths, with
// many ties, zeros of both signs and infinities.
func TestKthPartition(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for trial := range 300 {
		n := 1 + rng.IntN(140)
		if trial%2 == 1 { // longer lists: several partition steps before kthSmallest
			n = 1 + rng.IntN(600)
		}
		v := make([]float64, n)
		for q := range v {
			switch {
			case trial%3 == 0:
				v[q] = float64(rng.IntN(5)) // ties
			case rng.Float64() < 0.05:
				v[q] = []float64{math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1)}[rng.IntN(4)]
			default:
				v[q] = rng.NormFloat64()
			}
		}
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		tmp := make([]float64, n)
		v32, tmp32 := make([]float32, n), make([]float32, n)
		for q, x := range v {
			v32[q] = float32(x)
		}
		sorted32 := slices.Clone(v32)
		slices.Sort(sorted32)
		for k := 1; k <= n; k++ {
			if got := kthPartition(slices.Clone(v), tmp, k); got != sorted[k-1] {
				t.Fatalf("n=%d k=%d: %v, want %v", n, k, got, sorted[k-1])
			}
			if got := kernel.KthF32(slices.Clone(v32), tmp32, k); got != sorted32[k-1] {
				t.Fatalf("float32 n=%d k=%d: %v, want %v", n, k, got, sorted32[k-1])
			}
		}
	}
}
