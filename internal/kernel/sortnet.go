package kernel

import "slices"

// SortNetMax is the most keys SortKeysIn sorts.
const SortNetMax = 128

// SortKeysIn sorts buf[:n] (n ≤ SortNetMax) in ascending order in place;
// buf[n:] may be overwritten. The caller owns buf, so a hot loop sorts
// without allocating (a function-local buffer would escape to the heap: the
// variant is called through a function value).
//
// AVX-512 sorts the keys in registers by a bitonic network (Batcher,
// "Sorting networks and their applications", AFIPS 1968) of 16, 32, 64 or
// 128 keys, the smallest that holds n, padded with the largest key: for
// P keys, log₂P·(log₂P + 1)/2 stages of P/2 comparisons each, no branch
// on the keys. knn sorts a row's candidates this way, each distance's bits
// and its slot in one key.
func SortKeysIn(buf *[SortNetMax]uint64, n int) {
	if n < 0 || n > SortNetMax {
		panic("kernel: SortKeysIn of more than SortNetMax keys")
	}
	sortNetBest.sort(buf, n)
}

// sortNetImpl is one variant of SortKeysIn.
type sortNetImpl struct {
	name string
	sort func(buf *[SortNetMax]uint64, n int)
}

// sortKeysGo is the specification of the variants.
func sortKeysGo(buf *[SortNetMax]uint64, n int) { slices.Sort(buf[:n]) }

// SortNetVariant returns the name of the SortKeysIn variant in use: "avx512"
// or "purego".
func SortNetVariant() string { return sortNetBest.name }
