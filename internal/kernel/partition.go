package kernel

import "unsafe"

// Partition3 writes the values of v below p to lo and those above p to hi,
// each in the order of v, and returns how many of each (nl, nh): the
// len(v) − nl − nh others equal p (or are NaN). lo may be v itself (the
// values below p move to its front); hi must not overlap v. len(lo) and
// len(hi) must be at least len(v); past their counts, lo and hi may be
// overwritten (lo not beyond v's values not yet read).
//
// One step of a selection (knn: the k-th smallest of a row's group minima):
// AVX-512 compresses eight values at a time into each side.
func Partition3(v []float64, p float64, lo, hi []float64) (nl, nh int) {
	if len(v) == 0 {
		return 0, 0
	}
	lo, hi = lo[:len(v)], hi[:len(v)]
	n := len(v) &^ 7
	if n > 0 {
		nl, nh = partBest.part3(&v[0], n, p, &lo[0], &hi[0])
	}
	for _, x := range v[n:] {
		if x < p {
			lo[nl] = x
			nl++
		} else if x > p {
			hi[nh] = x
			nh++
		}
	}
	return nl, nh
}

// partImpl is one variant of Partition3 over n values (a multiple of 8).
type partImpl struct {
	name  string
	part3 func(v *float64, n int, p float64, lo, hi *float64) (nl, nh int)
}

// partition3Go is the specification of the variants.
func partition3Go(v *float64, n int, p float64, lo, hi *float64) (nl, nh int) {
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

// PartitionVariant returns the name of the Partition3 variant in use:
// "avx512" or "purego".
func PartitionVariant() string { return partBest.name }
