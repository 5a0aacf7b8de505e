package knn

import (
	"fmt"
	"slices"

	"github.com/intdim/intdim/cloud"
)

// ChooseSearch returns the search Search(x, k, opt) runs: SearchTree,
// SearchPruned with the projection it prunes with, or SearchBrute, decided
// as Search decides (the tree for --search tree, or under auto for rows of
// at most treeMaxDim columns where treeMayPay's sample allows the tree,
// stripLikely does not skip it and treeWorth predicts a gain; then the
// pruned search where planPrune predicts one; brute force otherwise). A
// search cut into blocks of rows runs it block by block (SearchBlock,
// SearchBlockTree). Errors are Search's.
func ChooseSearch(x *cloud.Matrix, k int, opt *Options) (SearchMode, *Pruning, error) {
	n := x.N()
	if k < 1 {
		panic("knn: k < 1")
	}
	if k > n-1 {
		return 0, nil, fmt.Errorf("%w: k = %d with %d points", ErrTooFewPoints, k, n)
	}
	if opt.metric() == Cosine {
		var err error
		if x, err = Normalize(x); err != nil {
			return 0, nil, err
		}
	}
	v, mode := view(x), opt.search()
	if mode == SearchTree || mode == SearchAuto && x.D() <= treeMaxDim && treeMayPay(v, k) && !stripLikely(v, k) {
		if t := newTree(v); t != nil {
			if li := newLeafIndex(t); li != nil {
				if mode == SearchTree || li.leafWorth(k) {
					return SearchTree, nil, nil
				}
			} else if mode == SearchTree || treeWorth(t, k) {
				return SearchTree, nil, nil
			}
		}
	}
	if mode != SearchBrute {
		if pl := planPruneSampled(v, k, opt.threads(), mode == SearchPruned, opt.sampled(v), opt.dirs()); pl != nil {
			pl.spare = nil // a Pruning's plan serves many searches
			return SearchPruned, &Pruning{pl: pl, d: x.D()}, nil
		}
	}
	return SearchBrute, nil, nil
}

// SearchBlockTree is SearchBlock with the k-d tree search (tree.go): the
// k nearest neighbours, among all rows of x, of the rows a ≤ i < b, row t
// of the graph for row a + t, bit for bit Search's lists. Each block builds
// the tree of all rows (N·log N) and queries its own rows, in tree order.
// Rows the tree refuses (an entry beyond its range) are searched by brute
// force, as Search does. Errors are Search's.
func SearchBlockTree(x *cloud.Matrix, k, a, b int, opt *Options) (*Graph, error) {
	n := x.N()
	x, err := blockInput("SearchBlockTree", x, k, a, b, opt)
	if err != nil {
		return nil, err
	}
	v := view(x)
	t := newTree(v)
	if t == nil {
		return SearchRows(x, k, a, b, nil)
	}
	q := b - a
	g := &Graph{N: q, K: k, Index: make([]int32, q*k), Dist: make([]float64, q*k), Search: SearchTree}
	pos := make([]int32, n) // row → tree position
	for p, i := range t.perm {
		pos[i] = int32(p)
	}
	ps := slices.Clone(pos[a:b]) // the block's positions, in tree order
	slices.Sort(ps)
	parallelChunks(q, opt.threads(), func(lo, hi int) {
		r := &treeQuery{k: k}
		for s := lo; s < hi; s++ {
			// Seeds (kdTree.query): the list of the row at the
			// position before, when it was the previous query (its
			// k rows and itself are k + 1 distinct rows); else the
			// rows around the position.
			var prev []int32
			var prevDist []float64
			if s > lo && ps[s-1] == ps[s]-1 {
				i := int(t.perm[ps[s-1]]) - a
				prev, prevDist = g.Index[i*k:(i+1)*k], g.Dist[i*k:(i+1)*k]
			}
			i := int(t.perm[ps[s]]) - a
			t.query(int(ps[s]), prev, prevDist, r, g.Index[i*k:(i+1)*k], g.Dist[i*k:(i+1)*k])
		}
	})
	return g, nil
}
