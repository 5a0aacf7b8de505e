package knn

import (
	"sync/atomic"
	"testing"
)

// TestPrunedEager: pairs whose staged bound is well within their row's
// bound are evaluated at once (eagerBelow), and off the Gram's diagonal the
// pair's other row takes that Dist2 from the record (stagedRec.exact). For
// every eagerBelow (0: never; 1: every pair within the bound) the search,
// on 1 and 3 threads, and its strips give brute force's graph bit for bit;
// at 0.7 records carry exact distances, at 0 none does, and a broken
// shared distance (made 0) changes the graph.
func TestPrunedEager(t *testing.T) {
	defer func(e float64) { eagerBelow, stagedRecHook = e, nil }(eagerBelow)
	n, d := 1100, 300
	x := m64(lowRank(n, d, 40, 1e-3, 26), n, d)
	for _, k := range []int{1, 2, 20} {
		pl := stagedPlan(t, x, k)
		want := bruteForce(view(x), k, 2)
		for _, e := range []float64{0, 0.7, 1} {
			eagerBelow = e
			var shared atomic.Int64 // the hook runs on the search's threads
			stagedRecHook = func(r *stagedRec) {
				if r.exact {
					shared.Add(1)
				}
			}
			for _, th := range []int{1, 3} {
				if i := graphsDiffer(prunedSearch(view(x), k, th, pl), want); i >= 0 {
					t.Fatalf("k=%d eagerBelow=%g threads=%d: entry %d differs from brute force", k, e, th, i)
				}
			}
			if (shared.Load() > 0) != (e > 0) {
				t.Fatalf("k=%d eagerBelow=%g: %d exact distances shared", k, e, shared.Load())
			}
			stagedRecHook = nil
			checkStrips(t, "eager", x, k, &Pruning{pl: pl, d: d}, Euclidean, []int{0, 250, 600, n})
		}
		eagerBelow = 0.7
		stagedRecHook = func(r *stagedRec) {
			if r.exact {
				r.d = 0
			}
		}
		if i := graphsDiffer(prunedSearch(view(x), k, 1, pl), want); i < 0 {
			t.Fatalf("k=%d: a broken shared exact distance went unnoticed", k)
		}
		stagedRecHook = nil
	}
}

// TestPrunedNearBlocks: the staged search takes the blocks of the Gram
// matrix near its diagonal first (nearBlocks); for every band, none to all
// of the matrix's 6 block diagonals, on 1 and 3 threads, the graph is
// brute force's bit for bit.
func TestPrunedNearBlocks(t *testing.T) {
	defer func(nb int) { nearBlocks = nb }(nearBlocks)
	n, d := 1100, 300
	x := m64(lowRank(n, d, 40, 1e-3, 27), n, d)
	for _, k := range []int{1, 2, 20} {
		pl := stagedPlan(t, x, k)
		want := bruteForce(view(x), k, 2)
		for _, near := range []int{0, 1, 4, 6, 100} {
			nearBlocks = near
			for _, th := range []int{1, 3} {
				if i := graphsDiffer(prunedSearch(view(x), k, th, pl), want); i >= 0 {
					t.Fatalf("k=%d nearBlocks=%d threads=%d: entry %d differs from brute force", k, near, th, i)
				}
			}
		}
	}
}
