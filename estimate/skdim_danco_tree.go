package estimate

import (
	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// treeSearch returns the k nearest neighbours of every row of x (float64,
// n > k) by knn's k-d tree (knn.SearchTree, one thread): knn.Search's
// graph bit for bit, found without comparing every pair. DANCo's
// calibration balls live in 1…D dimensions; up to treeMaxDim the tree
// visits a few leaves per point instead of all n rows (above, auto decides).
func treeSearch(x *cloud.Matrix, k int) *knn.Graph {
	g, err := knn.Search(x, k, &knn.Options{Threads: 1, Search: knn.SearchTree})
	if err != nil {
		panic(err) // n > k and no cosine: Search cannot fail
	}
	return g
}

// treeMaxDim is the largest dimension DANCo's calibration always searches
// with the tree.
const treeMaxDim = 6
