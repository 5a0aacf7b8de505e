package knn

import (
	"math"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// The k-d tree search (SearchTree; SearchAuto on low-dimensional rows).
//
// A k-d tree (Friedman, Bentley & Finkel, "An algorithm for finding best
// matches in logarithmic expected time", ACM TOMS 3, 1977) splits the rows
// at the median of the widest coordinate of each node's bounding box until
// a node holds at most treeLeaf rows. A query descends to the nearer child
// first and visits a node only when the distance from the query to its box,
//
//	L = Σ_c max(0, lo_c − q_c, q_c − hi_c)²,
//
// could be within the k-th smallest distance found so far. The distances of
// the rows visited are brute force's (matrix.dist2: Dist2, or Dist2F32 of
// float32 rows, i.e. the same sums of the widened values) and the k nearest
// are kept by the same TopK (distance, then index): the set of the k
// smallest pairs (distance, index) does not depend on the order they are
// offered in, so the graph is bruteForce's bit for bit, whatever the thread
// count, provided no row among them is ever skipped.
//
// Floating-point margin. For a row y in a box, |y_c − q_c| ≥ g_c (exactly)
// for every coordinate. The computed box distance L̂ rounds each g_c, its
// square and the d − 1 sums, each by at most a factor (1 + u), u = 2⁻⁵³;
// the Dist2 that brute force computes rounds y_c − q_c, its square and its
// sums likewise downwards. Hence Dist2(y, q) ≥ L̂·(1 − u)^(d+2)/(1 + u)^(d+3)
// − (3d + 6)·2⁻¹⁰⁷⁴ (gradual underflow), and a node is skipped only when
// L̂·(1 − δ) − 2⁻¹⁰⁰⁰ > bound with δ = (4d + 16)·u: every row it holds is
// strictly farther than the current k-th, which can only shrink. Rows with
// an entry beyond 2⁵⁰⁰ in magnitude (squares could overflow) or not finite
// are searched by brute force instead.

// treeLeaf is the most rows a leaf holds.
const treeLeaf = 16

// treeMaxDim is the largest dimension that SearchAuto searches with the
// tree; above it the boxes stop separating the rows (most leaves are
// visited) and the kernel's brute force is faster.
const treeMaxDim = 16

// treeMaxAbs bounds the magnitude of the entries the tree accepts.
const treeMaxAbs = 0x1p500

// kdTree is a k-d tree over the rows of a matrix view.
type kdTree struct {
	d     int
	pts   []float64 // the rows in tree order, widened to float64
	perm  []int32   // tree position → row of the view
	nodes []kdNode
	box   []float64 // node v's box: lo at box[2vd:2vd+d], hi after it
	keys  []float64 // splitAt's scratch while building
	delta float64   // relative margin of the box bound
	leaf  int       // the most rows a leaf holds (treeLeaf but in sampleTreeScaled)
}

// kdNode is the range [start, end) of tree positions of a node; left and
// right are its children, or −1 for a leaf.
type kdNode struct {
	start, end  int32
	left, right int32
}

// newTree builds the tree of the rows of m, or returns nil when an entry is
// not finite or exceeds treeMaxAbs in magnitude (or d = 0).
func newTree(m matrix) *kdTree { return newTreeLeaf(m, treeLeaf) }

// newTreeLeaf is newTree with leaves of at most leaf rows.
func newTreeLeaf(m matrix, leaf int) *kdTree {
	n, d := m.n(), m.d
	if d == 0 {
		return nil
	}
	t := &kdTree{d: d, pts: make([]float64, n*d), perm: make([]int32, n), delta: float64(4*d+16) * 0x1p-53, leaf: leaf}
	for p := range n {
		row := t.pts[p*d : (p+1)*d]
		m.row64(p, row)
		for _, v := range row {
			if !(math.Abs(v) <= treeMaxAbs) {
				return nil
			}
		}
		t.perm[p] = int32(p)
	}
	t.nodes = make([]kdNode, 0, 2*(n/leaf+1))
	t.box = make([]float64, 0, 2*d*cap(t.nodes))
	t.build(0, n)
	t.keys = nil
	// Rows in tree order.
	pts := make([]float64, n*d)
	for p, i := range t.perm {
		copy(pts[p*d:(p+1)*d], t.pts[int(i)*d:(int(i)+1)*d])
	}
	t.pts = pts
	return t
}

// build makes the node of positions [lo, hi) (perm indexes the rows in
// their original order in t.pts while building) and returns its number.
func (t *kdTree) build(lo, hi int) int32 {
	d := t.d
	v := int32(len(t.nodes))
	t.nodes = append(t.nodes, kdNode{start: int32(lo), end: int32(hi), left: -1, right: -1})
	o := len(t.box)
	t.box = append(t.box, make([]float64, 2*d)...)
	b := t.box[o : o+2*d]
	bl, bh := b[:d], b[d:2*d]
	for c := range d {
		bl[c], bh[c] = math.Inf(1), math.Inf(-1)
	}
	if d == 3 { // the common case, in registers: the same min and max
		l0, l1, l2, h0, h1, h2 := bl[0], bl[1], bl[2], bh[0], bh[1], bh[2]
		for _, i := range t.perm[lo:hi] {
			p := t.pts[int(i)*3 : int(i)*3+3 : int(i)*3+3]
			l0, l1, l2 = min(l0, p[0]), min(l1, p[1]), min(l2, p[2])
			h0, h1, h2 = max(h0, p[0]), max(h1, p[1]), max(h2, p[2])
		}
		bl[0], bl[1], bl[2], bh[0], bh[1], bh[2] = l0, l1, l2, h0, h1, h2
	} else {
		for _, i := range t.perm[lo:hi] {
			for c, x := range t.pts[int(i)*d : (int(i)+1)*d] {
				bl[c], bh[c] = min(bl[c], x), max(bh[c], x)
			}
		}
	}
	if hi-lo <= t.leaf {
		return v
	}
	dim, wide := 0, -1.0
	for c := range d {
		if w := bh[c] - bl[c]; w > wide {
			dim, wide = c, w
		}
	}
	if wide == 0 { // all rows equal: a leaf, however many
		return v
	}
	mid := (lo + hi) / 2
	t.splitAt(t.perm[lo:hi], dim, mid-lo)
	l := t.build(lo, mid)
	r := t.build(mid, hi)
	t.nodes[v].left, t.nodes[v].right = l, r
	return v
}

// splitAt reorders the rows p (indices into t.pts) so that p[m] is the one
// of rank m by (coordinate dim, index), those before it smaller and those
// after it larger: Hoare's selection, whose result is a function of p alone.
// The keys are copied beside p first (t.keys) and move with it: the same
// comparisons and swaps as reading them through p, from one array.
func (t *kdTree) splitAt(p []int32, dim, m int) {
	d, pts := t.d, t.pts
	if cap(t.keys) < len(p) {
		t.keys = make([]float64, len(p))
	}
	key := t.keys[:len(p)]
	for a, i := range p {
		key[a] = pts[int(i)*d+dim]
	}
	lo, hi := 0, len(p)-1
	for lo < hi {
		c := lo + (hi-lo)/2
		pk, pi := key[c], p[c]
		i, j := lo, hi
		for i <= j {
			for key[i] < pk || key[i] == pk && p[i] < pi {
				i++
			}
			for pk < key[j] || pk == key[j] && pi < p[j] {
				j--
			}
			if i <= j {
				p[i], p[j] = p[j], p[i]
				key[i], key[j] = key[j], key[i]
				i++
				j--
			}
		}
		switch {
		case m <= j:
			hi = j
		case m >= i:
			lo = i
		default:
			return
		}
	}
}

// boxDist returns L̂, the computed squared distance from q to node v's box.
func (t *kdTree) boxDist(v int32, q []float64) float64 {
	d := t.d
	b := t.box[int(v)*2*d : (int(v)+1)*2*d]
	lo, hi := b[:d], b[d:2*d]
	q = q[:d]
	var s float64
	for c, x := range q {
		// The gap: lo − x or x − hi where one is positive (at most one
		// is), else 0; without a branch.
		g := max(lo[c]-x, x-hi[c], 0)
		s += float64(g * g)
	}
	return s
}

// skip reports whether a node at computed box distance lb holds no row whose
// Dist2 could be ≤ bound.
func (t *kdTree) skip(lb, bound float64) bool {
	return lb*(1-t.delta)-0x1p-1000 > bound
}

// dist2 is Dist2 of two rows of the tree's width: for d < kernel.Dist2Lanes
// kernel.Dist2 adds the squares in coordinate order into s[0] and then
// zeros, which this loop does without the call.
func (t *kdTree) dist2(a, b []float64) float64 {
	if t.d >= kernel.Dist2Lanes {
		return kernel.Dist2(a, b)
	}
	b = b[:len(a)]
	var s float64
	for c, v := range a {
		e := v - b[c]
		s += float64(e * e)
	}
	return s
}

// treeCand is a row (index in the view) and its Dist2 from a query.
type treeCand struct {
	s float64
	j int32
}

// candLess orders candidates by Dist2, then index.
func candLess(a, b treeCand) bool {
	return a.s < b.s || a.s == b.s && a.j < b.j
}

// sortTreeCands sorts c by candLess: quicksort (median of three) down to
// insertion sort of short runs.
func sortTreeCands(c []treeCand) {
	for len(c) > 16 {
		m := len(c) / 2
		if candLess(c[m], c[0]) {
			c[m], c[0] = c[0], c[m]
		}
		if candLess(c[len(c)-1], c[0]) {
			c[len(c)-1], c[0] = c[0], c[len(c)-1]
		}
		if candLess(c[len(c)-1], c[m]) {
			c[len(c)-1], c[m] = c[m], c[len(c)-1]
		}
		pv := c[m]
		i, j := 0, len(c)-1
		for i <= j {
			for candLess(c[i], pv) {
				i++
			}
			for candLess(pv, c[j]) {
				j--
			}
			if i <= j {
				c[i], c[j] = c[j], c[i]
				i++
				j--
			}
		}
		// Recurse into the shorter part, loop on the longer.
		if j+1 < len(c)-i {
			sortTreeCands(c[:j+1])
			c = c[i:]
		} else {
			sortTreeCands(c[i:])
			c = c[:j+1]
		}
	}
	insertionSortCands(c)
}

// insertionSortCands sorts a short c by candLess.
func insertionSortCands(c []treeCand) {
	for i := 1; i < len(c); i++ {
		e := c[i]
		j := i
		for j > 0 && candLess(e, c[j-1]) {
			c[j] = c[j-1]
			j--
		}
		c[j] = e
	}
}

// treeQuery is one query's state: the candidates found so far (each with
// Dist2 ≤ u) and u, a bound on the k-th smallest Dist2.
type treeQuery struct {
	q     []float64
	self  int32
	k     int
	u     float64
	c     []treeCand
	limit int
	evals int // distances computed (for the cost model)
	seeds []int32
	ns    sortScratch // scratch of kthKey and nearest
	// sorted: best holds the k smallest rows (Dist2, index) offered so
	// far in candLess order, and u drops to the k-th as soon as k are
	// held (insert); else c is unsorted and shrinks at its limit (add).
	sorted bool
	best   bestK
}

// sortedMaxK is the largest k whose queries keep their list sorted
// (insert): an insertion moves about k/2 entries, against add's append and
// a selection and sort at the end.
const sortedMaxK = 32

// offer records a row at Dist2 s ≤ u, by insert or add.
func (r *treeQuery) offer(s float64, j int32) {
	if r.sorted {
		r.insert(s, j)
	} else {
		r.add(s, j)
	}
}

// insert records a row at Dist2 s ≤ u into the sorted list of the k
// smallest (Dist2, index) offered so far: it replaces the last when the
// list is full and the row orders before it (else it is dropped), and u
// becomes the k-th Dist2 held once k are held. Every row dropped, now or
// later, orders after k rows held: the list ends as the k smallest of all
// rows offered, whatever their order.
func (r *treeQuery) insert(s float64, j int32) {
	r.best.insert(s, j)
	if r.best.full() {
		r.u = r.best.s[r.best.held-1]
	}
}

// add records a row at Dist2 s ≤ u. When the list reaches its limit, u
// drops to the k-th smallest Dist2 held (k rows lie within it) and the rows
// beyond it are dropped.
func (r *treeQuery) add(s float64, j int32) {
	r.c = append(r.c, treeCand{s, j})
	if len(r.c) < r.limit {
		return
	}
	r.shrink()
	r.limit = max(r.limit, 2*len(r.c))
}

// shrink lowers u to the k-th smallest Dist2 held and drops the rows
// beyond it (rows at exactly u stay: ties are ordered by index later).
func (r *treeQuery) shrink() {
	r.u = kthKey(r.c, r.k, &r.ns.keys)
	m := 0
	for _, e := range r.c {
		if e.s <= r.u {
			r.c[m] = e
			m++
		}
	}
	r.c = r.c[:m]
}

// kthKey returns the k-th smallest s of c (1 ≤ k ≤ len(c)), selected from
// a copy of the keys in *sc (grown as needed; twice len(c), its second
// half kthPartition's scratch).
func kthKey(c []treeCand, k int, sc *[]float64) float64 {
	if cap(*sc) < 2*len(c) {
		*sc = make([]float64, 4*len(c))
	}
	v := (*sc)[:len(c)]
	for t, e := range c {
		v[t] = e.s
	}
	return kthPartition(v, (*sc)[len(c):2*len(c)], k)
}

// visit collects the rows of node v and below whose Dist2 is ≤ r.u, the
// nearer child first, skipping nodes with the margin of skip.
func (t *kdTree) visit(v int32, r *treeQuery) {
	nd := &t.nodes[v]
	if nd.left < 0 {
		d := t.d
		r.evals += int(nd.end - nd.start)
		if d == 3 { // the common case, unrolled: the same sums as dist2
			q0, q1, q2 := r.q[0], r.q[1], r.q[2]
			pts := t.pts[int(nd.start)*3 : int(nd.end)*3]
			if r.sorted { // insert's work without its two calls
				b := &r.best
				k := len(b.s)
				for o := 0; o+3 <= len(pts); o += 3 {
					s := dist3(pts[o:o+3], q0, q1, q2)
					if p := nd.start + int32(o/3); s <= r.u && p != r.self {
						b.insert(s, t.perm[p])
						if b.held == k {
							r.u = b.s[k-1]
						}
					}
				}
				return
			}
			for o := 0; o+3 <= len(pts); o += 3 {
				s := dist3(pts[o:o+3], q0, q1, q2)
				if p := nd.start + int32(o/3); s <= r.u && p != r.self {
					r.offer(s, t.perm[p])
				}
			}
			return
		}
		if d < kernel.Dist2Lanes { // dist2's loop over the leaf's rows in place
			q := r.q[:d]
			pts := t.pts[int(nd.start)*d : int(nd.end)*d]
			p := nd.start
			for o := 0; o+d <= len(pts); o += d {
				row := pts[o : o+d : o+d]
				var s float64
				for c, v := range q {
					e := v - row[c]
					s += float64(e * e)
				}
				if s <= r.u && p != r.self {
					r.offer(s, t.perm[p])
				}
				p++
			}
			return
		}
		for p := nd.start; p < nd.end; p++ {
			if s := t.dist2(r.q, t.pts[int(p)*d:int(p+1)*d]); s <= r.u && p != r.self {
				r.offer(s, t.perm[p])
			}
		}
		return
	}
	l, h := nd.left, nd.right
	bl, bh := t.boxDist(l, r.q), t.boxDist(h, r.q)
	if bh < bl {
		l, h, bl, bh = h, l, bh, bl
	}
	if !t.skip(bl, r.u) {
		t.visit(l, r)
	}
	if !t.skip(bh, r.u) {
		t.visit(h, r)
	}
}

// seedBound returns an upper bound on the k-th smallest Dist2 from the row
// at position p to the others: the k-th smallest over k or k + 1 rows
// other than p (seeds, positions; p itself is skipped), i.e. their largest
// or second largest.
func (t *kdTree) seedBound(p int, seeds []int32) float64 {
	d := t.d
	q := t.pts[p*d : (p+1)*d]
	first, second := math.Inf(-1), math.Inf(-1)
	m := 0
	for _, o := range seeds {
		if int(o) == p {
			continue
		}
		m++
		s := t.dist2(q, t.pts[int(o)*d:int(o+1)*d])
		if s > first {
			first, second = s, first
		} else if s > second {
			second = s
		}
	}
	if m > len(seeds)-1 { // k + 1 rows
		return second
	}
	return first
}

// treeSearch returns bruteForce's graph of m, found with the tree t of m.
//
// For the query at tree position p, a bound u on its k-th smallest Dist2
// comes from the previous query's row and its neighbours (queries run in
// tree order, so it is usually close by), by the triangle inequality
// (kdTree.query), or, for the first query of a chunk, the k-th smallest
// over the k rows around p in tree order. Every
// row with Dist2 ≤ u is collected from the tree (nodes pruned with the
// margin of skip), u shrinking to the k-th smallest Dist2 collected as the
// list grows, and the k smallest by (Dist2, index) kept: the same k as
// brute force's, since every one of them has Dist2 ≤ u at every step.
func treeSearch(m matrix, t *kdTree, k, threads int) *Graph {
	n := m.n()
	g := &Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k), Search: SearchTree}
	parallelChunks(n, threads, func(lo, hi int) {
		r := &treeQuery{k: k}
		for p := lo; p < hi; p++ {
			var prev []int32
			var prevDist []float64
			if p > lo {
				i := int(t.perm[p-1])
				prev, prevDist = g.Index[i*k:(i+1)*k], g.Dist[i*k:(i+1)*k]
			}
			i := int(t.perm[p])
			t.query(p, prev, prevDist, r, g.Index[i*k:(i+1)*k], g.Dist[i*k:(i+1)*k])
		}
	})
	return g
}

// query writes the k nearest rows of the row at position p (indices and
// distances) into idx and dist. prev and prevDist are the neighbour list
// of the row at position p − 1 (indices and distances), or nil.
func (t *kdTree) query(p int, prev []int32, prevDist []float64, r *treeQuery, idx []int32, dist []float64) {
	n, d, k := len(t.perm), t.d, r.k
	r.q, r.self = t.pts[p*d:(p+1)*d], int32(p)
	if prev != nil {
		// The row at p − 1 and the rows of its list other than p (all k,
		// or all but p) are k rows within D + r_k of p, D the distance
		// between the two rows and r_k the k-th of the list (the
		// triangle inequality): one distance instead of k + 1. The
		// factor covers the roundings of Dist2 (relative (d + 2)·2⁻⁵³
		// each way, within delta), of the square roots and of this sum;
		// 2⁻¹⁰⁰⁰ gradual underflow.
		s := t.dist2(r.q, t.pts[(p-1)*d:p*d])
		e := math.Sqrt(s) + prevDist[k-1]
		r.u = e*e*(1+4*t.delta+0x1p-40) + 0x1p-1000
	} else {
		seeds := r.seeds[:0]
		a := max(0, min(p-k/2, n-1-k))
		for o := a; o <= a+k; o++ {
			seeds = append(seeds, int32(o))
		}
		r.seeds = seeds
		r.u = t.seedBound(p, seeds)
	}
	r.c, r.limit, r.sorted = r.c[:0], 2*k+16, k <= sortedMaxK
	if r.sorted {
		r.best.reset(k)
	}
	t.visit(0, r)
	if r.sorted {
		if !r.best.full() {
			panic("knn: tree query found fewer than k rows")
		}
		copy(idx, r.best.j)
		copy(dist, r.best.s)
	} else {
		nearest(r.c, k, idx, dist, &r.ns)
	}
	kernel.Sqrt64(dist)
}

// treeWorth predicts, from the distances the tree computes for 32 queries
// spread over the rows, whether the tree search costs less than the
// kernel's brute force. Measured on the eight reference arrays of
// BENCHMARKS.md (n = 2000, d = 3…20, one thread, k = 20 and 100): brute
// force costs about 1.5 ns per row and query plus 0.15 µs per neighbour
// (candidate lists, exact refinement, sort), nearly independent of d ≤ 20;
// the tree about (20 + d/2) ns per distance it computes, everything
// included. Up to 5 columns, where the strip search (rowStripSearch) takes
// the brute force of up to rowStripMaxRows rows, it costs about 0.5 ns per
// row and query, 0.015 ns per row, column and query and 26 ns per
// neighbour, and the tree (10 + d/3) ns per distance (10–14 measured; the
// helix of 1 dimension at k = 100 is the one where the two are closest).
// For k ≤ sortedMaxK, where the strip row places its candidates by
// rankNearest and screens its columns in single precision, the strip costs
// about 0.4 ns per row and query, 0.015 per row, column and query and 21
// per neighbour, and the tree's sorted insertions (13 + d/3) ns per
// distance (1.2 µs a strip row against 1.47 µs a tree query, 105 sampled
// distances, on the 2-dimensional rolls of 3 columns at k = 20: the strip;
// 0.79 µs and 54 on the helix: the tree).
// Sampling stops as soon as the tree is over twice brute force's pace after
// four queries (high dimensions: the sampling then costs a few queries, not
// 32).
func treeWorth(t *kdTree, k int) bool {
	n := len(t.perm)
	const samples = 32
	if n < 4*samples {
		return true
	}
	r := &treeQuery{k: k}
	idx, dist := make([]int32, k), make([]float64, k)
	perEval := 20 + float64(t.d)/2
	perQuery := float64(n)*1.5 + float64(k)*150 // brute force, ns
	if t.d <= 5 && n <= rowStripMaxRows && gramSeedWidth(n, k) > 0 {
		perEval = 10 + float64(t.d)/3
		perQuery = float64(n)*(0.5+0.015*float64(t.d)) + float64(k)*26
		if k <= sortedMaxK && rankUsable {
			perEval = 13 + float64(t.d)/3
			perQuery = float64(n)*(0.4+0.015*float64(t.d)) + float64(k)*21
		}
	}
	for s := range samples {
		t.query(s*n/samples, nil, nil, r, idx, dist)
		spent := float64(r.evals) * perEval
		if spent >= samples*perQuery || s >= 3 && spent >= 2*float64(s+1)*perQuery {
			return false // already dearer, or clearly on the way
		}
	}
	return true
}

// treeSampleRows is the number of rows treeMayPay builds its tree of.
const treeSampleRows = 256

// treeMayPay reports whether a tree of the rows of m may pay at k
// neighbours, from a tree of treeSampleRows of them (every n/256-th) and 8
// queries of the k·256/n nearest (the same share of the rows): false when
// those compute over three quarters of the sample's distances, where the
// tree of all the rows would not pay either (treeWorth: about a tenth of
// them at n = 2,000, k = 20; a sample's leaves are coarser, so its share is
// the larger). Rows of 11 columns spread over 10 dimensions (n = 2,000):
// the sample computes nearly all its distances, and the 0.6 ms of building
// the whole tree and treeWorth's queries are saved. Up to 5 columns, or
// under 1,024 rows, it returns true (building is cheap; treeWorth decides).
func treeMayPay(m matrix, k int) bool {
	t := sampleTree(m)
	if t == nil {
		return true
	}
	ks := max(1, k*treeSampleRows/m.n())
	r := &treeQuery{k: ks}
	idx, dist := make([]int32, ks), make([]float64, ks)
	for s := range treeSampleQueries {
		t.query(s*treeSampleRows/treeSampleQueries, nil, nil, r, idx, dist)
	}
	return r.evals*4 <= 3*treeSampleQueries*treeSampleRows
}

// treeSampleQueries is the number of queries of treeMayPay and
// treeMayCount.
const treeSampleQueries = 8

// sampleTree returns the tree of treeSampleRows rows of m (every
// n/treeSampleRows-th), or nil where treeMayPay and treeMayCount do not
// sample: up to 5 columns or under 4·treeSampleRows rows, or rows the tree
// does not take.
func sampleTree(m matrix) *kdTree {
	n, d := m.n(), m.d
	if d <= 5 || n < 4*treeSampleRows {
		return nil
	}
	rows := make([]int, treeSampleRows)
	for s := range rows {
		rows[s] = m.index(s * n / treeSampleRows)
	}
	return newTree(matrix{m: m.m, d: d, rows: rows})
}

// parallelChunks calls f for consecutive ranges [lo, hi) covering [0, n)
// from threads goroutines; which goroutine runs a range does not matter.
func parallelChunks(n, threads int, f func(lo, hi int)) {
	const chunk = 64
	parallelRows((n+chunk-1)/chunk, threads, func(c int, _ *TopK) {
		f(c*chunk, min((c+1)*chunk, n))
	})
}

// row64 writes row p of m, widened to float64, into dst.
func (m matrix) row64(p int, dst []float64) {
	if m.m.Elem() == cloud.Float32 {
		for c, v := range m.m.Row32(m.index(p)) {
			dst[c] = float64(v)
		}
		return
	}
	copy(dst, m.m.Row64(m.index(p)))
}

// dist3 is dist2 of a 3-column row p of the tree's points and the query
// (q0, q1, q2): the same differences and products, summed in the same order.
func dist3(p []float64, q0, q1, q2 float64) float64 {
	e0, e1, e2 := p[0]-q0, p[1]-q1, p[2]-q2
	s := float64(e0 * e0)
	s += float64(e1 * e1)
	s += float64(e2 * e2)
	return s
}
