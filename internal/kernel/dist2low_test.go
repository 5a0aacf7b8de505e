package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDist2LowerF32 checks, for every variant, lengths around the lane
// count and values of mixed scales (subnormal differences and float32
// overflow included), that the bound is at most Dist2F32 and, where the
// sum stays in float32's normal range, within 10⁻⁴ of the prefix's exact
// sum (a bound that says nothing would fail).
func TestDist2LowerF32(t *testing.T) {
	old := sqDiffF32Best
	defer func() { sqDiffF32Best = old }()
	r := rand.New(rand.NewPCG(7, 8))
	var scratch [Dist2LowLanes]float32
	for l := range scratch {
		scratch[l] = 1e30 // not cleared by the caller: must not matter
	}
	for _, im := range sqDiffF32s {
		sqDiffF32Best = im
		for _, n := range []int{0, 1, 63, 64, 65, 127, 128, 200, 1027, 5408} {
			for _, sc := range []float64{1, 0x1p-140, 0x1p-120, 0x1p60, 0x1p64, 0x1p126} {
				a, b := make([]float32, n), make([]float32, n)
				for i := range a {
					a[i] = float32(r.NormFloat64() * sc)
					b[i] = float32(r.NormFloat64() * sc * math.Exp2(float64(r.IntN(8)-4)))
					if r.IntN(4) == 0 {
						b[i] = a[i] // a zero difference
					}
				}
				lo, d := Dist2LowerF32(a, b, &scratch), Dist2F32(a, b)
				if !(lo <= d) || lo < 0 {
					t.Fatalf("%s n=%d scale %g: lower bound %v > Dist2F32 %v", im.name, n, sc, lo, d)
				}
				m := n &^ 63
				var exact float64 // the prefix's sum, in float64 (relative error ≤ 10⁻¹³)
				for i := range m {
					v := float64(a[i]) - float64(b[i])
					exact += v * v
				}
				if sc == 1 && m > 0 && !(lo >= exact*(1-1e-4)) {
					t.Errorf("%s n=%d: lower bound %v against the prefix's %v: too loose", im.name, n, lo, exact)
				}
				if sc == 0x1p126 && m > 0 && lo != 0 {
					t.Errorf("%s n=%d: overflowed sum gave %v, want 0", im.name, n, lo)
				}
			}
		}
	}
}

// TestSqDiffF32Twin: every variant's lanes equal the pure-Go twin's bit for
// bit, from non-zero starting sums.
func TestSqDiffF32Twin(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 64, 128, 640, 5376} {
		a, b := make([]float32, n), make([]float32, n)
		for i := range a {
			a[i] = float32(r.NormFloat64() * math.Exp2(float64(r.IntN(60)-30)))
			b[i] = float32(r.NormFloat64())
		}
		checkSqDiffF32(t, a, b)
	}
}

func checkSqDiffF32(t *testing.T, a, b []float32) {
	t.Helper()
	var init [Dist2LowLanes]float32
	for l := range init {
		init[l] = float32(l) / 8
	}
	want := init
	sqDiffF32Go(&want, a, b)
	for _, im := range sqDiffF32s {
		got := init
		if len(a) > 0 {
			im.f(&a[0], &b[0], len(a), &got)
		}
		for l := range got {
			if math.Float32bits(got[l]) != math.Float32bits(want[l]) && !(got[l] != got[l] && want[l] != want[l]) {
				t.Fatalf("%s n=%d: lane %d = %v, twin %v", im.name, len(a), l, got[l], want[l])
			}
		}
	}
}

// FuzzDist2LowerF32: every variant's lanes equal the twin's on arbitrary
// float32 values (raw bits: subnormals, infinities, NaN), and on finite
// rows the bound is at most Dist2F32.
func FuzzDist2LowerF32(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(64), false)
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0xff, 0x7f, 0x7f, 0, 0, 0x80, 0x3f}, uint8(130), true)
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8, raw bool) {
		n := int(n8)
		a, b := fuzzFloats32(data, n, 0, raw), fuzzFloats32(data, n, 7, raw)
		m := n &^ (Dist2LowLanes - 1)
		checkSqDiffF32(t, a[:m], b[:m])
		finite := true
		for i := range a {
			finite = finite && !math.IsInf(float64(a[i]), 0) && !math.IsNaN(float64(a[i])) &&
				!math.IsInf(float64(b[i]), 0) && !math.IsNaN(float64(b[i]))
		}
		if !finite {
			return
		}
		old := sqDiffF32Best
		defer func() { sqDiffF32Best = old }()
		var scratch [Dist2LowLanes]float32
		for _, im := range sqDiffF32s {
			sqDiffF32Best = im
			if lo, d := Dist2LowerF32(a, b, &scratch), Dist2F32(a, b); !(lo <= d) || lo < 0 {
				t.Fatalf("%s n=%d: lower bound %v, Dist2F32 %v", im.name, n, lo, d)
			}
		}
	})
}
