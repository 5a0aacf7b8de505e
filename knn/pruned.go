package knn

import (
	"math"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// The pruned exact search (Options.Search, SearchPruned).
//
// Rows are centred and scaled by a power of two, cᵢ = (xᵢ − μ)·s, and split
// into their coordinates pᵢ = Q·cᵢ on m orthonormal directions (the rows of
// Q, the leading principal directions of a sample) and a residual of norm
// ρᵢ = √(‖cᵢ‖² − ‖pᵢ‖²). For every pair, with Q exactly orthonormal,
//
//	‖cᵢ − cⱼ‖² = ‖pᵢ − pⱼ‖² + ‖rᵢ − rⱼ‖² ≥ ‖pᵢ − pⱼ‖² + (ρᵢ − ρⱼ)²
//
// (Pythagoras, then the reverse triangle inequality on the residuals): the
// projection lower bound of the PCA-based partial-distance searches
// (Bei & Gray, "An improvement of the minimum distortion encoding algorithm
// for vector quantization", IEEE Trans. Commun. 1985, for the partial
// distance; McNames, "A fast nearest-neighbor algorithm based on a principal
// axis search tree", IEEE TPAMI 2001, and Lai, Liaw & Liu, "Fast
// k-nearest-neighbor search based on projection and triangular inequality",
// Pattern Recognition 2007, for the projection and norm bounds).
//
// Two bounds, on the M leading directions (M ≤ 256) and on the first m ≤ M
// of them. The coarse one (m coordinates) is computed for every pair from
// the float32 kernel's Gram matrix of the projections, 2·n²·m flops
// instead of 2·n²·d. Every row keeps the k smallest exact distances found
// so far (a bound Uᵢ on its k-th) and the candidates whose coarse bound is
// ≤ Uᵢ; when the list grows, each candidate's bound is raised to the fine
// one (all M coordinates, from the float64 coordinates: M operations
// instead of d, and most candidates fall above Uᵢ there), and the
// candidates of smallest bound are evaluated exactly, which tightens Uᵢ.
// At the end the rest are evaluated in increasing order of their fine
// bound until it exceeds the k-th distance. Where m < M/2 the candidates
// are staged instead (lowerStagedGram): a pair the Gram's test keeps is bounded
// on the prefixes 2m, 4m, … < M of the float64 coordinates (the bound
// holds for any prefix of the directions, with that prefix's residual norm
// and margins) and, unless one of them exceeds Uᵢ, on all M, and enters
// the list with its fine bound (on the 20,000 × 768 layer, m = 64 with a
// prefix of 128 costs less than the Gram on 128 and the lazy refinement:
// 0.85–0.9 s against 1.05–1.1 s of one thread). The staged bound takes
// its first m coordinates from the Gram entry the test already has
// (lowerStagedGram: the prefix 2m reads m coordinates, not 2m), and off the
// Gram's diagonal a pair that passes both its rows' tests has it computed
// once (stagedRec: the column phase reuses the row phase's value). A pair
// whose fine bound is well within Uᵢ is evaluated at once instead of
// joining the list (eagerBelow; its Dist2 is shared with the pair's other
// row through the same record), and the Gram's blocks near its diagonal,
// which hold most pairs of rows near each other in the tree's order, come
// first (nearBlocks): the rows' bounds tighten early in the pass, which
// then lets fewer pairs through (on the 20,000 × 768 layer 1.96 M staged
// bounds → 1.35 M). The exact distances are those
// of bruteForce (matrix.dist2, i.e. Dist2 or Dist2F32 from the original
// rows) and ties are ordered by index by the same TopK, so the graph is
// bruteForce's bit for bit, whatever the thread count. Rows are processed
// in the order of a k-d tree on their leading coordinates (pruned_seed.go),
// so that the rows a row's candidates read were mostly read just before
// (in cache).

// Floating-point margin. Let c̃ᵢ be the exact centred, scaled rows and Q*
// the exactly orthonormal matrix nearest to the computed Q (its polar
// factor): ‖Q − Q*‖₂ ≤ εQ, where εQ = ‖QQᵀ − I‖_F (computed, plus its own
// rounding m·γ_d) bounds it, since Q's singular values lie in
// [√(1−εQ), √(1+εQ)]. The bound is applied with Q* (any orthonormal
// matrix gives a valid one), so each computed quantity carries a margin:
//
//   - projections p̂ᵢ = fl(Q·cᵢ) by the float32 kernel (kernel.Cross:
//     |error| ≤ Tau(d)·‖qₜ‖·‖cᵢ‖ per coordinate, rounding of the inputs
//     to float32 included, ‖qₜ‖ ≤ √(1 + εQ); entries below float32's
//     normal range add at most (4d + 4)·2⁻¹²⁸ per coordinate, the centred
//     entries being at most 2²⁰) and the centring (relative u per entry,
//     u = 2⁻⁵³): on the first mc coordinates (mc = m or M)
//     ‖p̂ᵢ − Q*c̃ᵢ‖ ≤ aᵢ = 1.01·(√mc·Tau(d)·√(1 + εQ) + εQ + 2u)·‖cᵢ‖
//     + √mc·(4d + 4)·2⁻¹²⁸ + 2⁻⁹⁰⁰;
//   - residual norms: |ρ̂ᵢ² − ρᵢ²| ≤ bᵢ = 1.01·(γ_{d+4}‖cᵢ‖² + aᵢ(2‖p̂ᵢ‖ + aᵢ)
//     + γ_{mc+4}‖p̂ᵢ‖²), γₙ = n·u/(1 − n·u), so |ρ̂ᵢ − ρᵢ| ≤ βᵢ = min(√bᵢ, bᵢ/ρ̂ᵢ) + 4u·ρ̂ᵢ
//     (|ρ̂ − ρ| = |ρ̂² − ρ²|/(ρ̂ + ρ));
//   - the coarse bound's distances (first m coordinates) come from the
//     float32 kernel exactly as in kernelSearch:
//     Aᵢⱼ − eᵢⱼ ≤ s₂²·Dist2(p̂ᵢ, p̂ⱼ) ≤ s₂²(1 + γ_{m+4})‖p̂ᵢ − p̂ⱼ‖²; the fine
//     bound takes Dist2(p̂ᵢ, p̂ⱼ) over all M coordinates in float64
//     (≤ (1 + γ_{M+4})‖p̂ᵢ − p̂ⱼ‖², lowerFine) with the margins on M;
//   - Dist2 of the original rows is at least (1 − γ_{d+8}) times the exact
//     squared distance (a sum of d non-negative rounded squares).
//
// Hence, with the float64 rounding of the few operations below absorbed by
// the factors (1 − 2⁻⁴⁰) (each applied where a subtraction could amplify an
// earlier rounding, ≫ the ≤ 10 roundings of 2⁻⁵³ they cover),
//
//	ℓᵢⱼ = (1 − γ_{d+8})(1 − 2⁻⁴⁰)·(σ² + τ²)/s²,
//	σ = max(0, (1 − 2⁻⁴⁰)·√(max(0, Aᵢⱼ − eᵢⱼ)/(s₂²(1 + γ_{m+4}))) − aᵢ − aⱼ),
//	τ = max(0, |ρ̂ᵢ − ρ̂ⱼ| − βᵢ − βⱼ),
//
// is at most the Dist2 that brute force computes for the pair, which is all
// the pruning needs: no pair whose Dist2 could be among the k smallest is
// ever skipped. The margins are relative, about √mc·Tau(d) of the norms
// (10⁻³ for M = 256, d = 768: the float32 projection), against distances
// to the nearest neighbours of tens of percent of the norms.

// prunedFloor is the least number of candidates, beyond 4k, a row may
// keep before it is searched directly (a variable for the tests).
var prunedFloor = 64

// prow is one row's state during the pruned search (rows are numbered by
// their position in the projection's tree order).
type prow struct {
	h        heapK   // the k smallest exact squared distances found so far
	cand     []pcand // candidates not evaluated yet, lower bound ≤ bound()
	limit    int     // evaluate some when len(cand) reaches it
	overflow bool    // too many candidates (ties): searched directly
	capped   bool    // ub is an upper bound on the row's k-th Dist2 (strips)
	ub       float64
}

// pcand is a candidate: its position j and a lower bound on its Dist2,
// from the m Gram coordinates, or from all M once fine.
type pcand struct {
	lo   float64
	j    int32
	fine bool
}

func (r *prow) bound() float64 {
	u := math.Inf(1)
	if r.h.Len() == r.h.k {
		u = r.h.Worst()
	}
	if r.capped && r.ub < u {
		return r.ub
	}
	return u
}

// sortCands sorts c by bound, then position (bounds are never NaN: the
// rows are finite): a quicksort on the median of three, insertion below 16
// (slices.SortFunc's comparison callback cost 0.12 s of the 20,000 × 768
// search).
func sortCands(c []pcand) {
	for len(c) > 16 {
		a, b, z := 0, len(c)/2, len(c)-1
		if pcandLess(c[b], c[a]) {
			c[a], c[b] = c[b], c[a]
		}
		if pcandLess(c[z], c[b]) {
			c[b], c[z] = c[z], c[b]
			if pcandLess(c[b], c[a]) {
				c[a], c[b] = c[b], c[a]
			}
		}
		p := c[b]
		i, j := 0, len(c)-1
		for i <= j {
			for pcandLess(c[i], p) {
				i++
			}
			for pcandLess(p, c[j]) {
				j--
			}
			if i <= j {
				c[i], c[j] = c[j], c[i]
				i++
				j--
			}
		}
		if j+1 < len(c)-i {
			sortCands(c[:j+1])
			c = c[i:]
		} else {
			sortCands(c[i:])
			c = c[:j+1]
		}
	}
	for i := 1; i < len(c); i++ {
		v := c[i]
		j := i
		for ; j > 0 && pcandLess(v, c[j-1]); j-- {
			c[j] = c[j-1]
		}
		c[j] = v
	}
}

// pcandLess orders candidates by bound, then position.
func pcandLess(a, b pcand) bool { return a.lo < b.lo || a.lo == b.lo && a.j < b.j }

// exact pushes the Dist2 of the rows at positions i and j into i's list,
// indexed by j's row (so that ties are ordered as brute force orders them).
// On wide float32 rows (c.low) a row whose list is full first bounds the
// pair's Dist2 from below in float32 (lowerF32): a pair whose bound
// exceeds the row's bound could not enter the list (its Dist2 is larger
// than the list's k-th, and than a capped row's bound on its final k-th),
// so it is dropped without its exact distance. Pushing it would leave the
// list as it was, or (capped) hold a pair that a nearer one displaces
// later: the list ends with the same k pairs either way.
//
// The bound sums the pair's chunks in the plan's order (c.lowChunks) and
// stops as soon as it exceeds the row's bound (lowerF32 is
// kernel.Dist2LowerF32Until).
//
// With a memo (c.memo, pairMemo), a pair's row that comes later in the
// tree order (j < i) first looks for the value its other row stored: an
// exact Dist2 is pushed as computed, a lower bound is tested as lowerF32's
// (the same value, or one at most an ulp below: memoBound) or, where its
// sum stopped early (memoPartial) and does not drop the pair, the bound
// is summed again; the earlier row (j > i) stores what it computed.
func (c *pcollector) exact(r *prow, i, j int, s *[32]float64) {
	o := c.pj.orig
	full := r.h.Len() == r.h.k
	test := c.low && full
	if c.memo != nil && j < i {
		if v, kind, ok := c.memo.get(o[i], o[j]); ok {
			if kind == memoDist {
				r.h.Push(v, o[j])
				c.stale[i] = true
				return
			}
			if full && v > r.bound() {
				return
			}
			test = test && kind == memoPartial // memoBound: lowerF32 would give v again
		}
	}
	// s, Dist2's partial sums (256 bytes, cleared by dist2With), holds the
	// bound's 64 float32 lanes meanwhile.
	if test {
		b := r.bound()
		if lo, all := lowerF32(c.x.m.Row32(c.x.index(int(o[i]))), c.x.m.Row32(c.x.index(int(o[j]))),
			c.lowChunks, b, (*[kernel.Dist2LowLanes]float32)(unsafe.Pointer(s))); lo > b {
			if c.memo != nil && j > i {
				kind := memoBound
				if !all {
					kind = memoPartial
				}
				c.memo.put(o[i], o[j], lo, kind)
			}
			return
		}
	}
	v := c.x.dist2With(int(o[i]), int(o[j]), s)
	if c.memo != nil && j > i {
		c.memo.put(o[i], o[j], v, memoDist)
	}
	r.h.Push(v, o[j])
	c.stale[i] = true
}

// lowerF32 is kernel.Dist2LowerF32Until, a lower bound on the Dist2 of two
// float32 rows (a variable for the tests).
var lowerF32 = kernel.Dist2LowerF32Until

// exact lends Dist2's partial sums to lowerF32's lanes: they must fit.
var _ [unsafe.Sizeof([32]float64{}) - unsafe.Sizeof([kernel.Dist2LowLanes]float32{})]byte

// lowMinD is the least row width at which exact tests a pair against
// lowerF32 first. On pool1 (2,000 × 5,408 float32), where 92 % of the exact
// distances of the last candidates do not enter their row's list, the
// float32 sum reads the same two rows with a quarter of the arithmetic
// and leaves 7 % of them to Dist2 (then in cache); on 768-wide rows, read
// from cache and accepted more often, the test costs more than it saves
// (BENCHMARKS.md, issue 16).
const lowMinD = 2048

// moved marks row i's bound as changed (outside exact): its threshold is
// recomputed when next asked for.
func (c *pcollector) moved(i int) { c.stale[i] = true }

// laneTree sums 32 lanes by Dist2Sum's tree, without changing s.
func laneTree(s *[32]float64) float64 {
	t := *s
	for w := 16; w >= 1; w /= 2 {
		for l := 0; l < w; l++ {
			t[l] += t[l+w]
		}
	}
	return t[0]
}

// dist2With is dist2 (the same value, bit for bit: Dist2Acc over the
// longest prefix of a multiple of 32 values, then Dist2Sum, as Dist2 and
// Dist2F32 do) with the partial sums in s, which a caller reuses: Dist2's
// own escape to the heap on every call.
func (m matrix) dist2With(p, q int, s *[32]float64) float64 {
	p, q = m.index(p), m.index(q)
	*s = [32]float64{}
	l := m.d &^ (kernel.Dist2Lanes - 1)
	if m.m.Elem() == cloud.Float32 {
		a, b := m.m.Row32(p), m.m.Row32(q)
		kernel.Dist2AccF32(s, a[:l], b[:l])
		return kernel.Dist2SumF32(s, a[l:], b[l:])
	}
	a, b := m.m.Row64(p), m.m.Row64(q)
	kernel.Dist2Acc(s, a[:l], b[:l])
	return kernel.Dist2Sum(s, a[l:], b[l:])
}

// bestFirst takes row i's candidates in increasing order of their bound:
// the first, if its bound is coarse, is raised to the fine one (lowerFine)
// and put back in order; if fine, it is evaluated exactly (which tightens
// the bound) and leaves the list. It stops after e exact distances (e < 0:
// never) or when the first bound exceeds the row's bound. So only the
// candidates that come first while within the bound are refined (MLP
// 20,000 × 768: 20 per row instead of every candidate kept, 45), and the
// rest keep their coarse bound, valid as well.
func (c *pcollector) bestFirst(r *prow, i, e int, s *[32]float64) {
	if e > 0 && e <= selectMost {
		c.bestFirstSelect(r, i, e, s)
		return
	}
	sortCands(r.cand)
	cand := r.cand
	h := 0 // cand[:h] evaluated
	for h < len(cand) && e != 0 && cand[h].lo <= r.bound() {
		if cd := cand[h]; !cd.fine {
			cd.lo, cd.fine = max(cd.lo, c.lowerFine(i, int(cd.j))), true
			t := h
			for t+1 < len(cand) && pcandLess(cand[t+1], cd) {
				cand[t] = cand[t+1]
				t++
			}
			cand[t] = cd
			continue
		}
		c.exact(r, i, int(cand[h].j), s)
		h++
		e--
	}
	r.cand = r.cand[:copy(r.cand, r.cand[h:])]
}

// selectMost is the most exact distances bestFirst takes by selection
// (bestFirstSelect) rather than after a sort.
const selectMost = 4

// bestFirstSelect is bestFirst for a few exact distances (0 < e ≤
// selectMost, a flush): the least candidate by pcandLess (a total order:
// a row's candidates are distinct rows) is found by a scan each time
// instead of sorting the whole list, so the same candidates are raised
// and evaluated in the same order, and the same ones are left (in
// another order, which no caller depends on: bestFirst sorts, filter and
// the overflow test do not look at it). A flush of the 20,000 × 768
// layer's lists (34 and more candidates, k = 2) sorted them for two
// exact distances.
func (c *pcollector) bestFirstSelect(r *prow, i, e int, s *[32]float64) {
	cand := r.cand
	h := 0 // cand[:h] evaluated
	for h < len(cand) && e != 0 {
		q := leastFrom(cand, h)
		cd := cand[q]
		if cd.lo > r.bound() {
			break
		}
		if !cd.fine {
			cand[q].lo, cand[q].fine = max(cd.lo, c.lowerFine(i, int(cd.j))), true
			continue
		}
		cand[q] = cand[h]
		cand[h] = cd
		c.exact(r, i, int(cd.j), s)
		h++
		e--
	}
	r.cand = r.cand[:copy(r.cand, r.cand[h:])]
}

// flush drops the candidates above the bound and evaluates exactly the k
// of smallest bound (bestFirst), which tightens the bound. A row left with
// more than c.most candidates overflows.
func (c *pcollector) flush(i int, s *[32]float64) {
	r := &c.rows[i]
	r.filter()
	c.bestFirst(r, i, c.k, s)
	r.filter()
	if len(r.cand) > c.most {
		r.overflow, c.over[i] = true, true
		r.cand = nil
		return
	}
	r.limit = max(r.limit, 2*len(r.cand))
}

func (r *prow) filter() {
	u := r.bound()
	m := 0
	for _, c := range r.cand {
		if c.lo <= u {
			r.cand[m] = c
			m++
		}
	}
	r.cand = r.cand[:m]
}

// finish evaluates the remaining candidates of row i in increasing order
// of their bound, refined as they come (bestFirst), until it exceeds the
// k-th distance, and writes the k nearest (sorted with sc's scratch, a
// worker's).
func (c *pcollector) finish(i int, idx []int32, dist []float64, sc *TopK, s *[32]float64) {
	r, k := &c.rows[i], c.k
	r.filter()
	c.bestFirst(r, i, -1, s)
	if r.h.Len() != k {
		panic("knn: pruned candidate set smaller than k")
	}
	r.h.sortedWith(&sc.buf, &sc.ns, idx, dist)
	for t := range dist {
		dist[t] = math.Sqrt(dist[t])
	}
	*r = prow{}
}

// projection is the rows of a matrix in tree order (position t holds row
// orig[t]), their M principal coordinates, and the residual norms and
// margins of the bound on the first m coordinates (the Gram's) and on all
// M (the refinement's).
type projection struct {
	m, mm   int
	p       []float64 // n×M coordinates p̂, by position
	orig    []int32   // the row at each position
	leaf    []int32   // the seeding leaf of each position (non-decreasing); nil: no seeding
	c2      []float64 // squared norms of the centred, scaled rows, by position
	coarse  margins   // on the first m coordinates
	mid     []margins // on the first midEnds[s] coordinates (m < midEnds[s] < M)
	midEnds []int
	full    margins     // on all M
	mcalc   *marginCalc // the margins being computed (newProjectionDeferred)
	scale   float64     // s, the power of two of the centring
	// lowChunks is the plan's order of the float32 bound's chunks
	// (prunePlan.lowChunks); nil: increasing.
	lowChunks []int32
	gammaD    float64 // γ_{d+8}
	lowScale  float64 // (1 − γ_{d+8})(1 − 2⁻⁴⁰)/s²
}

// margins are the residual norms ρ̂ᵢ and the margins aᵢ, βᵢ of a bound on
// the first mc coordinates, by position.
type margins struct {
	rho, a, beta []float64
	amax         float64
	gamma        float64 // γ_{mc+4}
}

// gamma returns γ_n = n·u/(1 − n·u), u = 2⁻⁵³.
func gamma(n int) float64 {
	nu := float64(n) * 0x1p-53
	return nu / (1 - nu)
}

// projRows is the number of rows a worker centres, packs and projects at a
// time (one block of the kernel: its packed copy, 4·d·projRows bytes,
// stays small and is reused).
const projRows = kernel.BlockRows

// project computes the coordinates of every row of x on the M rows of the
// plan's Q with the float32 kernel, puts the rows in the seeding tree's
// order, and computes the margins; nil when a centred row has an entry
// beyond 2²⁰ (the plan's sample missed the spread) or not finite. Blocks
// of rows are centred, packed and projected, 256 features at a time
// (kernel.CrossChunks), by threads workers at once.
// The coordinates go into buf's memory where its capacity is n·M or more,
// and Q is packed into spare's memory where not nil (the plan's packed
// sample, prunePlan.spare: 4.3 MB on pool1, where Q takes 2.8 MB that
// would otherwise be fresh, page faults included; each worker's panel,
// 192 KiB, is its own). With deferred, the margins are left to the caller
// (newProjectionDeferred).
func project(x matrix, pl *prunePlan, k, threads int, buf []float64, spare *kernel.Packed, deferred bool) *projection {
	n, d, mm := x.n(), x.d, pl.mm
	var q kernel.Packed
	if spare != nil {
		spare.Recycle(&q)
	}
	q.PackLeftFunc(mm, d, func(t int, dst []float32) {
		for j, v := range pl.q[t*d : (t+1)*d] {
			dst[j] = float32(v)
		}
	})
	// buf's values, when it is large enough, are all overwritten below
	// (after Q is packed: buf may be pl.q's memory, newPrunedWith).
	p := buf[:0]
	if cap(buf) < n*mm {
		p = make([]float64, n*mm)
	}
	p = p[:n*mm]
	cn := make([]float64, n)
	var bad atomic.Bool
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < max(1, min(threads, (n+projRows-1)/projRows)); w++ {
		wg.Add(1)
		y := new(kernel.Packed)
		go func() {
			defer wg.Done()
			var acc [projRows][32]float64
			for !bad.Load() {
				i0 := int(next.Add(projRows)) - projRows
				if i0 >= n {
					return
				}
				i1 := min(i0+projRows, n)
				clear(acc[:i1-i0])
				// Centred 256 features of every row of the block at a
				// time, straight into the product (CrossChunks: the
				// block's packed copy, 4.2 MB on pool1, is never written).
				y.CrossChunks(&q, i1-i0, d, func(i, k0 int, dst []float32) {
					x.centreChunk(i0+i, k0, pl.mean, pl.scale, dst, &acc[i])
				}, func(_, t0, t1, j0, j1 int, g []float64, ld int) {
					// Row by row: each row's coordinates written
					// contiguously (by direction, the writes strode 8·M
					// bytes: the 20,000 × 768 layer's projection 0.127 →
					// 0.119 s, medians of 8 alternating runs).
					for j := j0; j < j1; j++ {
						pj := p[(i0+j)*mm+t0 : (i0+j)*mm+t1]
						for t := range pj {
							pj[t] = g[t*ld+j-j0]
						}
					}
				})
				for i := i0; i < i1; i++ {
					s := laneTree(&acc[i-i0])
					cn[i] = s
					if !(s <= 0x1p40) && !(x.centreTop(i, pl.mean, pl.scale) <= 0x1p20) {
						bad.Store(true)
					}
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() {
		return nil
	}
	leaf, perm := leaves(p, mm, n, k, threads)
	c2 := make([]float64, n)
	pleaf := make([]int32, n)
	for t, i := range perm {
		pleaf[t] = leaf[i]
		c2[t] = cn[i]
	}
	permuteRows(p, mm, perm)
	var pj *projection
	if deferred {
		pj = newProjectionDeferred(pl, d, p, perm, c2)
	} else {
		pj = newProjection(pl, d, p, perm, c2)
	}
	pj.leaf = pleaf
	return pj
}

// permuteRows puts the rows of p (w values each) in the order perm, in
// place (row t becomes the former row perm[t]), following the cycles of
// the permutation with one row aside: no second n×w copy (41 MB on the
// 20,000-row layer, its allocation a fifth of the reordering).
func permuteRows(p []float64, w int, perm []int32) {
	done := make([]bool, len(perm))
	tmp := make([]float64, w)
	for s := range perm {
		if done[s] {
			continue
		}
		copy(tmp, p[s*w:(s+1)*w])
		cur := s
		for {
			done[cur] = true
			next := int(perm[cur])
			if next == s {
				copy(p[cur*w:(cur+1)*w], tmp)
				break
			}
			copy(p[cur*w:(cur+1)*w], p[next*w:(next+1)*w])
			cur = next
		}
	}
}

// newProjection is the projection of the rows orig (in this order) whose
// coordinates on pl's M directions are p (by position) and whose centred,
// scaled rows have the squared norms c2: the margins of both bounds.
func newProjection(pl *prunePlan, d int, p []float64, orig []int32, c2 []float64) *projection {
	pj := newProjectionDeferred(pl, d, p, orig, c2)
	pj.marginRows(0, len(c2))
	pj.setMargins()
	return pj
}

// newProjectionDeferred is newProjection with the margins to be computed
// by the caller: marginRows for every row (once or more, in any order),
// then setMargins, before any is used. A pass that reads every row's
// coordinates anyway (prepareCoords) computes them as it goes, instead of
// a pass of its own over n·M values (16 MB for a strip of 32,000 rows on
// 64 directions, read again from memory by the next pass).
func newProjectionDeferred(pl *prunePlan, d int, p []float64, orig []int32, c2 []float64) *projection {
	pj := &projection{m: pl.m, mm: pl.mm, p: p, orig: orig, c2: c2, scale: pl.scale, gammaD: gamma(d + 8), lowChunks: pl.lowChunks}
	pj.lowScale = (1 - pj.gammaD) * (1 - 0x1p-40) / (pl.scale * pl.scale)
	pj.midEnds = midEnds(pl.m, pl.mm)
	pj.initMargins(c2, append([]int{pl.m, pl.mm}, pj.midEnds...), d, pl.epsQ)
	return pj
}

// midEnds returns the prefixes of the intermediate bounds between the
// Gram's m coordinates and all M: 2m, 4m, … (multiples of Dist2Lanes)
// below M, none when m ≥ M/2.
func midEnds(m, mm int) []int {
	var ends []int
	for e := 2 * m; e < mm; e *= 2 {
		if e%kernel.Dist2Lanes == 0 {
			ends = append(ends, e)
		}
	}
	return ends
}

// marginCalc is what the margins of every row are computed from
// (initMargins, marginRows).
type marginCalc struct {
	cn          []float64 // squared norms of the centred rows
	mcs         []int     // the bounds' numbers of coordinates
	arel, under []float64
	gd4         float64
	mgs         []margins // coarse, full, then mid
}

// initMargins readies the computation of the residual norms and margins
// of the bounds on the first mc coordinates, for every mc of mcs, from the
// squared norms cn of the centred rows (see the top of this file):
// marginRows, then setMargins.
func (pj *projection) initMargins(cn []float64, mcs []int, d int, epsQ float64) {
	n := len(cn)
	u := 0x1p-53
	mc := &marginCalc{cn: cn, mcs: mcs, gd4: gamma(d + 4), mgs: make([]margins, len(mcs)),
		arel: make([]float64, len(mcs)), under: make([]float64, len(mcs))}
	for s, m := range mcs {
		mc.mgs[s] = margins{rho: make([]float64, n), a: make([]float64, n), beta: make([]float64, n), gamma: gamma(m + 4)}
		sm := math.Sqrt(float64(m))
		mc.arel[s] = 1.01 * (sm*kernel.Tau(d)*math.Sqrt(1+epsQ) + epsQ + 2*u)
		mc.under[s] = sm * float64(4*d+4) * 0x1p-128
	}
	pj.mcalc = mc
}

// marginRows computes the margins of the rows [i0, i1), rows outer,
// prefixes inner: each row's coordinates are read from memory once for
// all the bounds (a strip of 32,000 rows on M = 128 directions and four
// bounds read its 32 MB of coordinates four times before: 4 % of the
// strips' CPU time). A row computed again gets the same values.
func (pj *projection) marginRows(i0, i1 int) {
	mc, mm := pj.mcalc, pj.mm
	cn := mc.cn
	u := 0x1p-53
	for i := i0; i < i1; i++ {
		c := math.Sqrt(cn[i])
		for s, m := range mc.mcs {
			mg := &mc.mgs[s]
			pn := sumSq4(pj.p[i*mm : i*mm+m])
			a := mc.arel[s]*c*1.0001 + mc.under[s] + 0x1p-900
			mg.a[i] = a
			mg.amax = max(mg.amax, a)
			rho := math.Sqrt(max(cn[i]-pn, 0))
			b := 1.01 * (mc.gd4*cn[i] + a*(2*math.Sqrt(pn)+a) + mg.gamma*pn)
			beta := math.Sqrt(b)
			if rho > 0 {
				beta = min(beta, b/rho)
			}
			mg.rho[i] = rho
			mg.beta[i] = 1.0001*beta + 4*u*rho + 0x1p-900
		}
	}
}

// setMargins makes the margins marginRows computed the projection's.
func (pj *projection) setMargins() {
	mg := pj.mcalc.mgs
	pj.coarse, pj.full, pj.mid = mg[0], mg[1], mg[2:]
	pj.mcalc = nil
}

// sumSq4 returns Σ vᵢ² in four interleaved parts (independent
// chains; any order of the sum errs by at most γ_{len} relatively, which
// the margins' γ_{mc+4} covers).
func sumSq4(v []float64) float64 {
	var s0, s1, s2, s3 float64
	for len(v) >= 4 {
		s0 += v[0] * v[0]
		s1 += v[1] * v[1]
		s2 += v[2] * v[2]
		s3 += v[3] * v[3]
		v = v[4:]
	}
	for _, x := range v {
		s0 += x * x
	}
	return (s0 + s1) + (s2 + s3)
}

// centre4 is matrix.centre (the same float32 entries; the squared norm
// summed in four interleaved parts, whose rounding the margins' γ_{d+4}
// covers as well) with top an upper bound on the largest |entry| that is
// exact when above 2²⁰ (√s while s ≤ 2⁴⁰, then every |entry| ≤ √s ≤ 2²⁰;
// else, NaN included, from a second pass): a quarter of the dependent
// additions and no maximum per entry, the bulk of the projection's
// centring on wide rows.
func (m matrix) centre4(p int, mean []float64, scale float64, dst []float32) (s, top float64) {
	if m.m.Elem() == cloud.Float32 {
		return centre4(m.m.Row32(m.index(p)), mean, scale, dst)
	}
	return centre4(m.m.Row64(m.index(p)), mean, scale, dst)
}

func centre4[E real](row []E, mean []float64, scale float64, dst []float32) (s, top float64) {
	mean, dst = mean[:len(row)], dst[:len(row)]
	var s0, s1, s2, s3 float64
	j := 0
	for ; j+4 <= len(row); j += 4 {
		r, m, o := row[j:j+4:j+4], mean[j:j+4:j+4], dst[j:j+4:j+4]
		c0 := (float64(r[0]) - m[0]) * scale
		c1 := (float64(r[1]) - m[1]) * scale
		c2 := (float64(r[2]) - m[2]) * scale
		c3 := (float64(r[3]) - m[3]) * scale
		s0, s1, s2, s3 = s0+c0*c0, s1+c1*c1, s2+c2*c2, s3+c3*c3
		o[0], o[1], o[2], o[3] = float32(c0), float32(c1), float32(c2), float32(c3)
	}
	for ; j < len(row); j++ {
		c := (float64(row[j]) - mean[j]) * scale
		s0 += c * c
		dst[j] = float32(c)
	}
	s = (s0 + s1) + (s2 + s3)
	if s <= 0x1p40 {
		return s, math.Sqrt(s)
	}
	for j, v := range row {
		top = max(top, math.Abs((float64(v)-mean[j])*scale))
	}
	return s, top
}

// centreChunk writes float32((row p − mean)·scale) for features
// [k0, k0 + len(dst)) into dst and adds the squares of the float64 values
// into acc's lanes, as kernel.CentreF32 does (k0 a multiple of 32): after
// a row's last chunk, laneTree(acc) is the squared norm of the centred,
// scaled row, up to γ_d relatively (a sum of d squares in some order).
func (m matrix) centreChunk(p, k0 int, mean []float64, scale float64, dst []float32, acc *[32]float64) {
	k1 := k0 + len(dst)
	if m.m.Elem() == cloud.Float32 {
		kernel.CentreF32(dst, m.m.Row32(m.index(p))[k0:k1], mean[k0:k1], scale, acc)
		return
	}
	row := m.m.Row64(m.index(p))[k0:k1]
	mean = mean[k0:k1]
	for j, v := range row {
		c := (v - mean[j]) * scale
		dst[j] = float32(c)
		acc[j%32] += float64(c * c)
	}
}

// centreTop returns the largest |(row p − mean)·scale| (centre4's top
// where its s exceeds 2⁴⁰).
func (m matrix) centreTop(p int, mean []float64, scale float64) float64 {
	var top float64
	if m.m.Elem() == cloud.Float32 {
		for j, v := range m.m.Row32(m.index(p)) {
			top = max(top, math.Abs((float64(v)-mean[j])*scale))
		}
	} else {
		for j, v := range m.m.Row64(m.index(p)) {
			top = max(top, math.Abs((float64(v)-mean[j])*scale))
		}
	}
	return top
}

// centre64 writes (row p − mean)·scale into dst in float64 and returns its
// squared norm.
func (m matrix) centre64(p int, mean []float64, scale float64, dst []float64) float64 {
	if m.m.Elem() == cloud.Float32 {
		return centre64(m.m.Row32(m.index(p)), mean, scale, dst)
	}
	return centre64(m.m.Row64(m.index(p)), mean, scale, dst)
}

func centre64[E real](row []E, mean []float64, scale float64, dst []float64) float64 {
	var s float64
	mean = mean[:len(row)]
	dst = dst[:len(row)]
	for j, v := range row {
		c := (float64(v) - mean[j]) * scale
		dst[j] = c
		s += c * c
	}
	return s
}

// prunedSearch is the pruned exact search (see the comment at the top of
// this file) under the plan pl; the graph equals bruteForce's.
func prunedSearch(x matrix, k, threads int, pl *prunePlan) *Graph {
	n := x.n()
	spare := pl.spare // this search's own plan: its sample's memory is free
	pl.spare = nil
	c, pr := newPrunedWith(x, k, threads, pl, spare)
	if c == nil {
		return kernelSearch(x, k, threads)
	}
	pj := c.pj
	if c.low {
		c.memo = newMemo(n)
	}
	c.seed(threads)
	near := 0
	if len(pj.midEnds) > 0 {
		near = nearBlocks
	}
	kernel.SymGram32Near(pr.p, threads, near, c.block)
	g := &Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k), Search: SearchPruned}
	var over []int
	for i := range c.rows {
		if c.rows[i].overflow {
			over = append(over, int(pj.orig[i]))
		}
	}
	parallelRowsAcc(n, threads, func(i int, h *TopK, acc *[32]float64) {
		if !c.rows[i].overflow {
			o := int(pj.orig[i])
			c.finish(i, g.Index[o*k:(o+1)*k], g.Dist[o*k:(o+1)*k], h, acc)
		}
	})
	if len(over) > 0 {
		idx, dist := searchQueries(x, k, over, threads)
		for t, i := range over {
			copy(g.Index[i*k:(i+1)*k], idx[t*k:(t+1)*k])
			copy(g.Dist[i*k:(i+1)*k], dist[t*k:(t+1)*k])
		}
	}
	return g
}

// newPruned projects the rows and prepares the coarse coordinates for the
// kernel; nil when either fails (entries too large or not finite).
func newPruned(x matrix, k, threads int, pl *prunePlan) (*pcollector, *prepared) {
	return newPrunedWith(x, k, threads, pl, nil)
}

// newPrunedWith is newPruned with the projection's first block packed into
// spare's memory (project). A spare marks the search's own plan, used once:
// the coordinates then go into the memory of its Q (prunePlan.q, M·d
// float64, no longer read once project has packed it; pool1's 2 MB of
// coordinates, ≈ 500 page faults, 0.8 ms), and the plan's Q is dropped.
func newPrunedWith(x matrix, k, threads int, pl *prunePlan, spare *kernel.Packed) (*pcollector, *prepared) {
	n := x.n()
	var buf []float64
	if spare != nil {
		buf = pl.q[:0]
	}
	pj := project(x, pl, k, threads, buf, spare, true)
	if spare != nil {
		pl.q = nil
	}
	if pj == nil {
		return nil, nil
	}
	// Each row's margins as its coarse coordinates are centred: one pass
	// over the coordinates.
	var packed *kernel.Packed
	pr, ok := prepareCoords(pj.p, pj.mm, pj.m, n, func(centre func(int, []float32)) {
		packed = kernel.PackFunc(n, pj.m, func(i int, dst []float32) {
			pj.marginRows(i, i+1)
			centre(i, dst)
		})
	})
	if !ok {
		return nil, nil
	}
	pj.setMargins()
	pr.p = packed
	return newPcollector(x, pj, pr, k), pr
}

// prepareCoords is prepareWith(…, packBoth) for the n×m matrix of the
// first m of every row's mm coordinates in p (a projection's, by
// position), read in place instead of from a copy: the same mean, scale,
// norms and margins, bit for bit (the same functions on the same values
// in the same order). The packing is pack's: it is handed the centring,
// centre(i, dst), which writes row i's centred, scaled float32 values into
// dst (as prepareWith's packs are handed them) and records the row's norm,
// and must call it once for every row; it is called again when the scale
// changes. The result's p is not set.
func prepareCoords(p []float64, mm, m, n int, pack func(centre func(i int, dst []float32))) (*prepared, bool) {
	row := func(i int) []float64 { return p[i*mm : i*mm+m : i*mm+m] }
	mean := make([]float64, m)
	ns := min(n, 256)
	for t := 0; t < ns; t++ {
		addRow(mean, row(t*n/ns))
	}
	var big float64
	for j := range mean {
		mean[j] /= float64(max(ns, 1))
	}
	for t := 0; t < ns; t++ {
		big = maxDev(row(t*n/ns), mean, big)
	}
	for {
		if math.IsNaN(big) || math.IsInf(big, 0) {
			return nil, false
		}
		scale := scaleFor(big)
		norm := make([]float64, n)
		var over float64
		pack(func(i int, dst []float32) {
			s, top := centreCoords(row(i), mean, scale, dst)
			norm[i] = s
			if !(top <= 0x1p40) {
				over = max(over, top/scale)
			}
		})
		if over != 0 {
			big = over
			continue
		}
		tau, eabs := errMargins(m, scale) // prepareWith's, for m columns
		return &prepared{mean: mean, scale: scale, norm: norm, tau: tau, eabs: eabs}, true
	}
}

// centreCoords is centre for prepareCoords: the same float32 values and
// squared norm s (the same sum, in the same order), with top the largest
// |centred value| only where s > 2⁷⁹, and 0 elsewhere, where every
// |value| ≤ √s·(1 + 2⁻⁵⁰) < 2⁴⁰ (s is the rounded sum of the squares):
// the test top ≤ 2⁴⁰ decides as centre's would, without a maximum per
// value.
func centreCoords(row, mean []float64, scale float64, dst []float32) (s, top float64) {
	mean, dst = mean[:len(row)], dst[:len(row)]
	for j, v := range row {
		c := (v - mean[j]) * scale
		s += c * c
		dst[j] = float32(c)
	}
	if s <= 0x1p79 {
		return s, 0
	}
	for j, v := range row {
		top = max(top, math.Abs((v-mean[j])*scale))
	}
	return s, top
}

// pcollector gathers every row's candidates from blocks of the Gram matrix
// of the projections on the first m coordinates.
type pcollector struct {
	x     matrix
	pj    *projection
	rows  []prow
	leaf  []int32 // seeding leaf of every position: pairs inside a leaf are seeded
	locks []sync.Mutex
	acc   [][32]float64 // partial sums of Dist2, one per lock
	n2, h []float64     // squared norms of the prepared projections, (1 − τ)·n2
	tau   float64
	eabs  float64
	inv2  float64 // 1/(s₂²(1 + γ_{m+4}))
	most  int     // candidates beyond which a row is searched directly
	s22   float64 // s₂²(1 + γ_{m+4})
	k     int
	// the staged bounds' margins by position (stageMargins)
	smg, sinv []float64
	sends     []int
	// thr[i] is threshold(i) for the row bound thrU[i], recomputed only
	// when stale[i]: set (moved) by every exact distance the row's list
	// takes, the only way its bound moves once the search has begun.
	thr, thrU []float64
	stale     []bool
	// over[i] is rows[i].overflow, read by every pair past the Gram's
	// test without the row's state (a cache miss).
	over []bool
	low  bool // float32 rows of at least lowMinD values: exact tests lowerF32 first
	// lowChunks is the order in which lowerF32 sums a pair's chunks
	// (projection.lowChunks); nil: increasing.
	lowChunks []int32
	memo      *pairMemo // pairs' Dist2 or float32 bounds for their other row (exact); nil: none
}

func newPcollector(x matrix, pj *projection, pr *prepared, k int) *pcollector {
	return newPcollectorAt(x, pj, pr, k, 0)
}

// newPcollectorAt is newPcollector with the reduced norms h laid out so
// that h[at] begins a cache line (alignedFloats; 0 ≤ at < n): the Gram
// pass's row tests (kernel.ScanRow32) load h[j0:] eight values at a time
// for blocks of columns j0 = at + t·BlockRows, which are then whole cache
// lines instead of loads split across two. A strip's columns after its
// block start at its block's size (SearchStripPruned); the one search's
// at 0.
func newPcollectorAt(x matrix, pj *projection, pr *prepared, k, at int) *pcollector {
	n := len(pj.orig)
	c := &pcollector{x: x, pj: pj, rows: make([]prow, n), leaf: pj.leaf, n2: pr.norm, tau: pr.tau, eabs: pr.eabs, k: k}
	c.s22 = pr.scale * pr.scale * (1 + pj.coarse.gamma)
	c.low = x.m.Elem() == cloud.Float32 && x.d >= lowMinD
	if c.low && len(pj.lowChunks) == (x.d+kernel.Dist2LowChunk-1)/kernel.Dist2LowChunk {
		c.lowChunks = pj.lowChunks
	}
	// A row with more candidates than about n·costKernel/costExact costs
	// more exactly than through the kernel (searchQueries): where the
	// bound is weak (isotropic data), the search degrades to brute force.
	// A row that overflows costs a re-preparation of all rows for the
	// kernel (searchQueries: n·d centring and packing, shared by the rows
	// that overflow), so small searches keep up to n/8 (at most
	// 4·prunedFloor) and evaluate them in the order of their fine bounds.
	nx := x.n()
	c.most = max(4*k+prunedFloor, nx/64, min(nx/8, 4*prunedFloor))
	c.inv2 = 1 / c.s22
	// Every row's k exact distances in two arrays (one allocation each,
	// not two per row as the lists first grow).
	keys, idxs := make([]float64, n*k), make([]int32, n*k)
	for i := range c.rows {
		r := &c.rows[i]
		r.h = heapK{k: k, key: keys[i*k : i*k : (i+1)*k], idx: idxs[i*k : i*k : (i+1)*k]}
		r.limit = 2*k + 30
	}
	c.locks = make([]sync.Mutex, (n+kernel.BlockRows-1)/kernel.BlockRows)
	c.acc = make([][32]float64, len(c.locks))
	c.h = alignedFloats(n, at)
	for j, v := range pr.norm {
		c.h[j] = (1 - pr.tau) * v
	}
	c.thr, c.thrU, c.stale, c.over = make([]float64, n), make([]float64, n), make([]bool, n), make([]bool, n)
	for i := range c.stale {
		c.stale[i], c.thrU[i] = true, math.NaN()
	}
	if len(pj.midEnds) > 0 {
		c.stageMargins()
	}
	return c
}

// alignedFloats returns n zeros whose element at (0 ≤ at < n) lies at an
// address that is a multiple of 64 bytes.
func alignedFloats(n, at int) []float64 {
	buf := make([]float64, n+7)
	off := (64 - int(uintptr(unsafe.Pointer(&buf[at]))%64)) % 64 / 8
	return buf[off : off+n : off+n]
}

// threshold returns t such that ℓᵢⱼ ≤ bound implies h[j] − 2ĝᵢⱼ ≤ t: with
// T = bound/lowScale, ℓᵢⱼ ≤ bound needs σ ≤ √T, hence
// Aᵢⱼ − eᵢⱼ ≤ s₂²(1 + γ)(√T + aᵢ + aⱼ)²/(1 − 2⁻⁴⁰)²; the margin 2⁻³⁰ covers
// the rounding of this test (it only has to be necessary).
// It is cached per row (thr, thrU): a row's bound changes far less often
// than the blocks ask for its threshold (the square root and division
// were 9 % of the Gram pass of the 20,000 × 768 layer), and the cache is
// checked by the row's flag (stale) rather than by its bound, whose
// reading (the row's state, then its heap) cost two cache misses a call:
// 3 % of the search.
func (c *pcollector) threshold(i int) float64 {
	if !c.stale[i] {
		return c.thr[i]
	}
	c.stale[i] = false
	u := c.rows[i].bound()
	if u == c.thrU[i] {
		return c.thr[i]
	}
	t := c.thresholdAt(i, u)
	c.thr[i], c.thrU[i] = t, u
	return t
}

// thresholdAt is threshold(i) for the row bound u, computed.
func (c *pcollector) thresholdAt(i int, u float64) float64 {
	if math.IsInf(u, 1) {
		return u
	}
	s := math.Sqrt(u/c.pj.lowScale) + c.pj.coarse.a[i] + c.pj.coarse.amax
	return c.s22*s*s*(1+0x1p-30) - c.h[i] + c.eabs + 0x1p-1000
}

// lower returns ℓᵢⱼ from the Gram entry g of the prepared projections.
func (c *pcollector) lower(i, j int, g float64) float64 {
	pj, mg := c.pj, &c.pj.coarse
	a := c.n2[i] + c.n2[j] - 2*g
	e := c.tau*(c.n2[i]+c.n2[j]) + c.eabs
	sp := math.Sqrt(max(a-e, 0)*c.inv2) * (1 - 0x1p-40)
	s := max(sp-mg.a[i]-mg.a[j], 0)
	t := max(math.Abs(mg.rho[i]-mg.rho[j])-mg.beta[i]-mg.beta[j], 0)
	return (s*s + t*t) * pj.lowScale
}

// push offers the pair (i, j) that passed row i's Gram test to row i's
// list and reports whether the row's bound may have moved (the list was
// flushed, or the pair evaluated exactly: the caller's threshold is
// stale). The row's bound is taken from
// the threshold's cache, thrU[i], which every caller has just set
// (threshold(i)) and which only a flush of the row changes: any value at
// least the current bound is a valid one (bounds only decrease), so a
// stale one would cost candidates, never neighbours.
func (c *pcollector) push(i, j int, g float64, s *[32]float64) bool {
	return c.pushShared(i, j, g, s, nil, nil)
}

// stagedRec is the staged bound of a pair as one of its rows computed it
// (lowerStagedGram), for the other row of the pair (block): v is the
// bound on all M coordinates when full, else the bound on a prefix, which
// exceeded the first row's bound. Either is a lower bound on the pair's
// Dist2, the same for both rows (Dist2 is symmetric bit for bit). When
// exact, the first row evaluated the pair (eagerBelow): d is its Dist2,
// which the other row takes instead of a candidate.
type stagedRec struct {
	key   int32 // (i − i0)·BlockRows + (j − j0) in its block
	set   bool
	full  bool
	exact bool
	v, d  float64
}

// eagerBelow: a pair whose staged bound on all M coordinates is below
// eagerBelow times its row's bound is evaluated exactly at once instead of
// joining the row's list (a variable for the tests). Such a pair is almost
// always evaluated in the end (a row's bound in the Gram pass is about
// 1.35 times its final k-th distance, and the bound on 256 of 768
// coordinates a little below the pair's Dist2), and evaluated now it
// tightens the row's bound for the rest of the pass, which then lets
// fewer pairs through: on the 20,000 × 768 layer (k = 2) 0.7 takes the
// staged bounds from 1.96 M to 1.54 M for 2 % more exact distances (0.5:
// 1.84 M, +0.5 %; 0.8: 1.49 M, +9 %; 1: every pair within the bound at
// once, 1.49 M, +85 %). A lower bound below the row's bound is all the
// exactness rests on, so any value gives the same neighbours.
var eagerBelow = 0.7

// nearBlocks is how many block diagonals of the Gram matrix a staged
// search takes before the rest (kernel.SymGram32Near): rows are in the
// seeding tree's order, so the blocks near the diagonal hold most pairs of
// rows near each other, and with eagerBelow their exact distances tighten
// the rows' bounds before the far blocks are tested under them. On the
// 20,000 × 768 layer (k = 2, 105 block rows) the staged bounds fall from
// 1.54 M to 1.40 M (the diagonal first), 1.34 M (2), 1.35 M (4) and 1.38 M
// (8: a block row's band then tests the next rows before their own
// diagonal block); the near blocks taken a diagonal at a time would give
// 1.30 M (4), but the Gram pass took 6 % longer than block row by block
// row (0.493 against 0.463 s, one thread: each block then reads two
// block rows' coordinates anew).
var nearBlocks = 4

// pushShared is push where the pair's staged bound may be known (known,
// from the pair's other row: used instead of computing it, unless it is a
// prefix's bound within this row's bound) or wanted (out: filled with the
// bound computed here). Only the staged search records and reuses.
func (c *pcollector) pushShared(i, j int, g float64, s *[32]float64, known, out *stagedRec) bool {
	if c.over[i] || (c.leaf != nil && c.leaf[i] == c.leaf[j]) {
		return false
	}
	u := c.thrU[i]
	lo, fine := 0.0, len(c.pj.midEnds) > 0
	if fine {
		// Staged: the pair's fine bound straight away, unless a prefix
		// rules it out first.
		var full, exact bool
		var d2 float64
		if known != nil {
			lo, full = known.v, known.full
			exact, d2 = known.exact, known.d
			if !full && lo <= u {
				lo, full = c.lowerStagedGram(i, j, g, u)
			}
		} else {
			lo, full = c.lowerStagedGram(i, j, g, u)
			if out != nil {
				*out = stagedRec{set: true, full: full, v: lo}
			}
		}
		if !full || lo > u {
			return false
		}
		// Evaluated exactly now (eagerBelow), or already by the pair's
		// other row (the same Dist2 bit for bit).
		if exact || lo < eagerBelow*u {
			o := c.pj.orig
			if !exact {
				d2 = c.x.dist2With(int(o[i]), int(o[j]), s)
				if out != nil {
					out.exact, out.d = true, d2
				}
			}
			c.rows[i].h.Push(d2, o[j])
			c.stale[i] = true
			return true
		}
	} else if lo = c.lower(i, j, g); lo > u {
		return false
	}
	r := &c.rows[i]
	r.cand = append(r.cand, pcand{lo: lo, j: int32(j), fine: fine})
	if len(r.cand) >= r.limit {
		c.flush(i, s)
		return true
	}
	return false
}

// stagedRecHook, when set (tests), sees every record before the column
// phase uses it.
var stagedRecHook func(*stagedRec)

// stagedRecs holds the records of one block's row phase for its column
// phase (block), reused across blocks.
var stagedRecs = sync.Pool{New: func() any { return new([]stagedRec) }}

// block takes a block of the Gram matrix of the prepared projections, as
// collector.block does, its entries in float32 (SymGram32, Cross32: the
// float32 sums of m ≤ MaxPruningDims ≤ kernel.FlushEvery coordinates, the
// values SymGram would hand in float64, without their conversion).
func (c *pcollector) block(_, i0, i1, j0, j1 int, g []float32, ld int) {
	h := c.h
	// Off the diagonal, a pair both of whose rows pass their Gram test
	// has its staged bound computed once (on the 20,000 × 768 layer a
	// quarter of the pairs past the test): the row phase records what it
	// computed, in the order of the pairs (row, then column), which is the
	// order the column phase meets them in.
	var recs *[]stagedRec
	if j0 != i0 && len(c.pj.midEnds) > 0 {
		recs = stagedRecs.Get().(*[]stagedRec)
		*recs = (*recs)[:0]
		defer stagedRecs.Put(recs)
	}
	c.locks[i0/kernel.BlockRows].Lock()
	s := &c.acc[i0/kernel.BlockRows]
	for i := i0; i < i1; i++ {
		gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
		hj := h[j0:j1]
		hj = hj[:len(gi)]
		t := c.threshold(i)
		for jj := kernel.ScanRow32(gi, hj, t, 0); jj < len(gi); jj = kernel.ScanRow32(gi, hj, t, jj+1) {
			if j0+jj == i {
				continue
			}
			var rec stagedRec
			out := &rec
			if recs == nil {
				out = nil
			}
			if c.pushShared(i, j0+jj, float64(gi[jj]), s, nil, out) {
				t = c.threshold(i)
			}
			if rec.set {
				rec.key = int32((i-i0)*kernel.BlockRows + jj)
				*recs = append(*recs, rec)
			}
		}
	}
	c.locks[i0/kernel.BlockRows].Unlock()
	if j0 == i0 {
		return
	}
	// The columns' rows lock: [j0, j1) spans two lock blocks when j0 is
	// not a multiple of BlockRows (a strip's later rows); both are taken,
	// in increasing order, with no other lock held.
	l0, l1 := j0/kernel.BlockRows, (j1-1)/kernel.BlockRows
	c.locks[l0].Lock()
	if l1 != l0 {
		c.locks[l1].Lock()
		defer c.locks[l1].Unlock()
	}
	s = &c.acc[l0]
	var tcol [kernel.BlockRows]float64
	tc := tcol[:j1-j0]
	for jj := range tc {
		tc[jj] = c.threshold(j0 + jj)
	}
	var rs []stagedRec
	if recs != nil {
		rs = *recs
	}
	for i := i0; i < i1; i++ {
		gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
		gi = gi[:len(tc)]
		hv := h[i]
		for jj := kernel.ScanCol32(gi, hv, tc, 0); jj < len(gi); jj = kernel.ScanCol32(gi, hv, tc, jj+1) {
			key := int32((i-i0)*kernel.BlockRows + jj)
			for len(rs) > 0 && rs[0].key < key {
				rs = rs[1:]
			}
			var known *stagedRec
			if len(rs) > 0 && rs[0].key == key {
				known = &rs[0]
				if stagedRecHook != nil {
					stagedRecHook(known)
				}
			}
			if c.pushShared(j0+jj, i, float64(gi[jj]), s, known, nil) {
				tc[jj] = c.threshold(j0 + jj)
			}
		}
	}
	c.locks[l0].Unlock()
}
