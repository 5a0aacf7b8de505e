package kernel

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// dist2CandsRef is knn's scalar sum of squared differences in column order.
func dist2CandsRef(a, b []float64) float64 {
	var s float64
	for c, v := range a {
		u := v - b[c]
		s += float64(u * u)
	}
	return s
}

// TestDist2Cands: every variant gives the scalar column-order sums bit for
// bit, for 0 … 40 columns (whole and partial blocks of eight), 0 … 40
// candidates (whole groups of eight and the twin's remainder), rows of a
// wider matrix, repeated rows, the matrix's last row (no read past it), and
// values with ±0, ±Inf, NaN and wide exponents; each candidate's J and the
// candidates beyond the list are left as they were.
func TestDist2Cands(t *testing.T) {
	old := dist2CandsBest
	t.Cleanup(func() { dist2CandsBest = old })
	rng := rand.New(rand.NewPCG(17, 18))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 0x1p-1074, 1e300}
	for _, im := range dist2CandsImpls {
		dist2CandsBest = im
		for trial := range 800 {
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
			m := (trial / 41) % 41
			c := make([]Cand, m+1)
			for q := range c {
				c[q] = Cand{S: -7, J: int32(rng.IntN(n))}
			}
			if m > 0 {
				c[rng.IntN(m)].J = int32(n - 1)
			}
			js := make([]int32, len(c))
			for q, e := range c {
				js[q] = e.J
			}
			Dist2Cands(a, x, ld, c[:m])
			for q, e := range c {
				if e.J != js[q] {
					t.Fatalf("%s d=%d m=%d candidate %d: J %d, was %d", im.name, d, m, q, e.J, js[q])
				}
			}
			for q, e := range c[:m] {
				r := int(e.J) * ld
				if w := dist2CandsRef(a, x[r:r+d]); !sameBits(e.S, w) {
					t.Fatalf("%s d=%d ld=%d m=%d candidate %d: %v, want %v", im.name, d, ld, m, q, e.S, w)
				}
			}
			if c[m].S != -7 {
				t.Fatalf("%s d=%d m=%d: the candidate past the list was written", im.name, d, m)
			}
		}
	}
	for _, im := range dist2CandsImpls {
		t.Logf("dist2 candidates variant %s", im.name)
	}
}

// TestDist2CandsOutside: in every variant, a row J outside x panics
// (negative J included) rather than reading past x, wherever the bad J
// lies: first, last of a group of eight, alone in the masked last group,
// or in a list shorter than one group.
func TestDist2CandsOutside(t *testing.T) {
	old := dist2CandsBest
	t.Cleanup(func() { dist2CandsBest = old })
	x := make([]float64, 3*4)
	for _, im := range dist2CandsImpls {
		dist2CandsBest = im
		for _, p := range []struct{ n, at int }{{9, 0}, {9, 4}, {9, 7}, {9, 8}, {3, 2}} {
			for _, j := range []int32{3, -1, math.MaxInt32} {
				func() {
					defer func() {
						if r, _ := recover().(string); !strings.Contains(r, "row outside x") {
							t.Errorf("%s J = %d at %d of %d: panic %q, want the row panic", im.name, j, p.at, p.n, r)
						}
					}()
					c := make([]Cand, p.n)
					for q := range c {
						c[q].J = int32(q % 3)
					}
					c[p.at].J = j
					Dist2Cands(make([]float64, 4), x, 4, c)
				}()
			}
		}
	}
}

// TestDist2CandsLd: rows less than one apart (ld ≤ 0) panic as such with
// columns to read (the row check divides by ld), and not without columns.
func TestDist2CandsLd(t *testing.T) {
	x := make([]float64, 3*4)
	for _, ld := range []int{0, -1, -4} {
		func() {
			defer func() {
				if r, _ := recover().(string); !strings.Contains(r, "ld < 1") {
					t.Errorf("ld = %d: panic %q, want the ld panic", ld, r)
				}
			}()
			Dist2Cands(make([]float64, 4), x, ld, make([]Cand, 3))
		}()
		c := []Cand{{S: 5, J: 2}}
		Dist2Cands(nil, x, ld, c)
		if c[0].S != 0 {
			t.Errorf("ld = %d, no columns: S = %v, want 0", ld, c[0].S)
		}
	}
}

// FuzzDist2Cands: every variant equals the scalar sums bit for bit on
// arbitrary values (raw bits) and candidate rows.
func FuzzDist2Cands(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 0xbf, 9}, uint8(11), uint8(3), uint8(17))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0x7f, 0, 0, 0, 0, 0, 0, 0x86, 0x40}, uint8(31), uint8(0), uint8(8))
	f.Fuzz(func(t *testing.T, data []byte, d8, extra, m8 uint8) {
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
		m := int(m8) % 50
		old := dist2CandsBest
		defer func() { dist2CandsBest = old }()
		for _, im := range dist2CandsImpls {
			dist2CandsBest = im
			c := make([]Cand, m)
			for q := range c {
				c[q].J = int32((q*7 + int(extra)) % n)
			}
			Dist2Cands(a, x, ld, c)
			for q, e := range c {
				r := int(e.J) * ld
				if w := dist2CandsRef(a, x[r:r+d]); !sameBits(e.S, w) {
					t.Fatalf("%s d=%d m=%d candidate %d: %v, want %v", im.name, d, m, q, e.S, w)
				}
			}
		}
	})
}
