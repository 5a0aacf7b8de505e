package knn

import (
	"cmp"
	"math"
	"slices"
	"sync"

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
// The m-dimensional bound costs 2·n²·m kernel flops instead of 2·n²·d. Every
// row keeps the k smallest exact distances found so far (a bound Uᵢ on its
// k-th) and the candidates whose lower bound is ≤ Uᵢ; when the list grows,
// the candidates of smallest bound are evaluated exactly, which tightens Uᵢ.
// At the end the rest are evaluated in increasing order of their bound
// until the bound exceeds the k-th distance. The exact distances are those
// of bruteForce (matrix.dist2, i.e. Dist2 or Dist2F32 from the original
// rows) and ties are ordered by index by the same TopK, so the graph is
// bruteForce's bit for bit, whatever the thread count.
//
// Floating-point margin. Let c̃ᵢ be the exact centred, scaled rows and Q*
// the exactly orthonormal matrix nearest to the computed Q (its polar
// factor): ‖Q − Q*‖₂ ≤ εQ, where εQ = ‖QQᵀ − I‖_F (computed, plus its own
// rounding m·γ_d) bounds it, since Q's singular values lie in
// [√(1−εQ), √(1+εQ)]. The bound is applied with Q* (any orthonormal
// matrix gives a valid one), so each computed quantity carries a margin:
//
//   - projections p̂ᵢ = fl(Q·cᵢ) by Dots64 (float64 dot products,
//     |error| ≤ γ_d·Σ|qc| ≤ γ_d‖cᵢ‖ per coordinate, γ_d = d·u/(1 − d·u),
//     u = 2⁻⁵³) and the centring (relative u per entry):
//     ‖p̂ᵢ − Q*c̃ᵢ‖ ≤ aᵢ = 1.01·(√m·γ_d + εQ + 2u)·‖cᵢ‖ + 2⁻⁹⁰⁰;
//   - residual norms: |ρ̂ᵢ² − ρᵢ²| ≤ bᵢ = 1.01·(γ_{d+4}‖cᵢ‖² + aᵢ(2‖p̂ᵢ‖ + aᵢ)
//     + γ_{m+4}‖p̂ᵢ‖²), so |ρ̂ᵢ − ρᵢ| ≤ βᵢ = min(√bᵢ, bᵢ/ρ̂ᵢ) + 4u·ρ̂ᵢ
//     (|ρ̂ − ρ| = |ρ̂² − ρ²|/(ρ̂ + ρ));
//   - the m-dimensional distances come from the float32 kernel exactly as
//     in kernelSearch: Aᵢⱼ − eᵢⱼ ≤ s₂²·Dist2(p̂ᵢ, p̂ⱼ) ≤ s₂²(1 + γ_{m+4})‖p̂ᵢ − p̂ⱼ‖²;
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
// ever skipped. The margins are relative (≈ 10⁻¹² of the norms for
// d = 10⁴) and cost no measurable pruning.

// prunedFloor is the least number of candidates, beyond 4k, a row may
// keep before it is searched directly (a variable for the tests).
var prunedFloor = 64

// prow is one row's state during the pruned search.
type prow struct {
	h        TopK    // the k smallest exact squared distances found so far
	cand     []pcand // candidates not evaluated yet, lower bound ≤ bound()
	limit    int     // evaluate some when len(cand) reaches it
	overflow bool    // too many candidates (ties): searched directly
}

type pcand struct {
	lo float64
	j  int32
}

func (r *prow) bound() float64 {
	if r.h.Len() < r.h.k {
		return math.Inf(1)
	}
	return r.h.Worst()
}

// flush drops the candidates above the bound and evaluates exactly the
// smallest k of the rest, which tightens the bound. A row left with more
// than limit candidates overflows.
func (r *prow) flush(x matrix, i, k, limit int) {
	r.filter()
	slices.SortFunc(r.cand, func(a, b pcand) int {
		return cmp.Or(cmp.Compare(a.lo, b.lo), cmp.Compare(a.j, b.j))
	})
	e := min(len(r.cand), k)
	for _, c := range r.cand[:e] {
		r.h.Push(x.dist2(i, int(c.j)), c.j)
	}
	r.cand = r.cand[:copy(r.cand, r.cand[e:])]
	r.filter()
	if len(r.cand) > limit {
		r.overflow = true
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

// finish evaluates the remaining candidates in increasing order of their
// lower bound until it exceeds the k-th distance, and writes the k nearest.
func (r *prow) finish(x matrix, i, k int, idx []int32, dist []float64) {
	slices.SortFunc(r.cand, func(a, b pcand) int {
		return cmp.Or(cmp.Compare(a.lo, b.lo), cmp.Compare(a.j, b.j))
	})
	for _, c := range r.cand {
		if c.lo > r.bound() {
			break
		}
		r.h.Push(x.dist2(i, int(c.j)), c.j)
	}
	if r.h.Len() != k {
		panic("knn: pruned candidate set smaller than k")
	}
	r.h.Sorted(idx, dist)
	for t := range dist {
		dist[t] = math.Sqrt(dist[t])
	}
	*r = prow{}
}

// projection is the rows of a matrix split into m principal coordinates and
// the norm of the residual, with the margins of the bound.
type projection struct {
	m        int
	p        []float64 // n×m coordinates p̂ᵢ
	rho      []float64 // residual norms ρ̂ᵢ
	a, beta  []float64 // margins aᵢ, βᵢ
	amax     float64
	scale    float64 // s, the power of two of the centring
	gammaD   float64 // γ_{d+8}
	gammaM   float64 // γ_{m+4}
	lowScale float64 // (1 − γ_{d+8})(1 − 2⁻⁴⁰)/s²
}

// gamma returns γ_n = n·u/(1 − n·u), u = 2⁻⁵³.
func gamma(n int) float64 {
	nu := float64(n) * 0x1p-53
	return nu / (1 - nu)
}

// project computes the coordinates of every row of x on the rows of the
// plan's Q and their margins, a block of rows per task.
func project(x matrix, pl *prunePlan, threads int) *projection {
	n, d, m := x.n(), x.d, pl.m
	pr := &projection{m: m, p: make([]float64, n*m), rho: make([]float64, n), a: make([]float64, n),
		beta: make([]float64, n), scale: pl.scale, gammaD: gamma(d + 8), gammaM: gamma(m + 4)}
	pr.lowScale = (1 - pr.gammaD) * (1 - 0x1p-40) / (pl.scale * pl.scale)
	q := kernel.PackRight64(pl.q[:m*d], m, d)
	const rows = 96
	blocks := (n + rows - 1) / rows
	cn := make([]float64, n)
	parallelRows(blocks, threads, func(b int, _ *TopK) {
		i0, i1 := b*rows, min(b*rows+rows, n)
		buf := make([]float64, (i1-i0)*d)
		for i := i0; i < i1; i++ {
			cn[i] = x.centre64(i, pl.mean, pl.scale, buf[(i-i0)*d:(i-i0+1)*d])
		}
		kernel.Dots64(pr.p[i0*m:i1*m], buf, i1-i0, q, 1)
	})
	u := 0x1p-53
	arel := 1.01 * (math.Sqrt(float64(m))*gamma(d) + pl.epsQ + 2*u)
	gd4, gm4 := gamma(d+4), gamma(m+4)
	for i := 0; i < n; i++ {
		var pn float64
		for _, v := range pr.p[i*m : (i+1)*m] {
			pn += v * v
		}
		c := math.Sqrt(cn[i])
		a := arel*c*1.0001 + 0x1p-900
		pr.a[i] = a
		pr.amax = max(pr.amax, a)
		r2 := cn[i] - pn
		rho := math.Sqrt(max(r2, 0))
		b := 1.01 * (gd4*cn[i] + a*(2*math.Sqrt(pn)+a) + gm4*pn)
		beta := math.Sqrt(b)
		if rho > 0 {
			beta = min(beta, b/rho)
		}
		pr.rho[i] = rho
		pr.beta[i] = 1.0001*beta + 4*u*rho + 0x1p-900
	}
	return pr
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
	pj := project(x, pl, threads)
	pm := cloud.Must64(pj.p, n, pj.m)
	pr, ok := prepareWith(view(pm), packBoth)
	if !ok {
		return kernelSearch(x, k, threads)
	}
	c := newPcollector(x, pj, pr, k)
	c.leaf = leaves(pj, n, k)
	c.seed(threads)
	kernel.SymGram(pr.p, threads, c.block)
	g := &Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k), Search: SearchPruned}
	var over []int
	for i := range c.rows {
		if c.rows[i].overflow {
			over = append(over, i)
		}
	}
	parallelRows(n, threads, func(i int, _ *TopK) {
		if !c.rows[i].overflow {
			c.rows[i].finish(x, i, k, g.Index[i*k:(i+1)*k], g.Dist[i*k:(i+1)*k])
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

// pcollector gathers every row's candidates from blocks of the Gram matrix
// of the projections.
type pcollector struct {
	x     matrix
	pj    *projection
	rows  []prow
	leaf  []int32 // seeding leaf of every row: pairs inside a leaf are seeded
	locks []sync.Mutex
	n2, h []float64 // squared norms of the prepared projections, (1 − τ)·n2
	tau   float64
	eabs  float64
	inv2  float64 // 1/(s₂²(1 + γ_{m+4}))
	most  int     // candidates beyond which a row is searched directly
	s22   float64 // s₂²(1 + γ_{m+4})
	k     int
}

func newPcollector(x matrix, pj *projection, pr *prepared, k int) *pcollector {
	n := x.n()
	c := &pcollector{x: x, pj: pj, rows: make([]prow, n), n2: pr.norm, tau: pr.tau, eabs: pr.eabs, k: k}
	c.s22 = pr.scale * pr.scale * (1 + pj.gammaM)
	// A row with more candidates than about n·costKernel/costExact costs
	// more exactly than through the kernel (searchQueries): where the
	// bound is weak (isotropic data), the search degrades to brute force.
	c.most = max(4*k+prunedFloor, n/64)
	c.inv2 = 1 / c.s22
	for i := range c.rows {
		c.rows[i].h.Reset(k)
		c.rows[i].limit = 2*k + 30
	}
	c.locks = make([]sync.Mutex, (n+kernel.BlockRows-1)/kernel.BlockRows)
	c.h = make([]float64, n)
	for j, v := range pr.norm {
		c.h[j] = (1 - pr.tau) * v
	}
	return c
}

// threshold returns t such that ℓᵢⱼ ≤ bound implies h[j] − 2ĝᵢⱼ ≤ t: with
// T = bound/lowScale, ℓᵢⱼ ≤ bound needs σ ≤ √T, hence
// Aᵢⱼ − eᵢⱼ ≤ s₂²(1 + γ)(√T + aᵢ + aⱼ)²/(1 − 2⁻⁴⁰)²; the margin 2⁻³⁰ covers
// the rounding of this test (it only has to be necessary).
func (c *pcollector) threshold(i int) float64 {
	u := c.rows[i].bound()
	if math.IsInf(u, 1) {
		return u
	}
	s := math.Sqrt(u/c.pj.lowScale) + c.pj.a[i] + c.pj.amax
	return c.s22*s*s*(1+0x1p-30) - c.h[i] + c.eabs + 0x1p-1000
}

// lower returns ℓᵢⱼ from the Gram entry g of the prepared projections.
func (c *pcollector) lower(i, j int, g float64) float64 {
	pj := c.pj
	a := c.n2[i] + c.n2[j] - 2*g
	e := c.tau*(c.n2[i]+c.n2[j]) + c.eabs
	sp := math.Sqrt(max(a-e, 0)*c.inv2) * (1 - 0x1p-40)
	s := max(sp-pj.a[i]-pj.a[j], 0)
	t := max(math.Abs(pj.rho[i]-pj.rho[j])-pj.beta[i]-pj.beta[j], 0)
	return (s*s + t*t) * pj.lowScale
}

func (c *pcollector) push(i, j int, g float64) {
	r := &c.rows[i]
	if r.overflow || c.leaf[i] == c.leaf[j] {
		return
	}
	lo := c.lower(i, j, g)
	if lo <= r.bound() {
		r.cand = append(r.cand, pcand{lo: lo, j: int32(j)})
		if len(r.cand) >= r.limit {
			r.flush(c.x, i, c.k, c.most)
		}
	}
}

// block takes a block of the Gram matrix of the prepared projections, as
// collector.block does.
func (c *pcollector) block(_, i0, i1, j0, j1 int, g []float64, ld int) {
	h := c.h
	c.locks[i0/kernel.BlockRows].Lock()
	for i := i0; i < i1; i++ {
		gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
		hj := h[j0:j1]
		hj = hj[:len(gi)]
		t := c.threshold(i)
		for jj, v := range gi {
			if hj[jj]-2*v <= t && j0+jj != i {
				c.push(i, j0+jj, v)
				t = c.threshold(i)
			}
		}
	}
	c.locks[i0/kernel.BlockRows].Unlock()
	if j0 == i0 {
		return
	}
	c.locks[j0/kernel.BlockRows].Lock()
	var tcol [kernel.BlockRows]float64
	tc := tcol[:j1-j0]
	for jj := range tc {
		tc[jj] = c.threshold(j0 + jj)
	}
	for i := i0; i < i1; i++ {
		gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
		gi = gi[:len(tc)]
		hv := h[i]
		for jj, v := range gi {
			if hv-2*v <= tc[jj] {
				c.push(j0+jj, i, v)
				tc[jj] = c.threshold(j0 + jj)
			}
		}
	}
	c.locks[j0/kernel.BlockRows].Unlock()
}
