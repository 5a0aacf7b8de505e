package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// scanF32Ref is ScanRowAllF32's definition.
func scanF32Ref(g, h []float32, t float32) []int32 {
	var out []int32
	for q := range g {
		if h[q]-float32(2*g[q]) <= t {
			out = append(out, int32(q))
		}
	}
	return out
}

// TestScanRowAllF32: every variant returns the definition's columns for
// every length from 0 to 100 (whole vectors of 16 and every tail), with
// thresholds that pass none, a few and all, values that tie the threshold,
// infinities, NaN, entries whose double overflows, and subnormals; nothing
// past len(g) is written.
func TestScanRowAllF32(t *testing.T) {
	old := scanF32Best
	t.Cleanup(func() { scanF32Best = old })
	rng := rand.New(rand.NewPCG(31, 32))
	inf := float32(math.Inf(1))
	special := []float32{float32(math.NaN()), inf, -inf, 0, float32(math.Copysign(0, -1)), 0x1p-149, math.MaxFloat32, -math.MaxFloat32}
	for _, im := range scanF32s {
		scanF32Best = im
		for trial := range 900 {
			n := trial % 101
			g, h := make([]float32, n), make([]float32, n)
			for q := range g {
				g[q], h[q] = float32(rng.NormFloat64()), float32(rng.Float64()*4)
				if trial%3 == 1 && rng.Float64() < 0.1 {
					g[q] = special[rng.IntN(len(special))]
				}
				if trial%3 == 2 && rng.Float64() < 0.1 {
					h[q] = special[rng.IntN(len(special))]
				}
			}
			th := float32(rng.NormFloat64() * 3)
			switch trial % 5 {
			case 0:
				th = -inf
			case 1:
				th = inf
			case 2:
				if n > 0 { // a column exactly at the threshold
					q := rng.IntN(n)
					th = h[q] - float32(2*g[q])
				}
			}
			out := make([]int32, n+1)
			out[n] = -9
			m := ScanRowAllF32(g, h, th, out[:n])
			if want := scanF32Ref(g, h, th); !slices.Equal(out[:m], want) || out[n] != -9 {
				t.Fatalf("%s n=%d t=%v: %v, want %v", im.name, n, th, out[:m], want)
			}
		}
	}
	for _, im := range scanF32s {
		t.Logf("scanF32 variant %s", im.name)
	}
}

// FuzzScanRowAllF32: every variant of ScanRowAllF32 equals its pure-Go
// twin on arbitrary float32 entries, norms and thresholds (raw bits).
func FuzzScanRowAllF32(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(17), uint32(0x3f800000))
	f.Add([]byte{0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0xff, 0x80, 0, 0, 0x7f}, uint8(40), uint32(0x7f800000))
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8, tbits uint32) {
		n := int(n8)
		if len(data) == 0 {
			return
		}
		word := func(o int) float32 {
			var u uint32
			for b := range 4 {
				u |= uint32(data[(o+b)%len(data)]) << (8 * b)
			}
			return math.Float32frombits(u)
		}
		g, h := make([]float32, n), make([]float32, n)
		for q := range g {
			g[q], h[q] = word(8*q), word(8*q+4)
		}
		th := math.Float32frombits(tbits)
		want := scanF32Ref(g, h, th)
		old := scanF32Best
		defer func() { scanF32Best = old }()
		for _, im := range scanF32s {
			scanF32Best = im
			out := make([]int32, n)
			m := ScanRowAllF32(g, h, th, out)
			if !slices.Equal(out[:m], want) {
				t.Fatalf("%s n=%d t=%v: %v, twin %v", im.name, n, th, out[:m], want)
			}
		}
	})
}
