package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDist2F32 checks that Dist2F32 equals Dist2 of the widened rows bit
// for bit, for lengths around the lane count and values of mixed scales.
func TestDist2F32(t *testing.T) {
	old := dist2F32
	defer func() { dist2F32 = old }()
	for _, im := range dist2F32s {
		dist2F32 = im
		testDist2F32(t)
	}
}

func testDist2F32(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 31, 32, 33, 64, 95, 200, 1027} {
		a32, b32 := make([]float32, n), make([]float32, n)
		a64, b64 := make([]float64, n), make([]float64, n)
		for i := range a32 {
			a32[i] = float32(r.NormFloat64() * math.Exp2(float64(r.IntN(40)-20)))
			b32[i] = float32(r.NormFloat64())
			a64[i], b64[i] = float64(a32[i]), float64(b32[i])
		}
		got, want := Dist2F32(a32, b32), Dist2(a64, b64)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("%s n = %d: Dist2F32 = %v, Dist2 = %v", dist2F32.name, n, got, want)
		}
		// Accumulated over blocks of 32 columns, as a stream does.
		var s [32]float64
		m := n &^ 31
		for c := 0; c < m; c += 64 {
			e := min(c+64, m)
			Dist2AccF32(&s, a32[c:e], b32[c:e])
		}
		if got := Dist2SumF32(&s, a32[m:], b32[m:]); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("n = %d: blocked Dist2AccF32 = %v, Dist2 = %v", n, got, want)
		}
	}
}

// FuzzDist2F32: every variant of the float32 accumulation equals its pure-Go
// twin bit for bit on arbitrary float32 values (raw bits: subnormals,
// infinities, NaN), and Dist2F32 equals Dist2 of the widened rows.
func FuzzDist2F32(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(40), false)
	f.Add([]byte{0, 0, 0x80, 0x7f, 1, 0, 0, 0, 0, 0, 0x80, 0x80, 0xff, 0xff, 0x7f, 0x7f}, uint8(96), true)
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8, raw bool) {
		n := int(n8)
		a, b := fuzzFloats32(data, n, 0, raw), fuzzFloats32(data, n, 5, raw)
		m := n &^ (Dist2Lanes - 1)
		var init [32]float64
		for l := range init {
			init[l] = float64(l) / 8
		}
		want := init
		dist2AccF32Go(&want, a[:m], b[:m])
		a64, b64 := make([]float64, n), make([]float64, n)
		for i := range a {
			a64[i], b64[i] = float64(a[i]), float64(b[i])
		}
		old := dist2F32
		defer func() { dist2F32 = old }()
		for _, im := range dist2F32s {
			got := init
			if m > 0 {
				im.f(&a[0], &b[0], m, &got)
			}
			for l := range got {
				if !sameBits(got[l], want[l]) {
					t.Fatalf("%s n=%d: s[%d] = %v, twin %v", im.name, m, l, got[l], want[l])
				}
			}
			dist2F32 = im
			if d, w := Dist2F32(a, b), Dist2(a64, b64); !sameBits(d, w) {
				t.Fatalf("%s n=%d: Dist2F32 = %v, Dist2 of the widened rows %v", im.name, n, d, w)
			}
		}
	})
}

func fuzzFloats32(data []byte, n, off int, raw bool) []float32 {
	x := make([]float32, n)
	if len(data) == 0 {
		return x
	}
	at := func(i int) byte { return data[(off+i)%len(data)] }
	for i := range x {
		if raw {
			var u uint32
			for k := 0; k < 4; k++ {
				u |= uint32(at(4*i+k)) << (8 * k)
			}
			x[i] = math.Float32frombits(u)
		} else {
			x[i] = float32(int16(uint16(at(2*i))|uint16(at(2*i+1))<<8)) / 64
		}
	}
	return x
}
