package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDist2F32 checks that Dist2F32 equals Dist2 of the widened rows bit
// for bit, for lengths around the lane count and values of mixed scales.
func TestDist2F32(t *testing.T) {
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
			t.Errorf("n = %d: Dist2F32 = %v, Dist2 = %v", n, got, want)
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
