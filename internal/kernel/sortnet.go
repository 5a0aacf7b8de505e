package kernel

import "slices"

// SortNetMax is the most keys SortKeys sorts.
const SortNetMax = 128

// SortKeys sorts v (at most SortNetMax keys) in ascending order.
//
// AVX-512 sorts the keys in registers by a bitonic network (Batcher,
// "Sorting networks and their applications", AFIPS 1968) of 16, 32, 64 or
// 128 keys, the smallest that holds v, padded with the largest key: for
// P keys, log₂P·(log₂P + 1)/2 stages of P/2 comparisons each, no branch
// on the keys. knn sorts a row's candidates this way, each distance's bits
// and its slot in one key.
func SortKeys(v []uint64) {
	if len(v) > SortNetMax {
		panic("kernel: SortKeys of more than SortNetMax keys")
	}
	var buf [SortNetMax]uint64
	copy(buf[:], v)
	sortNetBest.sort(&buf, len(v))
	copy(v, buf[:len(v)])
}

// SortKeysIn sorts buf[:n] (n ≤ SortNetMax) in ascending order in place,
// as SortKeys, without its copies: buf[n:] may be overwritten.
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

// SortNetVariant returns the name of the SortKeys variant in use: "avx512"
// or "purego".
func SortNetVariant() string { return sortNetBest.name }
