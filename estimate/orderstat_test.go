package estimate

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/intdim/intdim/knn"
)

// TestOrderStat: orderStat returns the value sorting puts at every rank,
// with ties, infinities and zeros, for lengths 1 to 300, and leaves the
// smaller values before it; medianRadius's selection equals the sorted
// median of numpy, NaN included.
func TestOrderStat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 2000 {
		n := 1 + trial%300
		v := make([]float64, n)
		for q := range v {
			switch trial % 3 {
			case 0:
				v[q] = float64(rng.IntN(1 + n/4))
			case 1:
				v[q] = rng.ExpFloat64()
				if rng.IntN(20) == 0 {
					v[q] = []float64{math.Inf(1), 0, math.Inf(-1)}[rng.IntN(3)]
				}
			default:
				v[q] = rng.Float64()
			}
		}
		s := slices.Clone(v)
		slices.Sort(s)
		m := rng.IntN(n)
		w := slices.Clone(v)
		if got := orderStat(w, m); math.Float64bits(got) != math.Float64bits(s[m]) || w[m] != s[m] {
			t.Fatalf("n=%d m=%d: %v, sorted %v", n, m, got, s[m])
		}
		if m > 0 && slices.Max(w[:m]) != s[m-1] {
			t.Fatalf("n=%d m=%d: the values before rank m are not the m smallest", n, m)
		}
		if trial%7 == 0 {
			v[rng.IntN(n)] = math.NaN()
			s = slices.Clone(v)
			slices.Sort(s)
		}
		want := s[n/2]
		if n%2 == 0 {
			want = (s[n/2-1] + s[n/2]) / 2
		}
		g := &knn.Graph{N: n, K: 1, Index: make([]int32, n), Dist: slices.Clone(v)}
		if got := medianRadius(g, 1); math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("n=%d: medianRadius %v, sorted median %v", n, got, want)
		}
	}
}
