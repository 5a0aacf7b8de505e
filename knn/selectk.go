package knn

import "github.com/intdim/intdim/internal/kernel"

// kthPartition returns the k-th smallest of v (1 ≤ k ≤ len(v), no NaN), as
// kthSmallest does, reordering v and using tmp (len(tmp) ≥ len(v)) as
// scratch: each step splits the values around the median of three of them
// with kernel.Partition3 (eight values at a time, those below the pivot to
// the front of v, those above to tmp) and keeps the side that holds rank
// k, or returns the pivot when rank k is among its copies; ranges of at
// most 8 go to kthSmallest (32 left a fifth of a k = 100 row's selection
// there).
func kthPartition(v, tmp []float64, k int) float64 {
	return kthPartitionWith(v, tmp, k, kernel.Partition3)
}

// kthPartition32 is kthPartition for float32 values, by
// kernel.Partition3F32 (sixteen values at a time): the k-th of a row's
// single-precision group minima without widening them first. Where
// kernel.KthF32 runs in vector lanes, the whole selection is its one call
// (the same steps, the last 16 values ranked in a register; a zero k-th
// may come back with either sign, which rowSeedKth's bound does not see).
func kthPartition32(v, tmp []float32, k int) float32 {
	if kthF32Vec {
		return kernel.KthF32(v, tmp, k)
	}
	return kthPartitionWith(v, tmp, k, kernel.Partition3F32)
}

// kthF32Vec reports whether kernel.KthF32 runs in vector lanes (its
// pure-Go twin sorts). Tests turn it off.
var kthF32Vec = kernel.KthF32Variant() == "avx512"

// kthPartitionWith is kthPartition with the partition step part.
func kthPartitionWith[F float32 | float64](v, tmp []F, k int, part func(v []F, p F, lo, hi []F) (nl, nh int)) F {
	for len(v) > 8 {
		a, b, c := v[0], v[len(v)/2], v[len(v)-1]
		pv := max(min(a, b), min(max(a, b), c)) // the median of a, b, c
		nl, nh := part(v, pv, v, tmp)
		switch {
		case k <= nl:
			v = v[:nl]
		case k <= len(v)-nh:
			return pv // ranks nl+1 … len(v)−nh equal pv
		default:
			k -= len(v) - nh
			v, tmp = tmp[:nh], v
		}
	}
	return kthSmallest(v, k)
}
