package knn

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// lowRank32 is lowRank in float32, with every fifth row a copy of an
// earlier one (duplicates, and ties at distance 0).
func lowRank32(n, d, r int, seed uint64) *cloud.Matrix {
	x := lowRank(n, d, r, 1e-3, seed)
	x32 := make([]float32, n*d)
	for i, v := range x {
		x32[i] = float32(v)
	}
	rng := rand.New(rand.NewPCG(seed, 5))
	for i := 5; i < n; i += 5 {
		src := rng.IntN(i)
		copy(x32[i*d:(i+1)*d], x32[src*d:(src+1)*d])
	}
	return cloud.Must32(x32, n, d)
}

// TestPrunedLowerF32: on float32 rows of at least lowMinD values the
// exact distances of rows with full lists are tested against the float32
// lower bound first (exact, lowerF32). On low-rank rows with duplicates
// and on random rows, for the estimators' k, 1 and 3 threads and strips,
// the graph is brute force's bit for bit, the test drops pairs (counted),
// and a broken bound (twice the value) changes the graph; below lowMinD
// values the test is not taken.
func TestPrunedLowerF32(t *testing.T) {
	orig := lowerF32
	defer func() { lowerF32 = orig }()
	var calls atomic.Int64 // the search's threads call it
	lowerF32 = func(a, b []float32, s *[kernel.Dist2LowLanes]float32) float64 {
		calls.Add(1)
		return orig(a, b, s)
	}
	n, d := 500, lowMinD+70
	rnd := make([]float32, n*d)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range rnd {
		rnd[i] = float32(rng.NormFloat64())
	}
	for _, tc := range []struct {
		name string
		x    *cloud.Matrix
	}{{"low rank, duplicates", lowRank32(n, d, 30, 31)}, {"random", cloud.Must32(rnd, n, d)}} {
		for _, k := range shortKs() {
			if k >= n/2 {
				continue
			}
			calls.Store(0)
			checkPruned(t, tc.name, tc.x, k, Euclidean)
			if calls.Load() == 0 {
				t.Fatalf("%s k=%d: the float32 lower bound was never taken", tc.name, k)
			}
		}
	}
	x := lowRank32(n, d, 30, 32)
	pr, err := PlanSearch(x, 2, &Options{Search: SearchPruned, Threads: 2})
	if err != nil || pr == nil {
		t.Fatalf("PlanSearch: %v, %v", pr, err)
	}
	checkStrips(t, "float32 lower bound", x, 2, pr, Euclidean, []int{0, 120, 333, n})
	// A bound above Dist2 drops pairs that belong to the graph.
	lowerF32 = func(a, b []float32, s *[kernel.Dist2LowLanes]float32) float64 { return 2 * orig(a, b, s) }
	want := bruteForce(view(x), 2, 2)
	got, err := Search(x, 2, &Options{Search: SearchPruned, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if graphsDiffer(got, want) < 0 {
		t.Fatal("a lower bound twice too large went unnoticed")
	}
	// Narrower rows: not taken.
	calls.Store(0)
	lowerF32 = func(a, b []float32, s *[kernel.Dist2LowLanes]float32) float64 {
		calls.Add(1)
		return orig(a, b, s)
	}
	checkPruned(t, "narrow", lowRank32(n, lowMinD-64, 30, 33), 2, Euclidean)
	if calls.Load() != 0 {
		t.Fatalf("the float32 lower bound was taken %d times on rows of %d values", calls.Load(), lowMinD-64)
	}
}
