package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLog64: every variant equals math.Log bit for bit on values of every
// magnitude (normal, subnormal, near 1 and near √2/2), zeros of both signs,
// negatives, infinities and NaN, in place or not, for lengths around the
// vector width.
func TestLog64(t *testing.T) {
	old := logBest
	t.Cleanup(func() { logBest = old })
	rng := rand.New(rand.NewPCG(41, 42))
	special := []float64{0, math.Copysign(0, -1), -1, math.Inf(1), math.Inf(-1), math.NaN(), 0x1p-1074, 0x1p-1022,
		math.MaxFloat64, 1, math.Nextafter(1, 2), math.Nextafter(1, 0), math.Sqrt2 / 2, math.Nextafter(math.Sqrt2/2, 1),
		math.Nextafter(math.Sqrt2/2, 0), 2, 0.5, 3}
	for _, im := range logImpls {
		logBest = im
		for trial := 0; trial < 3000; trial++ {
			n := rng.IntN(40)
			x := make([]float64, n)
			for i := range x {
				switch rng.IntN(4) {
				case 0:
					x[i] = math.Float64frombits(rng.Uint64())
				case 1:
					x[i] = special[rng.IntN(len(special))]
				case 2:
					x[i] = 0.5 + rng.Float64()
				default:
					x[i] = math.Float64frombits(rng.Uint64() >> 1 >> uint(rng.IntN(12))) // positive, many exponents
				}
			}
			out := make([]float64, n+1)
			out[n] = 7
			Log64(x, out[:n])
			for i, v := range x {
				if w := math.Log(v); math.Float64bits(out[i]) != math.Float64bits(w) {
					t.Fatalf("%s: Log64(%v [%#x]) = %v [%#x], math.Log %v [%#x]", im.name, v, math.Float64bits(v), out[i], math.Float64bits(out[i]), w, math.Float64bits(w))
				}
			}
			if out[n] != 7 {
				t.Fatalf("%s: wrote past the end", im.name)
			}
			Log64(x, x) // in place
			for i := range x {
				if math.Float64bits(x[i]) != math.Float64bits(out[i]) {
					t.Fatalf("%s: in place differs at %d", im.name, i)
				}
			}
		}
	}
	for _, im := range logImpls {
		t.Logf("log variant %s", im.name)
	}
}

// FuzzLog64: every variant of Log64 equals math.Log bit for bit on
// arbitrary float64 bits.
func FuzzLog64(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0x80, 1, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		x := make([]float64, len(data)/8)
		for i := range x {
			var u uint64
			for b := range 8 {
				u |= uint64(data[8*i+b]) << (8 * b)
			}
			x[i] = math.Float64frombits(u)
		}
		old := logBest
		defer func() { logBest = old }()
		for _, im := range logImpls {
			logBest = im
			out := make([]float64, len(x))
			Log64(x, out)
			for i, v := range x {
				if w := math.Log(v); math.Float64bits(out[i]) != math.Float64bits(w) {
					t.Fatalf("%s: Log64(%#x) = %#x, math.Log %#x", im.name, math.Float64bits(v), math.Float64bits(out[i]), math.Float64bits(w))
				}
			}
		}
	})
}
