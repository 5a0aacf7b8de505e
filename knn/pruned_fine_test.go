package knn

import (
	"math"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// TestPrunedBounds: for every pair, the coarse bound (kernel Gram of the
// first m coordinates) and the fine bound (all M coordinates) are at most
// the Dist2 brute force computes, on float64 and float32 rows at tiny, unit
// and huge scales far from the origin; on low-rank data the fine bound is
// close to the distance and at least the coarse one on average.
func TestPrunedBounds(t *testing.T) {
	n, d := 300, 90
	for _, s := range []float64{0x1p-100, 1, 1e30} {
		x := lowRank(n, d, 20, 1e-3, 21)
		x32 := make([]float32, len(x))
		for i := range x {
			x[i] = x[i]*s + 7*s
			x32[i] = float32(x[i])
		}
		m32, err := cloud.New32(x32, n, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []*cloud.Matrix{m64(x, n, d), m32} {
			v := view(m)
			pl := planPrune(v, 2, 2, true)
			if pl == nil {
				t.Fatal("no plan")
			}
			pl.m = min(16, pl.mm)
			c, pr := newPruned(v, 2, 1, pl)
			if c == nil {
				t.Fatal("no projection")
			}
			o := c.pj.orig
			var fine, coarse float64
			pairs := 0
			kernel.SymGram(pr.p, 1, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
				for i := i0; i < i1; i++ {
					for j := max(j0, i+1); j < j1; j++ {
						d2 := v.dist2(int(o[i]), int(o[j]))
						lo, lf := c.lower(i, j, g[(i-i0)*ld+j-j0]), c.lowerFine(i, j)
						if lo > d2 || lf > d2 {
							t.Fatalf("scale %g: pair (%d, %d): bounds %v (coarse), %v (fine) above Dist2 %v", s, o[i], o[j], lo, lf, d2)
						}
						if d2 > 0 {
							fine += lf / d2
							coarse += lo / d2
							pairs++
						}
					}
				}
			})
			fine, coarse = fine/float64(pairs), coarse/float64(pairs)
			if !(fine > 0.9 && fine >= coarse) {
				t.Fatalf("scale %g: mean fine bound %.3f of the distance, coarse %.3f", s, fine, coarse)
			}
		}
	}
}

// TestPrunedWidePlan: with 256 directions from 384 sample rows (the
// plan of large layers) the search gives brute force's graph.
func TestPrunedWidePlan(t *testing.T) {
	n, d := 900, 300
	x := m64(lowRank(n, d, 40, 1e-3, 22), n, d)
	for _, k := range []int{1, 2, 20} {
		pl := planPrune(view(x), k, 2, true)
		if pl == nil || !pl.directions(view(x), 384, 256, 2) {
			t.Fatalf("k=%d: no plan", k)
		}
		pl.choose(view(x), k, 2)
		if pl.mm != 256 {
			t.Fatalf("k=%d: %d directions, want 256", k, pl.mm)
		}
		want := bruteForce(view(x), k, 2)
		got := prunedSearch(view(x), k, 2, pl)
		for i := range want.Index {
			if got.Index[i] != want.Index[i] || math.Float64bits(got.Dist[i]) != math.Float64bits(want.Dist[i]) {
				t.Fatalf("k=%d entry %d: got (%d, %v), want (%d, %v)", k, i, got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
			}
		}
	}
}
