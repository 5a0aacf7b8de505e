package knn

import (
	"math"
	"testing"

	"github.com/intdim/intdim/internal/kernel"
)

// TestPrunedThresholdCache: the cached Gram-test threshold of every row
// (threshold, refreshed when the row's stale flag is set by an exact
// distance) is the one computed from the row's bound, bit for bit, after
// the seeding and after every block of the Gram pass, in the one search
// and in its strips' pass (pcollector.block); the graph equals brute
// force's. Flags cleared without a refresh are caught.
func TestPrunedThresholdCache(t *testing.T) {
	n, d := 1100, 300
	x := m64(lowRank(n, d, 40, 1e-3, 25), n, d)
	for _, k := range []int{1, 2, 20} {
		pl := stagedPlan(t, x, k)
		c, pr := newPruned(view(x), k, 1, pl)
		if c == nil {
			t.Fatalf("k=%d: no projection", k)
		}
		mismatch := func(lo, hi int) int {
			for i := lo; i < hi; i++ {
				got, want := c.threshold(i), c.thresholdAt(i, c.rows[i].bound())
				if math.Float64bits(got) != math.Float64bits(want) {
					return i
				}
			}
			return -1
		}
		c.seed(1)
		if i := mismatch(0, n); i >= 0 {
			t.Fatalf("k=%d: row %d's threshold after the seeding is stale", k, i)
		}
		blocks, moved := 0, 0
		kernel.SymGram32(pr.p, 1, func(w, i0, i1, j0, j1 int, g []float32, ld int) {
			before := append([]float64(nil), c.thr...)
			c.block(w, i0, i1, j0, j1, g, ld)
			blocks++
			if i := mismatch(i0, i1); i >= 0 {
				t.Fatalf("k=%d: row %d's threshold stale after block (%d, %d)", k, i, i0, j0)
			}
			if i := mismatch(j0, j1); i >= 0 {
				t.Fatalf("k=%d: column row %d's threshold stale after block (%d, %d)", k, i, i0, j0)
			}
			for i := range before {
				if before[i] != c.thr[i] {
					moved++
				}
			}
		})
		if blocks < 2 || moved == 0 {
			t.Fatalf("k=%d: %d blocks, %d thresholds moved: the cache was not exercised", k, blocks, moved)
		}
		// Sabotage: a second collector's thresholds cached before the
		// seeding, its flags cleared after it.
		b, _ := newPruned(view(x), k, 1, pl)
		for i := range n {
			b.threshold(i)
		}
		b.seed(1)
		clear(b.stale)
		caught := false
		for i := 0; i < n && !caught; i++ {
			caught = math.Float64bits(b.threshold(i)) != math.Float64bits(b.thresholdAt(i, b.rows[i].bound()))
		}
		if !caught {
			t.Fatalf("k=%d: flags cleared without a refresh went unnoticed", k)
		}
		want := bruteForce(view(x), k, 2)
		if e := graphsDiffer(prunedSearch(view(x), k, 2, pl), want); e >= 0 {
			t.Fatalf("k=%d: entry %d differs from brute force", k, e)
		}
	}
}
