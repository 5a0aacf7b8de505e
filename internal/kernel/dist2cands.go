package kernel

import "unsafe"

// Cand is a candidate neighbour for Dist2Cands: J is its row, S receives
// its squared distance (knn's candidates share this layout).
type Cand struct {
	S float64
	J int32
}

// Dist2Cands sets c[t].S, for every t, to Σ_q (a[q] − x[J·ld + q])² over
// the len(a) columns of row J = c[t].J of x (rows ld ≥ 1 apart, J ≥ 0 and
// J·ld + len(a) ≤ len(x)), summed in column order from q = 0, each square
// rounded before its addition: knn's exact distances of a row's
// candidates for fewer than Dist2Lanes columns, bit for bit, for a whole
// list of candidates at once. AVX-512 takes the candidates eight at a
// time in the lanes of one register (the rows' columns eight at a time,
// loaded under a mask and transposed, then the scalar loop's subtraction,
// multiplication and addition per column, in its order, without fused
// operations), reading the rows from the candidates and writing the sums
// into them itself, the last len(c) mod 8 in lanes under a mask.
//
// It panics if a row J lies outside x, or if ld < 1 with len(a) ≥ 1 (the
// row check counts the rows of x by ld: with ld = 0 it would reject rows
// that every J shares).
func Dist2Cands(a, x []float64, ld int, c []Cand) {
	d := len(a)
	if len(c) == 0 {
		return
	}
	if d == 0 {
		for t := range c {
			c[t].S = 0
		}
		return
	}
	if ld < 1 {
		panic("kernel: Dist2Cands with ld < 1")
	}
	rows := 0 // the rows J with J·ld + d ≤ len(x)
	if len(x) >= d {
		rows = 1 + (len(x)-d)/ld
	}
	if !dist2CandsBest.dist(&a[0], d, unsafe.SliceData(x), ld, &c[0], len(c), rows) {
		panic("kernel: Dist2Cands row outside x")
	}
}

// dist2CandsImpl is one variant of Dist2Cands over n ≥ 1 candidates,
// d ≥ 1: it reports false, its sums unfinished, when a J (unsigned) is not
// below rows, the rows of x.
type dist2CandsImpl struct {
	name string
	dist func(a *float64, d int, x *float64, ld int, c *Cand, n, rows int) bool
}

// dist2CandsGo is the specification of the variants.
func dist2CandsGo(a *float64, d int, x *float64, ld int, c *Cand, n, rows int) bool {
	as, cs := unsafe.Slice(a, d), unsafe.Slice(c, n)
	for t := range cs {
		if int64(uint32(cs[t].J)) >= int64(rows) {
			return false
		}
		r := int(cs[t].J) * ld
		b := unsafe.Slice(x, r+d)[r:]
		var s float64
		for q, v := range as {
			u := v - b[q]
			s += float64(u * u)
		}
		cs[t].S = s
	}
	return true
}

// Dist2CandsVariant returns the name of the Dist2Cands variant in use:
// "avx512" or "purego".
func Dist2CandsVariant() string { return dist2CandsBest.name }
