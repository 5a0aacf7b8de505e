package knn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPrefixSumSq4: prefixSumSq4 gives sumSq4 of every prefix bit for bit,
// for ends that are and are not multiples of 4, repeated, 0 and the whole.
func TestPrefixSumSq4(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2))
	for trial := 0; trial < 500; trial++ {
		n := rng.IntN(140)
		v := make([]float64, n)
		for q := range v {
			v[q] = rng.NormFloat64() * math.Exp(4*rng.NormFloat64())
		}
		ends := make([]int, 1+rng.IntN(5))
		for t := range ends {
			ends[t] = rng.IntN(n + 1)
		}
		if trial%3 == 0 {
			ends = append(ends, n, 0)
		}
		slices.Sort(ends)
		sums := make([]float64, len(ends))
		prefixSumSq4(v, ends, sums)
		for k, e := range ends {
			if want := sumSq4(v[:e]); math.Float64bits(sums[k]) != math.Float64bits(want) {
				t.Fatalf("n=%d ends=%v: prefix %d: %v, sumSq4 %v", n, ends, e, sums[k], want)
			}
		}
	}
}
