package kernel

import (
	"slices"
	"unsafe"
)

// KthF32 returns the k-th smallest of v (1 ≤ k ≤ len(v), no NaN; a zero
// k-th may come back with either sign), reordering v and using tmp
// (len(tmp) ≥ len(v)) as scratch: the selection of knn's seeding bound, the
// k-th of a row's single-precision group minima.
//
// AVX-512 runs the whole selection in one call: while more than 16 values
// remain, a pivot (the median of the first, middle and last) splits them
// as Partition3 splits float64 values (here sixteen at a time, the last
// n mod 16 under masks), below it to the front of v, above it to tmp, and
// the side that holds rank k is kept (or the pivot returned, when rank k
// is among its copies); the last 16 or fewer are loaded into a register
// and each lane's count of values below it and at most it found by
// comparing every value with all lanes at once: the k-th is the lane whose
// counts bracket k.
func KthF32(v, tmp []float32, k int) float32 {
	if k < 1 || k > len(v) || len(tmp) < len(v) {
		panic("kernel: KthF32 rank outside v or scratch shorter than v")
	}
	return kthF32Best.kth(&v[0], &tmp[0], len(v), k)
}

// kthF32Impl is one variant of KthF32 (1 ≤ k ≤ n).
type kthF32Impl struct {
	name string
	kth  func(v, tmp *float32, n, k int) float32
}

// kthF32Go is the specification of the variants.
func kthF32Go(v, tmp *float32, n, k int) float32 {
	s := unsafe.Slice(v, n)
	slices.Sort(s)
	return s[k-1]
}

// KthF32Variant returns the name of the KthF32 variant in use: "avx512"
// or "purego".
func KthF32Variant() string { return kthF32Best.name }
