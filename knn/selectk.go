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
	for len(v) > 8 {
		a, b, c := v[0], v[len(v)/2], v[len(v)-1]
		pv := max(min(a, b), min(max(a, b), c)) // the median of a, b, c
		nl, nh := kernel.Partition3(v, pv, v, tmp)
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
