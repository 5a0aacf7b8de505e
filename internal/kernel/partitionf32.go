package kernel

import "unsafe"

// Partition3F32 is Partition3 for float32 values: it writes the values of
// v below p to lo and those above p to hi, each in the order of v, and
// returns how many of each (nl, nh); the len(v) − nl − nh others equal p
// (or are NaN). lo may be v itself; hi must not overlap v. len(lo) and
// len(hi) must be at least len(v); past their counts, lo and hi may be
// overwritten (lo not beyond v's values not yet read).
//
// One step of a selection (knn: the k-th smallest of a row's
// single-precision group minima, without widening them first): AVX-512
// compresses sixteen values at a time into each side, the last len(v) mod
// 16 under masks (no branch on the values).
func Partition3F32(v []float32, p float32, lo, hi []float32) (nl, nh int) {
	if len(v) == 0 {
		return 0, 0
	}
	lo, hi = lo[:len(v)], hi[:len(v)]
	return partF32Best.part3(&v[0], len(v), p, &lo[0], &hi[0])
}

// partF32Impl is one variant of Partition3F32 over n ≥ 1 values.
type partF32Impl struct {
	name  string
	part3 func(v *float32, n int, p float32, lo, hi *float32) (nl, nh int)
}

// partition3F32Go is the specification of the variants.
func partition3F32Go(v *float32, n int, p float32, lo, hi *float32) (nl, nh int) {
	vs, ls, hs := unsafe.Slice(v, n), unsafe.Slice(lo, n), unsafe.Slice(hi, n)
	for _, x := range vs {
		if x < p {
			ls[nl] = x
			nl++
		} else if x > p {
			hs[nh] = x
			nh++
		}
	}
	return nl, nh
}

// PartitionF32Variant returns the name of the Partition3F32 variant in
// use: "avx512" or "purego".
func PartitionF32Variant() string { return partF32Best.name }
