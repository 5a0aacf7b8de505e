package estimate

import (
	"math"
	"slices"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// treeSearch returns the k nearest neighbours of every row of x (float64,
// n > k) by a k-d tree (Friedman, Bentley & Finkel, ACM TOMS 3, 1977): the
// same graph as knn.Search (distances from knn.Dist2, ties broken by the
// smaller index), found without comparing every pair. DANCo's
// calibration balls live in 1…D dimensions; up to treeMaxDim the tree
// visits a few leaves per point instead of all n rows (above, knn.Search's
// kernel is faster). Squared distances are summed in coordinate order,
// which is what knn.Dist2 does for rows this short.
func treeSearch(x *cloud.Matrix, k int) *knn.Graph {
	n, d := x.N(), x.D()
	xf := x.F64()
	t := &kdTree{x: xf, d: d, idx: make([]int32, n)}
	for i := range t.idx {
		t.idx[i] = int32(i)
	}
	t.build(0, 0, n)
	g := &knn.Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k)}
	h := &kdHeap{k: k}
	for i := range n {
		h.d2, h.id = h.d2[:0], h.id[:0]
		t.query(0, 0, n, int32(i), xf[i*d:(i+1)*d], h)
		// The heap holds the k best; sort them by (distance, index).
		order := make([]int, len(h.id))
		for a := range order {
			order[a] = a
		}
		slices.SortFunc(order, func(a, b int) int { return kdLess(h.d2[a], h.id[a], h.d2[b], h.id[b]) })
		for a, o := range order {
			g.Index[i*k+a] = h.id[o]
			g.Dist[i*k+a] = math.Sqrt(h.d2[o])
		}
	}
	return g
}

// kdLess orders candidates by squared distance, then index.
func kdLess(d1 float64, i1 int32, d2 float64, i2 int32) int {
	switch {
	case d1 < d2:
		return -1
	case d1 > d2:
		return 1
	}
	return int(i1) - int(i2)
}

type kdTree struct {
	x   []float64
	d   int
	idx []int32 // permutation of the rows; a node is a range of it
	// split[v] of node v (root 0, children 2v+1 and 2v+2) that is not a
	// leaf: the dimension and value it is cut at.
	split []kdSplit
}

type kdSplit struct {
	dim int
	val float64
}

const kdLeaf = 16

// treeMaxDim is the largest dimension searched by the tree.
const treeMaxDim = 6

// build orders idx[lo:hi], node v, so that each node's halves are split at
// the median of its widest dimension.
func (t *kdTree) build(v, lo, hi int) {
	if hi-lo <= kdLeaf {
		return
	}
	dim, best := 0, -1.0
	for c := range t.d {
		mn, mx := math.Inf(1), math.Inf(-1)
		for _, i := range t.idx[lo:hi] {
			v := t.x[int(i)*t.d+c]
			mn, mx = min(mn, v), max(mx, v)
		}
		if mx-mn > best {
			dim, best = c, mx-mn
		}
	}
	seg := t.idx[lo:hi]
	slices.SortFunc(seg, func(a, b int32) int {
		va, vb := t.x[int(a)*t.d+dim], t.x[int(b)*t.d+dim]
		switch {
		case va < vb:
			return -1
		case va > vb:
			return 1
		}
		return int(a) - int(b)
	})
	mid := (lo + hi) / 2
	for len(t.split) <= v {
		t.split = append(t.split, kdSplit{})
	}
	t.split[v] = kdSplit{dim: dim, val: t.x[int(t.idx[mid])*t.d+dim]}
	t.build(2*v+1, lo, mid)
	t.build(2*v+2, mid, hi)
}

// kdHeap keeps the k best candidates as a max-heap on (distance, index).
type kdHeap struct {
	k  int
	d2 []float64
	id []int32
}

func (h *kdHeap) worse(a, b int) bool { return kdLess(h.d2[a], h.id[a], h.d2[b], h.id[b]) > 0 }

func (h *kdHeap) bound() float64 {
	if len(h.id) < h.k {
		return math.Inf(1)
	}
	return h.d2[0]
}

func (h *kdHeap) push(d2 float64, id int32) {
	if len(h.id) < h.k {
		h.d2, h.id = append(h.d2, d2), append(h.id, id)
		for c := len(h.id) - 1; c > 0; {
			p := (c - 1) / 2
			if !h.worse(c, p) {
				break
			}
			h.d2[c], h.d2[p], h.id[c], h.id[p] = h.d2[p], h.d2[c], h.id[p], h.id[c]
			c = p
		}
		return
	}
	if kdLess(d2, id, h.d2[0], h.id[0]) >= 0 {
		return
	}
	h.d2[0], h.id[0] = d2, id
	for p := 0; ; {
		l, r, m := 2*p+1, 2*p+2, p
		if l < h.k && h.worse(l, m) {
			m = l
		}
		if r < h.k && h.worse(r, m) {
			m = r
		}
		if m == p {
			return
		}
		h.d2[m], h.d2[p], h.id[m], h.id[p] = h.d2[p], h.d2[m], h.id[p], h.id[m]
		p = m
	}
}

// query visits the node v, [lo, hi), for the point q (row self).
func (t *kdTree) query(v, lo, hi int, self int32, q []float64, h *kdHeap) {
	if hi-lo <= kdLeaf {
		for _, i := range t.idx[lo:hi] {
			if i != self {
				var s float64
				for c, v := range t.x[int(i)*t.d : (int(i)+1)*t.d] {
					e := q[c] - v
					s += e * e
				}
				if s <= h.bound() {
					h.push(s, i)
				}
			}
		}
		return
	}
	s := t.split[v]
	mid := (lo + hi) / 2
	diff := q[s.dim] - s.val
	near, far := [3]int{2*v + 1, lo, mid}, [3]int{2*v + 2, mid, hi}
	if diff >= 0 {
		near, far = far, near
	}
	t.query(near[0], near[1], near[2], self, q, h)
	// The far side holds points at least |diff| away in this dimension
	// (≤ bound: ties by index must still be seen).
	if diff*diff*(1-1e-12) <= h.bound() {
		t.query(far[0], far[1], far[2], self, q, h)
	}
}
