package knn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaxDev: the four-lane maxDev gives the one chain's result, with a
// NaN or ±Inf at any place, for float32 and float64 rows of every length
// up to two steps past four.
func TestMaxDev(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for n := 0; n <= 11; n++ {
		mean := make([]float64, n)
		for j := range mean {
			mean[j] = r.NormFloat64()
		}
		for at := -1; at < n; at++ {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				row := make([]float64, n)
				for j := range row {
					row[j] = float64(float32(r.NormFloat64() * 3))
				}
				if at >= 0 {
					row[at] = bad
				}
				r32 := make([]float32, n)
				for j, v := range row {
					r32[j] = float32(v)
				}
				for _, big := range []float64{0, 0.5, math.NaN()} {
					want := big
					for j, v := range row {
						want = max(want, math.Abs(v-mean[j]))
					}
					for _, got := range []float64{maxDev(row, mean, big), maxDev(r32, mean, big)} {
						if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
							t.Fatalf("n=%d, %v at %d, big %v: %v, want %v", n, bad, at, big, got, want)
						}
					}
				}
			}
		}
	}
}
