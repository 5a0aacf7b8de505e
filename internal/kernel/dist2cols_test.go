package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// dist2ColsRef is Dist2Cols's definition: each row's sum in column order
// from zero, the rows passing s ≤ u.
func dist2ColsRef(x []float64, ld int, q []float64, n int, u float64) ([]float64, []int32) {
	s := make([]float64, n)
	var out []int32
	for r := range n {
		var v float64
		for c := range q {
			e := x[c*ld+r] - q[c]
			v += float64(e * e)
		}
		s[r] = v
		if v <= u {
			out = append(out, int32(r))
		}
	}
	return s, out
}

// checkDist2Cols runs every variant on one case: the sums bit for bit (a
// NaN as any NaN), the passing rows, and nothing written past n.
func checkDist2Cols(t *testing.T, x []float64, ld int, q []float64, n int, u float64) {
	t.Helper()
	ws, wo := dist2ColsRef(x, ld, q, n, u)
	old := dist2ColsBest
	defer func() { dist2ColsBest = old }()
	for _, im := range dist2ColsAll {
		dist2ColsBest = im
		s, out := make([]float64, n+1), make([]int32, n+1)
		s[n], out[n] = -7, -9
		m := Dist2Cols(x, ld, q, n, u, s[:n], out[:n])
		for r := range n {
			if math.Float64bits(s[r]) != math.Float64bits(ws[r]) && !(s[r] != s[r] && ws[r] != ws[r]) {
				t.Fatalf("%s n=%d d=%d: s[%d] = %v, want %v", im.name, n, len(q), r, s[r], ws[r])
			}
		}
		if !slices.Equal(out[:m], wo) || s[n] != -7 || out[n] != -9 {
			t.Fatalf("%s n=%d d=%d u=%v: rows %v, want %v", im.name, n, len(q), u, out[:m], wo)
		}
	}
}

// TestDist2Cols: every variant equals the definition for every length from
// 0 to 70 (whole vectors of 8 and every tail) and 1 to 8 columns, with a
// leading dimension beyond n, thresholds that pass none, all, a few and
// one row exactly at its sum, and entries that overflow, are infinite,
// NaN or subnormal.
func TestDist2Cols(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 0x1p-1074, math.MaxFloat64, -math.MaxFloat64, 0x1p600}
	for trial := range 1200 {
		n, d := trial%71, 1+trial%8
		ld := n + rng.IntN(5)
		x, q := make([]float64, d*ld+1), make([]float64, d)
		for i := range x {
			x[i] = rng.NormFloat64()
			if trial%4 == 3 && rng.Float64() < 0.05 {
				x[i] = special[rng.IntN(len(special))]
			}
		}
		for c := range q {
			q[c] = rng.NormFloat64()
		}
		u := rng.Float64() * float64(d) * 2
		switch trial % 5 {
		case 0:
			u = math.Inf(-1)
		case 1:
			u = math.Inf(1)
		case 2:
			if n > 0 { // a row exactly at the threshold
				ws, _ := dist2ColsRef(x, ld, q, n, 0)
				u = ws[rng.IntN(n)]
			}
		}
		checkDist2Cols(t, x[:d*ld], ld, q, n, u)
	}
	for _, im := range dist2ColsAll {
		t.Logf("dist2Cols variant %s", im.name)
	}
}

// FuzzDist2Cols: every variant of Dist2Cols equals its definition on
// arbitrary entries (raw bits), lengths, widths and thresholds.
func FuzzDist2Cols(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(17), uint8(3), uint64(0x3ff0000000000000))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0, 0, 0, 0, 0, 0, 0xf0, 0xff}, uint8(40), uint8(5), uint64(0x7ff0000000000000))
	f.Fuzz(func(t *testing.T, data []byte, n8, d8 uint8, ubits uint64) {
		n, d := int(n8)%80, 1+int(d8)%8
		if len(data) == 0 {
			return
		}
		word := func(o int) float64 {
			var u uint64
			for b := range 8 {
				u |= uint64(data[(o+b)%len(data)]) << (8 * b)
			}
			return math.Float64frombits(u)
		}
		ld := n + int(d8)/8%3
		x, q := make([]float64, d*ld), make([]float64, d)
		for i := range x {
			x[i] = word(8 * i)
		}
		for c := range q {
			q[c] = word(8 * (len(x) + c))
		}
		checkDist2Cols(t, x, ld, q, n, math.Float64frombits(ubits))
	})
}
