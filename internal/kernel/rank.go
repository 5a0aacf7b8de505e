package kernel

import "unsafe"

// RankLess sets rank[i], for every i < len(s), to the number of t < len(s)
// with s[t] < s[i] (IEEE comparison: false when either is NaN). When the
// values are distinct and not NaN the ranks are a permutation of
// 0 … len(s)−1, each value's place in increasing order: sorting by
// comparison counting (Knuth, The Art of Computer Programming, vol. 3,
// §5.2, Algorithm C), len(s)² comparisons without a data-dependent branch;
// a tie or a NaN shows as a repeated rank. len(rank) must be at least
// len(s).
//
// knn's small searches place a row's few exact candidates (about k + 3 at
// n = 2,000, k = 20) into its sorted k nearest this way: AVX-512 holds the
// counts of 32 values in four registers and compares all 32 with one
// value per step (VCMPPD, then a masked VPADDD), where one sorted
// insertion each moved half the list.
func RankLess(s []float64, rank []int32) {
	if len(s) == 0 {
		return
	}
	rank = rank[:len(s)]
	rankBest.rank(&s[0], len(s), &rank[0])
}

// rankImpl is one variant of RankLess over n ≥ 1 values.
type rankImpl struct {
	name string
	rank func(s *float64, n int, rank *int32)
}

// rankLessGo is the specification of the variants.
func rankLessGo(s *float64, n int, rank *int32) {
	ss, rs := unsafe.Slice(s, n), unsafe.Slice(rank, n)
	for i, si := range ss {
		var c int32
		for _, st := range ss {
			if st < si {
				c++
			}
		}
		rs[i] = c
	}
}

// RankVariant returns the name of the RankLess variant in use: "avx512"
// or "purego" (whose len(s)² scalar comparisons cost more than sorted
// insertions: callers keep their insertion there).
func RankVariant() string { return rankBest.name }
