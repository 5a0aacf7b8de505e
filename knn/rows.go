package knn

import (
	"fmt"

	"github.com/intdim/intdim/cloud"
)

// SearchRows returns the k nearest neighbours, among all rows of x, of the
// rows r0 ≤ i < r1: a Graph of r1 − r0 rows whose row i − r0 equals row i of
// Search(x, k, opt) bit for bit (neighbour indices are rows of x). Cutting
// the rows of x into blocks and concatenating the blocks' graphs gives
// Search's graph; each block costs 2·(r1 − r0)·N·D kernel flops plus one
// packing pass over x. Errors as Search's.
func SearchRows(x *cloud.Matrix, k, r0, r1 int, opt *Options) (*Graph, error) {
	x, err := blockInput("SearchRows", x, k, r0, r1, opt)
	if err != nil {
		return nil, err
	}
	q := r1 - r0
	g := &Graph{N: q, K: k}
	if q == 0 {
		return g, nil
	}
	queries := make([]int, q)
	for t := range queries {
		queries[t] = r0 + t
	}
	g.Index, g.Dist = searchQueries(view(x), k, queries, opt.threads())
	return g, nil
}

// blockInput checks the arguments of a search of the rows a ≤ i < b among
// all rows of x (SearchRows, SearchBlock, SearchBlockTree; name is the
// caller's, for its panics) and returns the rows to search: x, or x's rows
// normalised under the cosine metric. k > N − 1 is ErrTooFewPoints.
func blockInput(name string, x *cloud.Matrix, k, a, b int, opt *Options) (*cloud.Matrix, error) {
	n := x.N()
	if k < 1 {
		panic("knn: k < 1")
	}
	if a < 0 || b > n || a > b {
		panic(fmt.Sprintf("knn: %s: rows [%d, %d) outside [0, %d)", name, a, b, n))
	}
	if k > n-1 {
		return nil, fmt.Errorf("%w: k = %d with %d points", ErrTooFewPoints, k, n)
	}
	if opt.metric() == Cosine {
		return Normalize(x)
	}
	return x, nil
}
