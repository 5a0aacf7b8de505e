package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// untilOrders returns chunk orders for n values: nil, increasing,
// decreasing and a random permutation.
func untilOrders(n int, r *rand.Rand) [][]int32 {
	nc := (n + Dist2LowChunk - 1) / Dist2LowChunk
	inc, dec := make([]int32, nc), make([]int32, nc)
	for c := range nc {
		inc[c], dec[c] = int32(c), int32(nc-1-c)
	}
	perm := make([]int32, nc)
	for c, p := range r.Perm(nc) {
		perm[c] = int32(p)
	}
	return [][]int32{nil, inc, dec, perm}
}

// TestDist2LowerF32Until checks, for every variant, lengths around the
// lane count and the chunk width, values of mixed scales and chunk orders
// (nil, increasing, decreasing, random): with no threshold (+Inf) every
// chunk is summed and, in increasing order, the value is Dist2LowerF32's
// bit for bit; in any order it is at most Dist2F32 and, at scale 1, within
// 10⁻⁴ of the prefix's exact sum; with a threshold below the bound the
// sum stops early (all false) at a value above the threshold and at most
// Dist2F32, and a negative threshold stops after the first chunk that
// has values; an overflowed sum gives 0.
func TestDist2LowerF32Until(t *testing.T) {
	old := sqDiffF32Best
	defer func() { sqDiffF32Best = old }()
	r := rand.New(rand.NewPCG(11, 12))
	var scratch [Dist2LowLanes]float32
	for l := range scratch {
		scratch[l] = 1e30 // not cleared by the caller: must not matter
	}
	stopped := 0
	for _, im := range sqDiffF32s {
		sqDiffF32Best = im
		for _, n := range []int{0, 1, 63, 64, 65, 255, 256, 257, 320, 1027, 5408} {
			for _, sc := range []float64{1, 0x1p-140, 0x1p60, 0x1p100} {
				a, b := make([]float32, n), make([]float32, n)
				for i := range a {
					a[i] = float32(r.NormFloat64() * sc)
					b[i] = float32(r.NormFloat64() * sc * math.Exp2(float64(r.IntN(8)-4)))
					if r.IntN(4) == 0 {
						b[i] = a[i]
					}
				}
				d, whole := Dist2F32(a, b), Dist2LowerF32(a, b, &scratch)
				m := n &^ 63
				var exact float64
				for i := range m {
					v := float64(a[i]) - float64(b[i])
					exact += v * v
				}
				for o, order := range untilOrders(n, r) {
					lo, all := Dist2LowerF32Until(a, b, order, math.Inf(1), &scratch)
					if !all || !(lo <= d) || lo < 0 {
						t.Fatalf("%s n=%d scale %g order %d: %v (all %v) against Dist2F32 %v", im.name, n, sc, o, lo, all, d)
					}
					if o <= 1 && math.Float64bits(lo) != math.Float64bits(whole) {
						t.Fatalf("%s n=%d scale %g order %d: %v, Dist2LowerF32 %v", im.name, n, sc, o, lo, whole)
					}
					if sc == 1 && m > 0 && !(lo >= exact*(1-1e-4)) {
						t.Errorf("%s n=%d order %d: %v against the prefix's %v: too loose", im.name, n, o, lo, exact)
					}
					if sc == 0x1p100 && m > 0 && lo != 0 {
						t.Errorf("%s n=%d order %d: overflowed sum gave %v, want 0", im.name, n, o, lo)
					}
					if !(whole > 0) || sc == 0x1p100 {
						continue
					}
					for _, thr := range []float64{-1, 0, whole / 4, whole / 2, whole * 0.999} {
						lo, all := Dist2LowerF32Until(a, b, order, thr, &scratch)
						if !(lo > thr) || !(lo <= d) {
							t.Fatalf("%s n=%d scale %g order %d thr %v: %v (all %v), Dist2F32 %v", im.name, n, sc, o, thr, lo, all, d)
						}
						if !all {
							stopped++
						}
						if thr < 0 && m > Dist2LowChunk && all {
							t.Fatalf("%s n=%d order %d: a negative threshold summed every chunk", im.name, n, o)
						}
					}
				}
			}
		}
	}
	if stopped == 0 {
		t.Fatal("no sum stopped early")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a chunk order of the wrong length did not panic")
		}
	}()
	Dist2LowerF32Until(make([]float32, 600), make([]float32, 600), []int32{0, 1}, 0, &scratch)
}

// FuzzDist2LowerF32Until: on arbitrary finite rows of up to 4,095 values,
// a chunk order drawn from seed and any threshold, every variant's chunked
// sum is the twin's (chunks and lanes), the value is at most Dist2F32,
// above the threshold when the sum stopped early, and with no threshold in
// increasing order Dist2LowerF32's.
func FuzzDist2LowerF32Until(f *testing.F) {
	sameBits32 := func(x, y []float32) bool {
		for i := range x {
			if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
				return false
			}
		}
		return true
	}
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint16(700), uint64(1), 0.5)
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0xff, 0x7f, 0x7f, 0, 0, 0x80, 0x3f}, uint16(1300), uint64(2), -1.0)
	f.Fuzz(func(t *testing.T, data []byte, n16 uint16, seed uint64, thr float64) {
		n := int(n16 % 4096)
		a, b := fuzzFloats32(data, n, 0, true), fuzzFloats32(data, n, 7, true)
		for i := range a {
			if math.IsInf(float64(a[i]), 0) || math.IsNaN(float64(a[i])) || math.IsInf(float64(b[i]), 0) || math.IsNaN(float64(b[i])) {
				return
			}
		}
		var scratch [Dist2LowLanes]float32
		d := Dist2F32(a, b)
		m := n &^ (Dist2LowLanes - 1)
		for o, order := range untilOrders(n, rand.New(rand.NewPCG(seed, 3))) {
			if m > 0 && order != nil {
				// Every variant's chunked sum is the twin's.
				var want [Dist2LowLanes]float32
				wk := sqDiffChunksF32Go(&a[0], &b[0], &order[0], len(order), m, float32(thr), &want)
				for _, im := range sqDiffF32s {
					var got [Dist2LowLanes]float32
					if k := im.chunks(&a[0], &b[0], &order[0], len(order), m, float32(thr), &got); k != wk || !sameBits32(got[:], want[:]) {
						t.Fatalf("%s n=%d order %d thr %v: %d chunks, twin %d", im.name, n, o, thr, k, wk)
					}
				}
			}
			lo, all := Dist2LowerF32Until(a, b, order, thr, &scratch)
			if !(lo <= d) || lo < 0 || (!all && !(lo > thr)) {
				t.Fatalf("n=%d order %d thr %v: %v (all %v), Dist2F32 %v", n, o, thr, lo, all, d)
			}
			if o <= 1 {
				if lo, all := Dist2LowerF32Until(a, b, order, math.Inf(1), &scratch); !all || math.Float64bits(lo) != math.Float64bits(Dist2LowerF32(a, b, &scratch)) {
					t.Fatalf("n=%d order %d: %v (all %v), Dist2LowerF32 %v", n, o, lo, all, Dist2LowerF32(a, b, &scratch))
				}
			}
		}
	})
}

// TestSqDiffChunksF32Twin: every variant returns the twin's number of
// chunks and its lanes bit for bit, from non-zero starting sums, for
// chunk orders (increasing, decreasing, random, with empty chunks past m)
// and thresholds from −1 (a stop after the first chunk with values) to
// +Inf (no stop), including sums of Inf.
func TestSqDiffChunksF32Twin(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	stops := 0
	for _, n := range []int{64, 256, 320, 1000, 5408} {
		for _, sc := range []float64{1, 0x1p70} {
			a, b := make([]float32, n), make([]float32, n)
			for i := range a {
				a[i] = float32(r.NormFloat64() * sc * math.Exp2(float64(r.IntN(8))))
				b[i] = float32(r.NormFloat64() * sc)
			}
			m := n &^ 63
			for _, order := range untilOrders(n, r)[1:] {
				for _, thr := range []float32{-1, 0, 1e3, 1e4, float32(math.Inf(1))} {
					var init [Dist2LowLanes]float32
					for l := range init {
						init[l] = float32(l) / 16
					}
					want := init
					wk := sqDiffChunksF32Go(&a[0], &b[0], &order[0], len(order), m, thr, &want)
					if wk < len(order) {
						stops++
					}
					for _, im := range sqDiffF32s {
						got := init
						if k := im.chunks(&a[0], &b[0], &order[0], len(order), m, thr, &got); k != wk {
							t.Fatalf("%s n=%d thr %v: %d chunks, twin %d", im.name, n, thr, k, wk)
						}
						for l := range got {
							if math.Float32bits(got[l]) != math.Float32bits(want[l]) {
								t.Fatalf("%s n=%d thr %v: lane %d = %v, twin %v", im.name, n, thr, l, got[l], want[l])
							}
						}
					}
				}
			}
		}
	}
	if stops == 0 {
		t.Fatal("no sum stopped early")
	}
}
