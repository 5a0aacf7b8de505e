package knn

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
