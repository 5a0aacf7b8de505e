package knn

import (
	"math"
	"slices"
	"sync"

	"github.com/intdim/intdim/internal/kernel"
)

// The leaf-batched tree search (SearchTree and SearchAuto on rows of a few
// columns).
//
// treeSearch descends the tree once per query and offers the rows it
// reaches to the query's list one at a time. leafSearch takes the queries
// a leaf A of the same tree (newTree) at a time and shares the descent:
//
//  1. The pivot p₀, the row of A nearest the centre of its box, is bounded
//     by u₀, the k-th smallest Dist2 from it to the other rows of the
//     least node above A holding at least leafNearRows(k) rows. Every
//     query q of A is bounded by the triangle inequality, u_q = (D(q, p₀)
//     + √u₀)² with tree.query's margin (the k rows within √u₀ of p₀ and p₀
//     itself, less q, lie within D(q, p₀) + √u₀ of q), and R_A = max u_q.
//  2. The candidate leaves of A are those whose box-to-box bound
//     L̂(A, B) = Σ_c max(lo_B,c − hi_A,c, lo_A,c − hi_B,c, 0)² is not
//     skipped against R_A (kdTree.skip), found by a descent from the root
//     that skips whole nodes so, sorted by L̂(A, B), their rows gathered by
//     column (gather).
//  3. Each query (p₀ first, at u₀) computes by kernel.Dist2Cols the Dist2
//     of the gathered rows of the leading candidate leaves whose L̂(A, B)
//     is not skipped against u_q (L̂(q, B) ≥ L̂(A, B): each computed gap of
//     the box of A is at most q's, rounding being monotone), keeps those
//     within u_q, and selects the k smallest by (Dist2, index) with
//     rankNearest (or bestK) for k ≤ sortedMaxK and nearest beyond. Its
//     k-th distance r then lowers the bounds of the queries of A not yet
//     done to (D(q′, q) + r)², tree.query's bound and margin.
//
// Exactness. The distances are treeSearch's and brute force's (Dist2 of
// the rows widened to float64, the squares added in column order:
// kdTree.dist2, Dist2F32's sums for float32 rows), kernel.Dist2Cols bit
// for bit. Every bound u_q is at least q's true k-th smallest Dist2, D:
// it bounds k rows other than q. A row within D of q is thus within u_q,
// and its leaf B is never skipped: for y in B, |y_c − q_c| ≥
// max(lo_B,c − hi_A,c, lo_A,c − hi_B,c) exactly, and L̂(A, B) rounds each
// gap (one subtraction, as the query-to-box gap lo_c − q_c), its square
// and the sums as kdTree.boxDist does, so skip's margin holds for it as
// for the query-to-box bound (tree.go); R_A ≥ u_q. Every row within D is
// kept, and the k smallest kept by (Dist2, index) are bruteForce's, ties
// and duplicate rows included, bit for bit, whatever the thread count
// (each leaf's results are a function of the leaf alone).

// leafBatchMaxDim is the widest rows leafSearch takes: up to 8 columns
// (measured on at most 5; treeSearch beyond).
const leafBatchMaxDim = 8

// leafNearRows is the least number of rows of the node that bounds the
// pivot for k neighbours: 2k + 1 (the k-th of twice as many rows as it
// needs is a closer bound than that of k + 1).
func leafNearRows(k int) int { return 2*k + 1 }

// leafIndex is the leaves of a tree, in position order.
type leafIndex struct {
	t      *kdTree
	leaves []int32   // leaf nodes, by position
	parent []int32   // parent of each node (0 for the root)
	cen    []float64 // centres of the leaves' boxes, d a leaf
}

// newLeafIndex lists the leaves of t, or returns nil when t is nil or its
// rows are wider than leafBatchMaxDim.
func newLeafIndex(t *kdTree) *leafIndex {
	if t == nil || t.d > leafBatchMaxDim {
		return nil
	}
	li := &leafIndex{t: t, parent: make([]int32, len(t.nodes))}
	var walk func(v int32)
	walk = func(v int32) {
		nd := &t.nodes[v]
		if nd.left < 0 {
			li.leaves = append(li.leaves, v)
			return
		}
		li.parent[nd.left], li.parent[nd.right] = v, v
		walk(nd.left)
		walk(nd.right)
	}
	walk(0)
	d := t.d
	li.cen = make([]float64, len(li.leaves)*d)
	for a, v := range li.leaves {
		b := t.box[int(v)*2*d : (int(v)+1)*2*d]
		for c := range d {
			li.cen[a*d+c] = b[c]/2 + b[d+c]/2
		}
	}
	return li
}

// boxBoxDist returns L̂(A, B), the computed squared distance between the
// boxes of nodes a and b (kdTree.boxDist's gaps, squares and sums).
func (t *kdTree) boxBoxDist(a, b int32) float64 {
	d := t.d
	ba := t.box[int(a)*2*d : (int(a)+1)*2*d]
	bb := t.box[int(b)*2*d : (int(b)+1)*2*d]
	loA, hiA, loB, hiB := ba[:d], ba[d:2*d], bb[:d], bb[d:2*d]
	var s float64
	for c := range d {
		g := max(loB[c]-hiA[c], loA[c]-hiB[c], 0)
		s += float64(g * g)
	}
	return s
}

// leafScratch is one goroutine's scratch for leafSearch.
type leafScratch struct {
	us    []float64  // the bounds u_q of the queries of A
	done  []bool     // the queries of A done
	cands []int32    // A's candidate leaves
	lbs   []float64  // their L̂(A, B)
	ends  []int      // rows gathered up to each candidate leaf's end
	cols  []float64  // the candidate rows by column (gather)
	ld    int        // rows gathered
	rows  []int32    // their rows of the view
	s     []float64  // a query's Dist2 to them
	pass  []int32    // those within its bound
	c     []treeCand // a query's rows kept
	ns    sortScratch
	rank  rankScratch
	best  bestK
	// Counts for leafWorth: queries, distances computed, rows kept; and
	// whether the queries only count (their k-th distance selected, no
	// list written).
	queries, evals, kept int
	countOnly            bool
}

var leafScratches = sync.Pool{New: func() any { return new(leafScratch) }}

// leafSearch returns bruteForce's graph of m, found with the leaves li of
// the tree of m (see above).
func leafSearch(m matrix, li *leafIndex, k, threads int) *Graph {
	g := newGraph(m.n(), k)
	parallelRows(len(li.leaves), threads, func(a int, _ *TopK) {
		sc := leafScratches.Get().(*leafScratch)
		li.searchLeaf(a, k, g, sc)
		leafScratches.Put(sc)
	})
	return g
}

// newGraph returns an empty graph of n rows and k neighbours, by the tree.
func newGraph(n, k int) *Graph {
	return &Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k), Search: SearchTree}
}

// searchLeaf writes the k nearest of every row of leaf a into g.
func (li *leafIndex) searchLeaf(a, k int, g *Graph, sc *leafScratch) {
	t, d := li.t, li.t.d
	va := li.leaves[a]
	A := t.nodes[va]
	lo, nq := int(A.start), int(A.end-A.start)
	// The pivot: the row of A nearest the centre of its box.
	ca := li.cen[a*d : (a+1)*d]
	p0, best := lo, math.Inf(1)
	for p := lo; p < int(A.end); p++ {
		if s := t.dist2(ca, t.pts[p*d:(p+1)*d]); s < best {
			p0, best = p, s
		}
	}
	// Its bound: the k-th smallest Dist2 to the other rows of the least
	// node above A that holds leafNearRows(k) rows (all of them, n ≥
	// k + 1, at the root).
	v := va
	for t.nodes[v].end-t.nodes[v].start < int32(leafNearRows(k)) && v != 0 {
		v = li.parent[v]
	}
	nv := &t.nodes[v]
	q0 := t.pts[p0*d : (p0+1)*d]
	c := t.leafRows(q0, int(nv.start), int(nv.end), int32(p0), sc.c[:0])
	sc.c = c
	u0 := kthKey(c, k, &sc.ns.keys)
	sc.us, sc.done = grow(sc.us, nq), grow(sc.done, nq)
	us, done := sc.us, sc.done
	for o := range nq {
		us[o], done[o] = math.Inf(1), false
	}
	// Every query's bound from the pivot's (√u₀ rounded up covers the
	// square root's rounding, as tree.query's margin the list's).
	t.tighten(p0, lo, math.Sqrt(u0)*(1+0x1p-50), us, done)
	us[p0-lo] = u0
	R := math.Inf(-1)
	for _, u := range us {
		R = max(R, u)
	}
	sc.cands, sc.lbs = li.boxLeaves(0, va, R, sc.cands[:0], sc.lbs[:0])
	sortLeaves(sc.cands, sc.lbs)
	li.gather(sc)
	for x := range nq {
		o := x // the pivot first, then the others in order
		switch {
		case x == 0:
			o = p0 - lo
		case x <= p0-lo:
			o = x - 1
		}
		rk := li.queryDense(lo+o, us[o], k, g, sc)
		done[o] = true
		t.tighten(lo+o, lo, rk, us, done)
	}
}

// tighten lowers the bounds us of the queries of A at positions lo + o not
// done yet by the triangle inequality from the row at position p, whose
// k-th distance (a square root of Dist2, rounded) is rk: tree.query's
// bound and margin.
func (t *kdTree) tighten(p, lo int, rk float64, us []float64, done []bool) {
	d := t.d
	q := t.pts[p*d : (p+1)*d]
	for o := range us {
		if done[o] {
			continue
		}
		e := math.Sqrt(t.dist2(t.pts[(lo+o)*d:(lo+o+1)*d], q)) + rk
		us[o] = min(us[o], e*e*(1+4*t.delta+0x1p-40)+0x1p-1000)
	}
}

// boxLeaves appends to out the leaves under node v whose box-to-box bound
// L̂ from node a is not skipped against R (a node skipped so holds no such
// leaf: its box holds theirs), and their bounds to lbs.
func (li *leafIndex) boxLeaves(v, a int32, R float64, out []int32, lbs []float64) ([]int32, []float64) {
	t := li.t
	lb := t.boxBoxDist(a, v)
	if t.skip(lb, R) {
		return out, lbs
	}
	nd := &t.nodes[v]
	if nd.left < 0 {
		return append(out, v), append(lbs, lb)
	}
	out, lbs = li.boxLeaves(nd.left, a, R, out, lbs)
	return li.boxLeaves(nd.right, a, R, out, lbs)
}

// sortLeaves sorts the leaves by their bounds lbs, in place (insertion:
// the descent lists neighbouring leaves together).
func sortLeaves(leaves []int32, lbs []float64) {
	for x := 1; x < len(leaves); x++ {
		v, l := leaves[x], lbs[x]
		y := x
		for y > 0 && lbs[y-1] > l {
			leaves[y], lbs[y] = leaves[y-1], lbs[y-1]
			y--
		}
		leaves[y], lbs[y] = v, l
	}
}

// gather copies the rows of the candidate leaves sc.cands, in their
// order, into sc.cols by column (sc.ld rows a column), their rows of the
// view into sc.rows and the number of rows up to each leaf's end into
// sc.ends.
func (li *leafIndex) gather(sc *leafScratch) {
	t, d := li.t, li.t.d
	m := 0
	sc.ends = grow(sc.ends, len(sc.cands))
	for x, v := range sc.cands {
		nd := &t.nodes[v]
		m += int(nd.end - nd.start)
		sc.ends[x] = m
	}
	sc.ld = m
	sc.cols, sc.rows = grow(sc.cols, d*m), grow(sc.rows, m)
	sc.s, sc.pass = grow(sc.s, m), grow(sc.pass, m)
	r := 0
	for _, v := range sc.cands {
		nd := &t.nodes[v]
		for p := int(nd.start); p < int(nd.end); p++ {
			for c, x := range t.pts[p*d : (p+1)*d] {
				sc.cols[c*m+r] = x
			}
			sc.rows[r] = t.perm[p]
			r++
		}
	}
}

// queryDense writes the k nearest of the row at position p into g and
// returns the k-th distance: every row within u of it lies in the leading
// candidate leaves whose L̂(A, B) is not skipped against u; their Dist2
// (kernel.Dist2Cols, kdTree.dist2's sums) within u are kept, p itself
// excepted, and the k smallest selected.
func (li *leafIndex) queryDense(p int, u float64, k int, g *Graph, sc *leafScratch) float64 {
	t, d := li.t, li.t.d
	q := t.pts[p*d : (p+1)*d]
	m := 0
	for x, lb := range sc.lbs {
		if t.skip(lb, u) {
			break
		}
		m = sc.ends[x]
	}
	np := kernel.Dist2Cols(sc.cols, sc.ld, q, m, u, sc.s, sc.pass)
	self := t.perm[p]
	c := slices.Grow(sc.c[:0], np)[:np]
	o := 0
	for _, r := range sc.pass[:np] {
		j := sc.rows[r]
		c[o] = treeCand{sc.s[r], j}
		o += b2i(j != self)
	}
	c = c[:o]
	sc.c = c
	sc.queries++
	sc.evals += m
	sc.kept += o
	if sc.countOnly { // the k-th Dist2 of the rows kept: the k-th of all
		return math.Sqrt(kthKey(c, k, &sc.ns.keys))
	}
	i := int(self)
	idx, dist := g.Index[i*k:(i+1)*k], g.Dist[i*k:(i+1)*k]
	selectNearest(c, k, idx, dist, sc)
	kernel.Sqrt64(dist)
	return dist[k-1]
}

// selectNearest writes the k smallest of c by (Dist2, index) into idx and
// dist: rankNearest for k ≤ sortedMaxK (the candidates cut to the k-th
// smallest and its ties where more than rankMaxCands), else bestK's
// insertions; nearest beyond sortedMaxK.
func selectNearest(c []treeCand, k int, idx []int32, dist []float64, sc *leafScratch) {
	if k > sortedMaxK {
		nearest(c, k, idx, dist, &sc.ns)
		return
	}
	if len(c) > rankMaxCands {
		c = keepWithin(c, kthKey(c, k, &sc.ns.keys))
	}
	if rankNearest(c, k, idx, dist, &sc.rank) {
		return
	}
	b := &sc.best
	b.reset(k)
	for _, e := range c {
		b.insert(e.s, e.j)
	}
	copy(idx, b.j)
	copy(dist, b.s)
}

// keepWithin drops the entries of c beyond u, keeping the order.
func keepWithin(c []treeCand, u float64) []treeCand {
	m := 0
	for _, e := range c {
		c[m] = e
		m += b2i(e.s <= u)
	}
	return c[:m]
}

// leafRows appends to c the rows at positions [lo, hi) other than self
// and their Dist2 from q (kdTree.dist2's value).
func (t *kdTree) leafRows(q []float64, lo, hi int, self int32, c []treeCand) []treeCand {
	d := t.d
	for p := lo; p < hi; p++ {
		if p != int(self) {
			c = append(c, treeCand{t.dist2(q, t.pts[p*d:(p+1)*d]), t.perm[p]})
		}
	}
	return c
}

// grow returns s with length n (its contents unspecified).
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, 2*n)
	}
	return s[:n]
}

// leafSampleLeaves is the number of leaves leafWorth searches.
const leafSampleLeaves = 8

// leafSampleStop is the ratio of the predicted costs, leaf search to
// brute force, past which leafWorth stops after two leaves.
const leafSampleStop = 1.15

// leafWorth runs the queries of leafSampleLeaves leaves spread over the
// tree, counting (each query's k-th distance selected for the bounds of
// the next, no list sorted or written), and reports whether
// the leaf search of all the rows is predicted to cost less than brute
// force, from the distances they computed and the rows they kept per
// query. Measured on the d ≤ 5 reference arrays of BENCHMARKS.md (n =
// 2,000, one thread, k = 20 and 100, least of 15 runs), the leaf search
// costs per query about
//
//	L = 25·(d + 2) + c₀ + 0.3·(d + 2)·E + S  ns,
//
// E the distances computed, K the rows kept, the first term the tree's
// construction, c₀ = 350 and S = 0.1·K² (rankNearest) for k ≤ sortedMaxK,
// else c₀ + S = 1000 + 3·K (nearest's selection and sort): the helix 580
// ns (E = 76, K = 27; model 535) and 1.82 µs (k = 100: E = 260, K = 120;
// 1.75), the rolls 1.08–1.13 (E = 270, K = 43; 0.94) and 2.45–2.51 (E =
// 550, K = 158; 2.30), the 5-column affine array 1.70 (E = 473, K = 64;
// 1.75) and 3.43 (E = 790, K = 190; 3.23), TestTreeAutoChoice's plane in 3
// columns 1.74 (k = 100: E = 287, K = 129; 1.82). The strip search
// (rowStripSearch) costs a row about n·0.3 + 20·k ns for k ≤ sortedMaxK
// (1.0–1.07 µs measured) and n·0.5 + 10·k beyond (2.0–2.05 µs at k = 100;
// 2.7 with the duplicate rows), other brute force treeWorth's n·1.5 +
// 150·k. The helix takes the leaf search at both k (1.41 ms against 2.02
// at k = 20, 3.88 against 4.10 at k = 100), the plane at k = 100 (3.74
// against 4.01), the rolls and the affine array at neither (5.2–6.8
// against 4.1–5.4 at k = 100). It stops, false, after two leaves or more
// once the prediction exceeds leafSampleStop times brute force's (the
// rolls at k = 100 at 1.2, the affine array at 1.7: the 128 sampled
// queries cost the affine array 0.36 ms of 4.2 at k = 100 in MOM, against
// treeWorth's 4 queries before it). Under 2·leafSampleLeaves leaves it
// returns true.
func (li *leafIndex) leafWorth(k int) bool {
	nl := len(li.leaves)
	if nl < 2*leafSampleLeaves {
		return true
	}
	d, n := float64(li.t.d), float64(len(li.t.perm))
	brute := n*1.5 + 150*float64(k)
	if li.t.d <= 5 && len(li.t.perm) <= rowStripMaxRows && gramSeedWidth(len(li.t.perm), k) > 0 {
		brute = n*0.3 + 20*float64(k)
		if k > sortedMaxK {
			brute = n*0.5 + 10*float64(k)
		}
	}
	sc := &leafScratch{countOnly: true}
	leaf := 0.0
	for s := range leafSampleLeaves {
		li.searchLeaf(s*nl/leafSampleLeaves+nl/(2*leafSampleLeaves), k, nil, sc)
		q := float64(sc.queries)
		e, kept := float64(sc.evals)/q, float64(sc.kept)/q
		leaf = 25*(d+2) + 0.3*(d+2)*e
		if k <= sortedMaxK {
			leaf += 350 + 0.1*kept*kept
		} else {
			leaf += 1000 + 3*kept
		}
		if s >= 1 && leaf > leafSampleStop*brute {
			return false // clearly dearer already
		}
	}
	return leaf < brute
}

// leafSearchAuto is leafSearch where leafWorth predicts a gain (always,
// when forced), else nil.
func leafSearchAuto(m matrix, li *leafIndex, k, threads int, forced bool) *Graph {
	if forced {
		return leafSearch(m, li, k, threads)
	}
	if !li.leafWorth(k) {
		return nil
	}
	return leafSearch(m, li, k, threads)
}
