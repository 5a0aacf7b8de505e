package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSqrt64: every variant gives math.Sqrt bit for bit, in place, for
// lengths around the vector widths (8 and 16), on squared distances,
// subnormals, ±0, ±Inf, NaN and negative values.
func TestSqrt64(t *testing.T) {
	old := sqrtBest
	t.Cleanup(func() { sqrtBest = old })
	rng := rand.New(rand.NewPCG(9, 10))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -1, 0x1p-1074, math.MaxFloat64}
	for _, im := range sqrtImpls {
		sqrtBest = im
		for trial := range 300 {
			n := rng.IntN(70)
			x := make([]float64, n+1)
			for q := range n {
				x[q] = rng.ExpFloat64() * math.Pow(2, float64(rng.IntN(200)-100))
				if trial%4 == 1 && rng.IntN(3) == 0 {
					x[q] = special[rng.IntN(len(special))]
				}
			}
			x[n] = 42
			want := make([]float64, n)
			for q := range want {
				want[q] = math.Sqrt(x[q])
			}
			Sqrt64(x[:n])
			for q := range want {
				if !sameBits(x[q], want[q]) {
					t.Fatalf("%s n=%d: sqrt at %d = %v, want %v", im.name, n, q, x[q], want[q])
				}
			}
			if x[n] != 42 {
				t.Fatalf("%s: wrote past the end", im.name)
			}
		}
	}
	for _, im := range sqrtImpls {
		t.Logf("sqrt variant %s", im.name)
	}
}

// FuzzSqrt64: every variant equals math.Sqrt bit for bit on arbitrary
// values (raw bits).
func FuzzSqrt64(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 0xbf, 9}, uint8(17))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0xff, 0, 0, 0, 0, 0, 0, 0x86, 0x40}, uint8(40))
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8) {
		n := int(n8)
		x := make([]float64, n)
		if len(data) > 0 {
			for q := range x {
				var u uint64
				for b := range 8 {
					u |= uint64(data[(8*q+b)%len(data)]) << (8 * b)
				}
				x[q] = math.Float64frombits(u)
			}
		}
		old := sqrtBest
		defer func() { sqrtBest = old }()
		for _, im := range sqrtImpls {
			sqrtBest = im
			y := append([]float64(nil), x...)
			Sqrt64(y)
			for q, v := range x {
				if w := math.Sqrt(v); !sameBits(y[q], w) {
					t.Fatalf("%s sqrt(%v) = %v, want %v", im.name, v, y[q], w)
				}
			}
		}
	})
}
