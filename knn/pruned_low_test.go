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
	lowerF32 = func(a, b []float32, chunks []int32, thr float64, s *[kernel.Dist2LowLanes]float32) (float64, bool) {
		calls.Add(1)
		return orig(a, b, chunks, thr, s)
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
	lowerF32 = func(a, b []float32, chunks []int32, thr float64, s *[kernel.Dist2LowLanes]float32) (float64, bool) {
		lo, all := orig(a, b, chunks, thr/2, s)
		return 2 * lo, all
	}
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
	lowerF32 = func(a, b []float32, chunks []int32, thr float64, s *[kernel.Dist2LowLanes]float32) (float64, bool) {
		calls.Add(1)
		return orig(a, b, chunks, thr, s)
	}
	checkPruned(t, "narrow", lowRank32(n, lowMinD-64, 30, 33), 2, Euclidean)
	if calls.Load() != 0 {
		t.Fatalf("the float32 lower bound was taken %d times on rows of %d values", calls.Load(), lowMinD-64)
	}
}

// TestPlanLowChunks: on wide float32 rows the plan orders the float32
// bound's chunks by decreasing energy (two chunks of larger columns first,
// a chunk of constant columns last), a permutation of all of them; the
// search sums pairs in that order and stops early for some (counted), with
// brute force's graph; float64 rows get no order.
func TestPlanLowChunks(t *testing.T) {
	n, d := 400, lowMinD+300 // 10 chunks, the last of 44 values
	nc := (d + kernel.Dist2LowChunk - 1) / kernel.Dist2LowChunk
	x := lowRank32(n, d, 30, 51)
	for i := range n {
		v := x.Row32(i)
		for j := range d {
			switch j / kernel.Dist2LowChunk {
			case 3:
				v[j] *= 10
			case 7:
				v[j] *= 4
			case 5:
				v[j] = 1.5
			}
		}
	}
	pl := planPrune(view(x), 2, 2, true)
	if pl == nil {
		t.Fatal("no plan")
	}
	if len(pl.lowChunks) != nc || pl.lowChunks[0] != 3 || pl.lowChunks[1] != 7 || pl.lowChunks[nc-1] != 5 {
		t.Fatalf("chunk order %v, want 3, 7 first and 5 last of %d", pl.lowChunks, nc)
	}
	seen := make([]bool, nc)
	for _, c := range pl.lowChunks {
		if c < 0 || int(c) >= nc || seen[c] {
			t.Fatalf("chunk order %v: not a permutation", pl.lowChunks)
		}
		seen[c] = true
	}
	orig := lowerF32
	defer func() { lowerF32 = orig }()
	var early, ordered atomic.Int64
	lowerF32 = func(a, b []float32, chunks []int32, thr float64, s *[kernel.Dist2LowLanes]float32) (float64, bool) {
		if len(chunks) == nc && chunks[0] == 3 {
			ordered.Add(1)
		}
		lo, all := orig(a, b, chunks, thr, s)
		if !all {
			early.Add(1)
		}
		return lo, all
	}
	for _, k := range []int{1, 2, 20} {
		checkPruned(t, "ordered chunks", x, k, Euclidean)
	}
	if early.Load() == 0 || ordered.Load() == 0 {
		t.Fatalf("%d bounds in the plan's order, %d stopped early", ordered.Load(), early.Load())
	}
	x64 := cloud.Must64(x.Float64(), n, d)
	if pl := planPrune(view(x64), 2, 2, true); pl == nil || pl.lowChunks != nil {
		t.Fatalf("float64 rows: plan %v", pl)
	}
}
