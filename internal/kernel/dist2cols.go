package kernel

import "unsafe"

// Dist2Cols sets s[r] = Σ_c (x[c·ld + r] − q[c])² for every r < n, the
// squared differences of the d = len(q) columns rounded and added in
// column order from the first (the sum of Dist2 under Dist2Lanes values:
// its first addition, to zero, is exact), and writes to out, increasing,
// every r with s[r] ≤ u (false on NaN); it returns their count. The rows
// are held by column: x holds column c at x[c·ld : c·ld + n] (ld ≥ n);
// len(s) ≥ n and len(out) ≥ n.
//
// A query against a block of rows in a tree's order: eight rows a vector
// step, each lane the scalar sums bit for bit (a subtraction, a product
// and an addition a column, each rounded: no fused multiply-add; a NaN's
// payload may differ).
func Dist2Cols(x []float64, ld int, q []float64, n int, u float64, s []float64, out []int32) int {
	d := len(q)
	if n <= 0 {
		return 0
	}
	if d == 0 {
		panic("kernel: Dist2Cols of no columns")
	}
	_ = x[(d-1)*ld+n-1]
	s, out = s[:n], out[:n]
	m8 := n &^ 7
	m := 0
	if m8 > 0 {
		m = dist2ColsBest.scan(&x[0], ld, d, &q[0], m8, u, &s[0], &out[0])
	}
	for r := m8; r < n; r++ {
		v := dist2ColsRow(x, ld, q, r)
		s[r] = v
		if v <= u {
			out[m] = int32(r)
			m++
		}
	}
	return m
}

// dist2ColsRow is row r's sum of Dist2Cols.
func dist2ColsRow(x []float64, ld int, q []float64, r int) float64 {
	var v float64
	for c, qc := range q {
		e := x[c*ld+r] - qc
		v += float64(e * e) // the conversion keeps arm64 from fusing
	}
	return v
}

// dist2ColsImpl is one variant of Dist2Cols over n rows (a multiple of 8).
type dist2ColsImpl struct {
	name string
	scan func(x *float64, ld, d int, q *float64, n int, u float64, s *float64, out *int32) int
}

// dist2ColsGo is the specification of the variants.
func dist2ColsGo(x *float64, ld, d int, q *float64, n int, u float64, s *float64, out *int32) int {
	xs := unsafe.Slice(x, (d-1)*ld+n)
	qs, ss, os := unsafe.Slice(q, d), unsafe.Slice(s, n), unsafe.Slice(out, n)
	m := 0
	for r := range n {
		v := dist2ColsRow(xs, ld, qs, r)
		ss[r] = v
		if v <= u {
			os[m] = int32(r)
			m++
		}
	}
	return m
}

// Dist2ColsVariant returns the name of the Dist2Cols variant in use:
// "avx512" or "purego".
func Dist2ColsVariant() string { return dist2ColsBest.name }
