package knn

import (
	"math"
	"sync"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// CountPairs returns, for each radius r of radii, the number of ordered
// pairs (i, j), i ≠ j, of rows of x with √Dist2(xᵢ, xⱼ) < r: the pair
// counts C(r) of the correlation dimension (Grassberger & Procaccia,
// Physica D 9, 1983), with the distances brute force computes (Dist2 of the
// rows, Dist2F32's sums for float32 rows). The counts are exact and do not
// depend on threads.
//
// √s < r holds exactly when s < T(r), T(r) the least float64 whose square
// root is ≥ r (sqrt is correctly rounded, hence monotone), so no square
// root is taken. Rows of at most treeMaxDim columns are counted with the
// k-d tree of SearchTree: a node whose box lies within T(r) of the row
// (its farthest corner, with the margin of skip taken upwards) counts all
// its rows at once, a node whose box is beyond T(r) none; the rows of the
// other leaves are compared one by one. Wider rows, or rows the tree does
// not take (entries not finite or beyond 2⁵⁰⁰), are compared pair by pair.
func CountPairs(x *cloud.Matrix, radii []float64, threads int) []int64 {
	return countPairsTree(x, nil, radii, threads)
}

// CountPairsGraph is CountPairs(x, radii, threads), the same counts, with
// the k-d tree Search built for g when g is Search's graph of x itself
// (Euclidean) and x's rows are still the tree's, instead of a new one.
func CountPairsGraph(x *cloud.Matrix, g *Graph, radii []float64, threads int) []int64 {
	var t *kdTree
	if g != nil && g.tree != nil && g.src == x && g.tree.sameRows(view(x)) {
		t = g.tree
	}
	return countPairsTree(x, t, radii, threads)
}

// sameRows reports whether the rows of t are those of m, bit for bit.
func (t *kdTree) sameRows(m matrix) bool {
	d := t.d
	if m.d != d || m.n() != len(t.perm) {
		return false
	}
	row := make([]float64, d)
	for p, i := range t.perm {
		m.row64(int(i), row)
		for c, v := range t.pts[p*d : (p+1)*d] {
			if math.Float64bits(v) != math.Float64bits(row[c]) {
				return false
			}
		}
	}
	return true
}

// countPairsTree is CountPairs with the tree of x's rows already built (nil:
// build it where the rows are narrow enough).
func countPairsTree(x *cloud.Matrix, t *kdTree, radii []float64, threads int) []int64 {
	v := view(x)
	n := v.n()
	if threads <= 0 {
		threads = 1
	}
	ts := make([]float64, len(radii))
	for a, r := range radii {
		ts[a] = sqrtThreshold(r)
	}
	if v.d > treeMaxDim {
		t = nil
	} else {
		if t == nil && treeMayCount(v, ts) {
			t = newTree(v)
		}
		if t != nil && !countWorth(t, ts) {
			t = nil
		}
	}
	if t == nil {
		if c, ok := countKernel(v, ts, threads); ok {
			return c
		}
	}
	var xs []float64 // float64 copies of short rows for countPairs
	if t == nil && v.d > 0 && v.d < kernel.Dist2Lanes {
		xs = make([]float64, n*v.d)
		for p := range n {
			v.row64(p, xs[p*v.d:(p+1)*v.d])
		}
	}
	var mu sync.Mutex
	total := make([]int64, len(radii))
	parallelChunks(n, threads, func(lo, hi int) {
		c := make([]int64, len(radii))
		if t != nil {
			k := &treeCounter{t: t, ts: ts, c: c}
			for p := lo; p < hi; p++ {
				k.query(p)
			}
		} else {
			countPairs(v, xs, lo, hi, ts, c)
		}
		mu.Lock()
		for a := range c {
			total[a] += c[a]
		}
		mu.Unlock()
	})
	return total
}

// sqrtThreshold returns the least float64 T with √T ≥ r (0 when r ≤ 0 or
// NaN, +Inf when r is): √s < r ⇔ s < T for every float64 s ≥ 0 or NaN.
func sqrtThreshold(r float64) float64 {
	switch {
	case !(r > 0):
		return 0
	case math.IsInf(r, 1):
		return r
	}
	t := r * r
	for math.Sqrt(t) >= r {
		t = math.Nextafter(t, 0)
	}
	for math.Sqrt(t) < r {
		t = math.Nextafter(t, math.Inf(1))
	}
	return t
}

// treeCounter counts, for one query row at a time, the rows within each
// threshold; evals and nodes (distances and boxes computed) feed the cost
// model.
type treeCounter struct {
	t            *kdTree
	q            []float64
	self         int32
	ts           []float64
	c            []int64
	evals, nodes int
}

// query adds to c the counts of the row at tree position p.
func (k *treeCounter) query(p int) {
	d := k.t.d
	k.q, k.self = k.t.pts[p*d:(p+1)*d], int32(p)
	k.count(0, 1<<len(k.ts)-1)
}

// count adds to c[a], for each threshold a in the bit set active, the rows
// of node v (other than position self) whose Dist2 from q is < ts[a].
func (k *treeCounter) count(v int32, active int) {
	t := k.t
	nd := &t.nodes[v]
	if v != 0 {
		k.nodes++
		lo, hi := t.boxRange(v, k.q)
		for a, th := range k.ts {
			if active&(1<<a) == 0 {
				continue
			}
			if t.skip(lo, th) { // every row farther than th: none counts
				active &^= 1 << a
			} else if hi*(1+t.delta)+0x1p-1000 < th { // every row within
				m := int64(nd.end - nd.start)
				if nd.start <= k.self && k.self < nd.end {
					m--
				}
				k.c[a] += m
				active &^= 1 << a
			}
		}
		if active == 0 {
			return
		}
	}
	if nd.left < 0 {
		d := t.d
		k.evals += int(nd.end - nd.start)
		for p := nd.start; p < nd.end; p++ {
			if p == k.self {
				continue
			}
			s := t.dist2(k.q, t.pts[int(p)*d:int(p+1)*d])
			for a, th := range k.ts {
				if active&(1<<a) != 0 && s < th {
					k.c[a]++
				}
			}
		}
		return
	}
	k.count(nd.left, active)
	k.count(nd.right, active)
}

// treeMayCount reports whether a tree of the rows of m may count pairs
// within the thresholds ts faster than countKernel, from a tree of a
// sample of them (sampleTree, as treeMayPay) and 8 of its rows' counts at
// the same thresholds: false when those compute over three quarters of
// the sample's distances (countWorth takes the tree only below about a
// twentieth of them at n = 2,000, d = 11; a sample's leaves are coarser, so
// its share is the larger). Rows of 11 columns spread over 10 dimensions
// (CorrInt's radii, n = 2,000) no longer build the whole tree to leave it.
// Up to 5 columns countLikely's scaled tree decides instead.
func treeMayCount(m matrix, ts []float64) bool {
	if countLikely(m, ts) {
		return false
	}
	t := sampleTree(m)
	if t == nil {
		return true
	}
	k := &treeCounter{t: t, ts: ts, c: make([]int64, len(ts))}
	for s := range treeSampleQueries {
		k.query(s * treeSampleRows / treeSampleQueries)
	}
	return k.evals*4 <= 3*treeSampleQueries*treeSampleRows
}

// countWorth predicts from 32 queries spread over the rows whether the
// tree counts faster than countKernel: a distance in a leaf costs about
// d + 4 units (about a nanosecond each), a node's box 3d + 10, and a pair
// of countKernel 0.55 + d/40 (measured on the eight reference arrays of
// BENCHMARKS.md, one thread, CorrInt's two radii; 1.2 + d/25 before
// countKernel's scans took all passing columns at once).
func countWorth(t *kdTree, ts []float64) bool {
	n := len(t.perm)
	const samples = 32
	if n < 4*samples {
		return true
	}
	k := &treeCounter{t: t, ts: ts, c: make([]int64, len(ts))}
	fd := float64(t.d)
	budget := samples * float64(n) / 2 * (0.55 + fd/40) // countKernel
	for s := range samples {
		k.query(s * n / samples)
		if float64(k.evals)*(fd+4)+float64(k.nodes)*(3*fd+10) >= budget { // already dearer
			return false
		}
	}
	return true
}

// boxRange returns the computed squared distances from q to the nearest
// point of node v's box (L̂ of boxDist) and to its farthest corner,
// Σ_c max(q_c − lo_c, hi_c − q_c)². A row y of the box has
// Dist2(y, q) ≤ hi·(1 + δ) + 2⁻¹⁰⁰⁰ (the roundings of both sums, as for
// the lower bound, taken the other way).
func (t *kdTree) boxRange(v int32, q []float64) (lo, hi float64) {
	d := t.d
	b := t.box[int(v)*2*d : (int(v)+1)*2*d]
	bl, bh := b[:d], b[d:2*d]
	q = q[:d]
	for c, x := range q {
		l, h := bl[c], bh[c]
		var g float64
		if x < l {
			g = l - x
		} else if x > h {
			g = x - h
		}
		lo += float64(g * g)
		f := max(x-l, h-x)
		hi += float64(f * f)
	}
	return lo, hi
}

// countPairs adds to c[a] the rows j ≠ i with Dist2(i, j) < ts[a], for i in
// [lo, hi), comparing i with every j > i (the pair counts twice: Dist2 is
// symmetric, (a − b)² = (b − a)² exactly). xs holds float64 copies of the
// rows when they are shorter than kernel.Dist2Lanes: kernel.Dist2 then
// adds the squares in coordinate order, which the loop does without the
// call.
func countPairs(m matrix, xs []float64, lo, hi int, ts []float64, c []int64) {
	n, d := m.n(), m.d
	for i := lo; i < hi; i++ {
		var a []float64
		if xs != nil {
			a = xs[i*d : (i+1)*d]
		}
		for j := i + 1; j < n; j++ {
			var s float64
			if xs == nil {
				s = m.dist2(i, j)
			} else {
				b := xs[j*d : (j+1)*d]
				b = b[:len(a)]
				for k, v := range a {
					e := v - b[k]
					s += float64(e * e)
				}
			}
			for r, th := range ts {
				if s < th {
					c[r] += 2
				}
			}
		}
	}
}
