package knn

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// TestPairMemo: a pair's value is found from either row, with its kind
// (an exact 0 included), replaced by a later put, absent when never put;
// a memo too small for its pairs drops some but never answers with
// another pair's value, also under concurrent puts and gets.
func TestPairMemo(t *testing.T) {
	m := newPairMemo(100)
	if len(m.slots) != 2048 {
		t.Fatalf("%d slots for 100 rows, want 2048", len(m.slots))
	}
	if _, _, ok := m.get(3, 7); ok {
		t.Fatal("an empty memo answered")
	}
	m.put(7, 3, 1.5, memoBound)
	if v, kind, ok := m.get(3, 7); !ok || kind != memoBound || v != 1.5 {
		t.Fatalf("get(3, 7) = %v, %v, %v after put(7, 3, 1.5, bound)", v, kind, ok)
	}
	m.put(3, 7, 2.25, memoDist)
	if v, kind, ok := m.get(7, 3); !ok || kind != memoDist || v != 2.25 {
		t.Fatalf("get(7, 3) = %v, %v, %v after put(3, 7, 2.25, exact)", v, kind, ok)
	}
	m.put(0, 1, 0, memoDist)
	if v, kind, ok := m.get(1, 0); !ok || kind != memoDist || v != 0 || math.Signbit(v) {
		t.Fatalf("get(1, 0) = %v, %v, %v after an exact 0", v, kind, ok)
	}
	for _, kind := range []memoKind{memoBound, memoPartial} {
		m.put(0, 2, 0, kind) // a bound of 0 is not kept
		if _, _, ok := m.get(0, 2); ok {
			t.Fatalf("a bound of 0 (kind %d) was kept", kind)
		}
	}
	// A bound's kind in its lowest bit: the value kept is the bound or
	// the float64 just below it, never above; an exact Dist2 as it is.
	even, odd := 1.5, math.Nextafter(1.5, 2) // lowest bits 0 and 1
	for _, tc := range []struct {
		v    float64
		kind memoKind
		want float64
	}{
		{even, memoBound, even}, {odd, memoBound, 1.5}, {even, memoPartial, math.Nextafter(1.5, 0)},
		{odd, memoPartial, odd}, {odd, memoDist, odd}, {math.SmallestNonzeroFloat64, memoPartial, math.SmallestNonzeroFloat64},
	} {
		m.put(4, 5, tc.v, tc.kind)
		if v, kind, ok := m.get(5, 4); !ok || kind != tc.kind || v != tc.want {
			t.Fatalf("put(4, 5, %v, %d): get = %v, %d, %v; want %v", tc.v, tc.kind, v, kind, ok, tc.want)
		}
	}
	m.put(4, 6, math.SmallestNonzeroFloat64, memoBound) // lowered to 0: not kept
	if _, _, ok := m.get(4, 6); ok {
		t.Fatal("a bound lowered to 0 was kept")
	}
	if _, _, ok := m.get(3, 8); ok {
		t.Fatal("a pair never put was found")
	}
	// 64 slots, 2,000 pairs from 4 goroutines, each value a function of
	// its pair: whatever is found is that pair's.
	small := newPairMemo(1)
	if len(small.slots) != 64 {
		t.Fatalf("%d slots, want 64", len(small.slots))
	}
	val := func(a, b int32) float64 { return float64(min(a, b))*1000 + float64(max(a, b)) + 1 }
	var wg sync.WaitGroup
	var found atomic.Int64
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			for t := 0; t < 500; t++ {
				a, b := int32(rng.IntN(200)), int32(rng.IntN(200))
				small.put(a, b, val(a, b), memoKind(a%2)) // memoDist or memoBound of an integer: as put
				c, d := int32(rng.IntN(200)), int32(rng.IntN(200))
				if v, _, ok := small.get(c, d); ok {
					found.Add(1)
					if v != val(c, d) {
						panic("wrong pair's value")
					}
				}
			}
		}()
	}
	wg.Wait()
	full := 0
	for s := range small.slots {
		if small.slots[s].key.Load() != 0 {
			full++
		}
	}
	if full != 64 {
		t.Fatalf("%d of 64 slots taken after 2,000 puts", full)
	}
	t.Logf("%d of 2,000 gets found a value", found.Load())
}

// TestPrunedMemo: with the pair memo, the pruned search of wide float32
// rows (low-rank rows with duplicates, random rows; the estimators' k; 1
// and 3 threads) is brute force's graph bit for bit, and one thread calls
// the float32 bound less often than without it (the memo answers for the
// pair's second row); a memo that answers wrongly (an exact 0 for every
// pair) changes the graph, so its values are used.
func TestPrunedMemo(t *testing.T) {
	origLow, origMemo := lowerF32, newMemo
	defer func() { lowerF32, newMemo = origLow, origMemo }()
	var calls atomic.Int64
	lowerF32 = func(a, b []float32, chunks []int32, thr float64, s *[kernel.Dist2LowLanes]float32) (float64, bool) {
		calls.Add(1)
		return origLow(a, b, chunks, thr, s)
	}
	n, d := 400, lowMinD+40
	rnd := make([]float32, n*d)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range rnd {
		rnd[i] = float32(rng.NormFloat64())
	}
	for _, tc := range []struct {
		name string
		x    *cloud.Matrix
	}{{"low rank, duplicates", lowRank32(n, d, 25, 41)}, {"random", cloud.Must32(rnd, n, d)}} {
		for _, k := range []int{1, 2, 3, 20, 100} {
			newMemo = origMemo
			checkPruned(t, tc.name, tc.x, k, Euclidean)
			count := func() int64 {
				calls.Store(0)
				if _, err := Search(tc.x, k, &Options{Search: SearchPruned, Threads: 1}); err != nil {
					t.Fatal(err)
				}
				return calls.Load()
			}
			with := count()
			newMemo = func(int) *pairMemo { return nil }
			without := count()
			if with >= without {
				t.Fatalf("%s k=%d: the float32 bound called %d times with the memo, %d without", tc.name, k, with, without)
			}
			t.Logf("%s k=%d: float32 bounds %d with the memo, %d without", tc.name, k, with, without)
		}
	}
	x := lowRank32(n, d, 25, 42)
	newMemo = func(n int) *pairMemo {
		m := newPairMemo(n)
		for a := int32(0); a < int32(n); a++ {
			for b := a + 1; b < int32(n) && b < a+8; b++ {
				m.put(a, b, 0, memoDist)
			}
		}
		return m
	}
	want := bruteForce(view(x), 2, 2)
	got, err := Search(x, 2, &Options{Search: SearchPruned, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if graphsDiffer(got, want) < 0 {
		t.Fatal("a memo answering 0 for every pair went unnoticed")
	}
}
