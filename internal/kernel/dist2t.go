package kernel

import "unsafe"

// Dist2T8 sets out[l], for the eight rows of x starting at element
// rows[l] (each holding at least len(a) values), to Σ_c (a[c] − row[c])²
// summed in column order from c = 0, each square rounded before its
// addition: knn's exact distances of a row's candidates for fewer than
// Dist2Lanes columns, bit for bit. AVX-512 computes the eight sums in
// the lanes of one register: the rows' columns eight at a time, loaded
// under a mask and transposed, then the scalar loop's subtraction,
// multiplication and addition per column, in its order, without fused
// operations.
func Dist2T8(a, x []float64, rows *[8]int, out *[8]float64) {
	d := len(a)
	if d == 0 {
		*out = [8]float64{}
		return
	}
	for _, r := range rows {
		_ = x[r : r+d] // in range
	}
	if dist2TBest.name == "avx512" {
		dist2T8Arch(&a[0], d, &x[0], rows, out) // a direct call: rows and out stay on the caller's stack
		return
	}
	r, o := *rows, [8]float64{}
	dist2TBest.dist(&a[0], d, &x[0], &r, &o)
	*out = o
}

// dist2TImpl is one variant of Dist2T8 (d ≥ 1, rows in range).
type dist2TImpl struct {
	name string
	dist func(a *float64, d int, x *float64, rows *[8]int, out *[8]float64)
}

// dist2T8Go is the specification of the variants.
func dist2T8Go(a *float64, d int, x *float64, rows *[8]int, out *[8]float64) {
	as := unsafe.Slice(a, d)
	for l, r := range rows {
		b := unsafe.Slice(x, r+d)[r:]
		var s float64
		for c, v := range as {
			u := v - b[c]
			s += float64(u * u)
		}
		out[l] = s
	}
}

// Dist2TVariant returns the name of the Dist2T8 variant in use: "avx512"
// or "purego".
func Dist2TVariant() string { return dist2TBest.name }
