package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// dist2TRef is knn's scalar sum of squared differences in column order.
func dist2TRef(a, b []float64) float64 {
	var s float64
	for c, v := range a {
		u := v - b[c]
		s += float64(u * u)
	}
	return s
}

// TestDist2T8: every variant gives the scalar column-order sums bit for
// bit, for 0 … 40 columns (whole and partial blocks of eight), rows of a
// wider matrix, repeated rows, the matrix's last row (no read past it),
// and values with ±0, ±Inf, NaN and wide exponents.
func TestDist2T8(t *testing.T) {
	old := dist2TBest
	t.Cleanup(func() { dist2TBest = old })
	rng := rand.New(rand.NewPCG(11, 12))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 0x1p-1074, 1e300}
	for _, im := range dist2Ts {
		dist2TBest = im
		for trial := range 400 {
			d := trial % 41
			ld := d + rng.IntN(3)
			n := 1 + rng.IntN(50)
			x := make([]float64, n*ld)
			for q := range x {
				x[q] = rng.NormFloat64() * math.Pow(2, float64(rng.IntN(40)-20))
				if trial%5 == 4 && rng.IntN(8) == 0 {
					x[q] = special[rng.IntN(len(special))]
				}
			}
			x = x[: (n-1)*ld+d : (n-1)*ld+d] // the last row ends the slice
			a := make([]float64, d)
			for q := range a {
				a[q] = rng.NormFloat64()
			}
			var rows [8]int
			for l := range rows {
				rows[l] = rng.IntN(n) * ld
			}
			rows[7] = (n - 1) * ld
			var out [8]float64
			Dist2T8(a, x, &rows, &out)
			for l, r := range rows {
				if w := dist2TRef(a, x[r:r+d]); !sameBits(out[l], w) {
					t.Fatalf("%s d=%d ld=%d lane %d: %v, want %v", im.name, d, ld, l, out[l], w)
				}
			}
		}
	}
	for _, im := range dist2Ts {
		t.Logf("dist2 transposed variant %s", im.name)
	}
}

// FuzzDist2T8: every variant equals the scalar sums bit for bit on
// arbitrary values (raw bits).
func FuzzDist2T8(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 0xbf, 9}, uint8(11), uint8(3))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0x7f, 0, 0, 0, 0, 0, 0, 0x86, 0x40}, uint8(31), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, d8, extra uint8) {
		d := int(d8) % 40
		ld := d + int(extra)%4
		n := 9
		x := make([]float64, (n-1)*ld+d)
		a := make([]float64, d)
		val := func(q int) float64 {
			if len(data) == 0 {
				return 0
			}
			var u uint64
			for b := range 8 {
				u |= uint64(data[(8*q+b)%len(data)]) << (8 * b)
			}
			return math.Float64frombits(u)
		}
		for q := range x {
			x[q] = val(q + 3)
		}
		for q := range a {
			a[q] = val(q)
		}
		rows := [8]int{0, 3 * ld, ld, 8 * ld, 8 * ld, 5 * ld, 2 * ld, 7 * ld}
		old := dist2TBest
		defer func() { dist2TBest = old }()
		for _, im := range dist2Ts {
			dist2TBest = im
			var out [8]float64
			Dist2T8(a, x, &rows, &out)
			for l, r := range rows {
				if w := dist2TRef(a, x[r:r+d]); !sameBits(out[l], w) {
					t.Fatalf("%s d=%d lane %d: %v, want %v", im.name, d, l, out[l], w)
				}
			}
		}
	})
}
