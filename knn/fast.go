package knn

import (
	"math"
	"sync"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// kernelSearch is the default search strategy: candidates are ranked with
// the float32 kernel (internal/kernel) and then re-ranked exactly.
//
// Rows are centred (distances do not change) and scaled by a power of two
// into [−1, 1], rounded to float32, and the Gram matrix G is computed by the
// kernel, each symmetric block once. With nᵢ the float64 squared norms of the
// centred, scaled rows, the approximate squared distance
// aᵢⱼ = nᵢ + nⱼ − 2ĝᵢⱼ is within eᵢⱼ = τ·(nᵢ + nⱼ) + ε of the value that
// Dist2 returns (τ = kernel.Tau(d) plus the float64 rounding of Dist2 and
// of the centring; ε covers float32 underflow). For row i let Uᵢ be the k-th
// smallest upper bound aᵢⱼ + eᵢⱼ: k rows lie within Uᵢ, so every one of the
// true k nearest satisfies aᵢⱼ − eᵢⱼ ≤ Uᵢ. Those candidates are kept, their
// distances recomputed with Dist2 from the original rows, and the k smallest
// taken with ties broken by index: the result equals bruteForce exactly,
// whatever the thread count. A row whose candidate list grows past
// maxCandidates (many rows at the same distance) is searched directly.
// Up to rowStripMaxRows rows with seeded bounds, rowStripSearch does the
// same a strip of rows at a time (rowstrip.go).
func kernelSearch(x matrix, k, threads int) *Graph {
	n, d := x.n(), x.d
	if d == 0 {
		return bruteForce(x, k, threads) // every distance is 0
	}
	blocked := int64(n)*int64(d)*8 > packLimit && n > 2*blockRows(d)
	mode := packBoth
	if blocked {
		mode = packNone
	}
	pr, ok := prepareWith(x, mode)
	if !ok {
		return bruteForce(x, k, threads)
	}
	if !blocked && d <= kernel.FlushEvery && n <= rowStripMaxRows {
		if gs := gramSeedWidth(n, k); gs > 0 {
			return rowStripSearch(x, pr, k, gs, threads)
		}
	}
	var rows []rowCands
	if blocked {
		rows = collectBlocked(x, pr, k, threads)
	} else {
		rows = collect(pr, n, d, k, threads)
	}
	return refine(x, k, rows, threads)
}

// prepared is a matrix centred, scaled and packed for the kernel.
type prepared struct {
	p     *kernel.Packed
	mean  []float64 // column means
	scale float64   // power of two applied after centring
	norm  []float64 // squared norms of the centred, scaled float64 rows
	tau   float64   // relative error bound
	eabs  float64   // absolute error bound (float32 underflow)
}

// matrix is a view of rows of a cloud.Matrix (float32 or float64): row p
// is row rows[p] of m, or row p when rows is nil.
type matrix struct {
	m    *cloud.Matrix
	d    int
	rows []int
}

func view(m *cloud.Matrix) matrix { return matrix{m: m, d: m.D()} }

func (m matrix) n() int {
	if m.rows == nil {
		return m.m.N()
	}
	return len(m.rows)
}

func (m matrix) index(p int) int {
	if m.rows != nil {
		return m.rows[p]
	}
	return p
}

// dist2 returns Dist2 of rows p and q, from the rows in their own type
// (float32 rows are widened exactly: the value is the same).
func (m matrix) dist2(p, q int) float64 {
	p, q = m.index(p), m.index(q)
	if m.m.Elem() == cloud.Float32 {
		return kernel.Dist2F32(m.m.Row32(p), m.m.Row32(q))
	}
	return kernel.Dist2(m.m.Row64(p), m.m.Row64(q))
}

// addRow adds row p to acc.
func (m matrix) addRow(acc []float64, p int) {
	if m.m.Elem() == cloud.Float32 {
		addRow(acc, m.m.Row32(m.index(p)))
	} else {
		addRow(acc, m.m.Row64(m.index(p)))
	}
}

// addRowRange adds row p to acc and lowers lo[j], raises hi[j] to its
// values (a NaN is in acc only).
func (m matrix) addRowRange(acc, lo, hi []float64, p int) {
	if m.m.Elem() == cloud.Float32 {
		addRowRange(acc, lo, hi, m.m.Row32(m.index(p)))
	} else {
		addRowRange(acc, lo, hi, m.m.Row64(m.index(p)))
	}
}

func addRowRange[E real](acc, lo, hi []float64, row []E) {
	acc, lo, hi = acc[:len(row)], lo[:len(row)], hi[:len(row)]
	for j, v := range row {
		f := float64(v)
		acc[j] += f
		if f < lo[j] {
			lo[j] = f
		}
		if f > hi[j] {
			hi[j] = f
		}
	}
}

// maxDev returns max(big, maxⱼ |row p[j] − mean[j]|).
func (m matrix) maxDev(p int, mean []float64, big float64) float64 {
	if m.m.Elem() == cloud.Float32 {
		return maxDev(m.m.Row32(m.index(p)), mean, big)
	}
	return maxDev(m.m.Row64(m.index(p)), mean, big)
}

// centre writes float32((row p − mean)·scale) into dst and returns the
// float64 squared norm of the centred, scaled row and its largest entry.
func (m matrix) centre(p int, mean []float64, scale float64, dst []float32) (s, top float64) {
	if m.m.Elem() == cloud.Float32 {
		return centre(m.m.Row32(m.index(p)), mean, scale, dst)
	}
	return centre(m.m.Row64(m.index(p)), mean, scale, dst)
}

// centreTo writes float32((row p − mean)·scale) into dst, as centre does,
// without the norm.
func (m matrix) centreTo(p int, mean []float64, scale float64, dst []float32) {
	if m.m.Elem() == cloud.Float32 {
		centreTo(m.m.Row32(m.index(p)), mean, scale, dst)
	} else {
		centreTo(m.m.Row64(m.index(p)), mean, scale, dst)
	}
}

func centreTo[E real](row []E, mean []float64, scale float64, dst []float32) {
	mean = mean[:len(row)]
	dst = dst[:len(row)]
	for j, v := range row {
		dst[j] = float32((float64(v) - mean[j]) * scale)
	}
}

type real interface{ ~float32 | ~float64 }

func addRow[E real](acc []float64, row []E) {
	for j, v := range row {
		acc[j] += float64(v)
	}
}

func maxDev[E real](row []E, mean []float64, big float64) float64 {
	// Four independent maxima (max is associative and commutative, NaN
	// included: the result is the one chain's), at 1.7 times its pace.
	mean = mean[:len(row)]
	b0, b1, b2, b3 := big, big, big, big
	j := 0
	for ; j+4 <= len(row); j += 4 {
		r, m := row[j:j+4:j+4], mean[j:j+4:j+4]
		b0 = max(b0, math.Abs(float64(r[0])-m[0]))
		b1 = max(b1, math.Abs(float64(r[1])-m[1]))
		b2 = max(b2, math.Abs(float64(r[2])-m[2]))
		b3 = max(b3, math.Abs(float64(r[3])-m[3]))
	}
	for ; j < len(row); j++ {
		b0 = max(b0, math.Abs(float64(row[j])-mean[j]))
	}
	return max(b0, b1, b2, b3)
}

func centre[E real](row []E, mean []float64, scale float64, dst []float32) (s, top float64) {
	for j, v := range row {
		c := (float64(v) - mean[j]) * scale
		s += c * c
		top = max(top, math.Abs(c))
		dst[j] = float32(c)
	}
	return s, top
}

// prepareWith centres the rows of m on the mean of a sample of at most 256
// of them (any centre is valid: it only has to be the same for every row,
// and a good one keeps norms, hence the error bound, small), scales them by
// a power of two, and packs them in one pass: both layouts (packBoth), the
// right-hand layout only (packRight, enough for the "all rows" side of
// kernel.Cross), or none (packNone: the norms only, for collectBlocked). If a
// scaled entry exceeds 2⁴⁰ (the sample missed the spread) the scale is
// recomputed from that entry and the pass repeated; ok is false for NaN or
// infinite entries.
func prepareWith(m matrix, mode packMode) (pr *prepared, ok bool) {
	n, d := m.n(), m.d
	mean := make([]float64, d)
	ns := min(n, 256)
	for t := 0; t < ns; t++ {
		m.addRow(mean, t*n/ns)
	}
	var big float64
	for j := range mean {
		mean[j] /= float64(max(ns, 1))
	}
	for t := 0; t < ns; t++ {
		big = m.maxDev(t*n/ns, mean, big)
	}
	pack := kernel.PackFunc
	switch mode {
	case packRight:
		pack = kernel.PackRightFunc
	case packNone:
		pack = func(n, d int, row func(int, []float32)) *kernel.Packed {
			dst := make([]float32, d)
			for i := 0; i < n; i++ {
				row(i, dst)
			}
			return nil
		}
	}
	for {
		if math.IsNaN(big) || math.IsInf(big, 0) {
			return nil, false
		}
		scale := scaleFor(big)
		norm := make([]float64, n)
		var over float64 // largest |centred value| beyond the range, or NaN
		p := pack(n, d, func(i int, dst []float32) {
			s, top := m.centre(i, mean, scale, dst)
			norm[i] = s
			if !(top <= 0x1p40) {
				over = max(over, top/scale)
			}
		})
		if over != 0 {
			big = over
			continue
		}
		tau, eabs := errMargins(d, scale)
		return &prepared{p: p, mean: mean, scale: scale, norm: norm, tau: tau, eabs: eabs}, true
	}
}

// scaleFor is the power of two prepareWith and prepareCoords scale the
// centred entries by, for the largest |centred entry| big: 2⁻ᵉ with
// big = f·2ᵉ, f in [0.5, 1), so scaled entries are below 1; 1 for big = 0.
func scaleFor(big float64) float64 {
	if big > 0 {
		_, e := math.Frexp(big) // big = f·2^e, f in [0.5, 1)
		return math.Ldexp(1, -e)
	}
	return 1
}

// errMargins returns the error margins of prepared for d columns and scale:
// Dist2 and the centring each err by at most (d+2)·2⁻⁵³ relative to
// nᵢ + nⱼ (‖xᵢ − xⱼ‖² ≤ 2(nᵢ + nⱼ)); the Gram entry by Tau(d); entries
// below 2⁻¹²⁶ lose up to 2⁻¹⁴⁹ each (with |c| ≤ 2⁴⁰), so
//
//	tau = 2·Tau(d) + (4d + 16)·2⁻⁵².
//
// Dist2 of rows of tiny entries underflows: each of its 2d roundings errs
// by up to 2⁻¹⁰⁷⁵ absolute, (d + 1)·2⁻¹⁰⁷⁴·scale² in scaled units (capped
// where every pair is a candidate anyway):
//
//	eabs = (4d + 4)·2⁻¹⁰⁰ + min((d + 1)·2⁻¹⁰⁷⁴·scale·scale, 8d + 8).
func errMargins(d int, scale float64) (tau, eabs float64) {
	tau = 2*kernel.Tau(d) + float64(4*d+16)*0x1p-52
	eabs = float64(4*d+4)*0x1p-100 + min(float64(d+1)*math.Ldexp(scale, -1074)*scale, float64(8*d+8))
	return tau, eabs
}

// candidateFloor is the smallest cap on a row's candidate list (a variable
// so that tests can exercise the overflow path).
var candidateFloor = 4096

// maxCandidates bounds a row's candidate list; rows beyond it are searched
// directly.
func maxCandidates(k int) int { return max(candidateFloor, 64*k) }

// rowCands holds the candidates of one row. Its bound is the k-th smallest
// upper bound aᵢⱼ + eᵢⱼ (rounded up to float32) among the candidates at the
// last prune, +Inf before the first: a valid but possibly stale bound on
// the k-th smallest upper bound Uᵢ of every row offered so far, since later
// offers can only lower the latter. Offering a candidate is then an append
// and a compare; the bound is brought up to date, by a selection, only when
// the list reaches its limit, and once more before refinement (prune).
type rowCands struct {
	c        []cand  // candidates j with their bounds
	u        float64 // the bound (+Inf before the first prune)
	k        int     // neighbours wanted
	limit    int     // prune when len(c) reaches it
	overflow bool    // too many candidates: search directly
}

// cand is a candidate row j with bounds lo ≤ Dist2 ≤ up (in the prepared
// units; up rounded up to float32, which can only loosen the bound).
type cand struct {
	lo float64
	up float32
	j  int32
}

// init readies r for k neighbours, pruning first at limit candidates, with
// room for them in buf (nil: allocated as the list grows).
func (r *rowCands) init(k, limit int, buf []cand) {
	*r = rowCands{c: buf[:0], u: math.Inf(1), k: k, limit: limit}
}

func (r *rowCands) bound() float64 { return r.u }

// add records j with lower and upper bounds lo ≤ up, given lo ≤ bound();
// sc is the scratch of prune's selection (nil for a fresh one), which rows
// that are never pruned at the same time may share.
func (r *rowCands) add(j int32, lo, up float64, k int, sc *[]float32) {
	r.c = append(r.c, cand{lo: lo, up: roundUp32(up), j: j})
	if len(r.c) >= r.limit {
		r.prune(sc)
		if len(r.c) > maxCandidates(k) {
			r.overflow = true
			r.c = nil
			return
		}
		r.limit = max(r.limit, 2*len(r.c))
	}
}

// roundUp32 returns a float32 ≥ x, within 2⁻²¹|x| + 2⁻¹³⁹ of x: rounding
// x + |x|·2⁻²² + 2⁻¹⁴⁰ to the nearest float32 errs by at most 2⁻²⁴
// relative, or 2⁻¹⁵⁰ absolute below 2⁻¹²⁶, less than what was added. No
// branch: half of the roundings go up.
func roundUp32(x float64) float32 {
	return float32(x + math.Abs(x)*0x1p-22 + 0x1p-140)
}

// prune lowers the bound to the k-th smallest upper bound held (when k are
// held) and drops the candidates whose lower bound exceeds it. Every row
// dropped now or never added has a lower bound, hence an upper bound, above
// the bound, so the bound stays ≥ Uᵢ (it equals Uᵢ rounded up to float32
// just after a prune) and the list keeps every row with aᵢⱼ − eᵢⱼ ≤ Uᵢ,
// the true k nearest among them.
func (r *rowCands) prune(sc *[]float32) {
	if len(r.c) >= r.k && r.k > 0 {
		r.u = min(r.u, float64(kthUp(r.c, r.k, sc)))
	}
	u := r.bound()
	m := 0
	c := r.c
	for _, e := range c {
		c[m] = e
		m += b2i(e.lo <= u)
	}
	r.c = c[:m]
}

// kthUp returns the k-th smallest up of c (1 ≤ k ≤ len(c)), selected from
// a copy of the values in *sc (grown as needed; nil for a fresh one).
func kthUp(c []cand, k int, sc *[]float32) float32 {
	if sc == nil {
		sc = new([]float32)
	}
	if cap(*sc) < len(c) {
		*sc = make([]float32, 2*len(c))
	}
	v := (*sc)[:len(c)]
	for t, e := range c {
		v[t] = e.up
	}
	return kthSmallest(v, k)
}

// kthSmallest returns the k-th smallest of v (1 ≤ k ≤ len(v), no NaN),
// reordering v: Hoare's selection with median-of-three pivots and a
// branch-free (Lomuto) partition, whose cost does not depend on how well
// branches are predicted.
func kthSmallest[F float32 | float64](v []F, k int) F {
	lo, hi, want := 0, len(v), k-1 // v[lo:hi] holds the wanted rank
	for hi-lo > 16 {
		m := lo + (hi-lo)/2
		a, b, c := v[lo], v[m], v[hi-1]
		pv := max(min(a, b), min(max(a, b), c)) // the median of a, b, c
		// Partition v[lo:hi] into v[lo:i] < pv ≤ v[i:hi].
		i := lo
		w := v[lo:hi]
		for j, x := range w {
			w[j] = w[i-lo]
			w[i-lo] = x
			i += b2i(x < pv)
		}
		if want < i {
			hi = i
			continue
		}
		if i > lo {
			lo = i
			continue
		}
		// v[lo:hi] ≥ pv, one of them equal: move those equal to the front.
		e := lo
		for j, x := range w {
			w[j] = w[e-lo]
			w[e-lo] = x
			e += b2i(x == pv)
		}
		if want < e {
			return pv
		}
		lo = e
	}
	w := v[lo:hi]
	for i := 1; i < len(w); i++ {
		x := w[i]
		j := i
		for j > 0 && x < w[j-1] {
			w[j] = w[j-1]
			j--
		}
		w[j] = x
	}
	return v[want]
}

// b2i is 1 for true, 0 for false (compiled without a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// collect runs the kernel over all symmetric blocks and returns every row's
// candidates.
//
// With at most kernel.FlushEvery features the kernel's float32 sums are
// the Gram entries themselves (SymGram32 hands them unrounded), and the
// blocks are scanned in float32 by block32: the same entries, the same
// tests.
func collect(pr *prepared, n, d, k, threads int) []rowCands {
	if d <= kernel.FlushEvery {
		gs := gramSeedWidth(n, k)
		lim := 2*k + 30
		if gs > 0 {
			// Seeded rows hold about k + k·gs·k/n candidates: room for
			// k + 24 before the first prune (a smaller arena to clear).
			lim = k + 24
		}
		c := newCollectorLim(pr, n, k, lim)
		if gs > 0 {
			gramSeeds(pr, c, n, k, gs, threads)
		}
		kernel.SymGram32(pr.p, threads, func(_, i0, i1, j0, j1 int, g []float32, ld int) {
			c.block32(i0, i1, j0, j1, g, ld)
		})
		return c.rows
	}
	c := newCollector(pr, n, k)
	kernel.SymGram(pr.p, threads, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
		c.block(i0, i1, j0, j1, g, ld)
	})
	return c.rows
}

// packMode selects what prepareWith packs.
type packMode int

const (
	packBoth  packMode = iota // both layouts (SymGram)
	packRight                 // the right-hand layout (Cross's y)
	packNone                  // nothing: norms and scale only
)

// packLimit is the size in bytes of a whole packed matrix (both layouts,
// 8 bytes per value) above which kernelSearch packs blocks of rows in turn
// (collectBlocked) instead; a variable for the tests.
var packLimit int64 = 64 << 20

// blockBytes is the size of one packed layout of a row block in
// collectBlocked; a variable for the tests.
var blockBytes = 4 << 20

// blockRows returns the rows of a block of collectBlocked: a multiple of
// kernel.BlockRows (so that the collector's locks line up) of about
// blockBytes per layout, at least 2·BlockRows.
func blockRows(d int) int {
	r := blockBytes / (4 * max(d, 1)) / kernel.BlockRows * kernel.BlockRows
	return max(r, 2*kernel.BlockRows)
}

// superBlocks is the number of blocks of rows packed together as the left
// operand of collectBlocked's crosses: each block to the right is packed
// once per superBlocks blocks, not once per block.
const superBlocks = 2

// collectBlocked is collect without packing the whole matrix: rows are cut
// into blocks of blockRows(d), grouped by superBlocks. The blocks of a group
// are packed (both layouts), each block's symmetric Gram run by
// kernel.SymGram and each pair of them by kernel.Cross; then the group is
// packed as one left operand and crossed with each block after it, packed
// from the rows into a buffer reused across blocks. Every pair of rows is seen once, as
// by collect, and the same candidates rule applies: the graph is the same.
// Memory: about four blocks instead of 8·n·d bytes; the extra work, packing
// a block again for every group before it, is n·d·(blocks − 1)/(2·
// superBlocks) copies against 2·n²·d kernel flops.
func collectBlocked(m matrix, pr *prepared, k, threads int) []rowCands {
	return collectStrip(m, pr, k, threads, m.n()) // the strip of all rows
}

// collector gathers every row's candidates from blocks of the Gram matrix
// of the centred rows.
type collector struct {
	rows      []rowCands
	locks     []sync.Mutex
	sc        [][]float32 // a selection scratch per lock
	h, norm   []float64
	tau, eabs float64
	k         int
}

func newCollector(pr *prepared, n, k int) *collector {
	return newCollectorLim(pr, n, k, 2*k+30)
}

// newCollectorLim is newCollector with room for lim candidates a row
// before its first prune.
func newCollectorLim(pr *prepared, n, k, lim int) *collector {
	c := &collector{rows: make([]rowCands, n), norm: pr.norm, tau: pr.tau, eabs: pr.eabs, k: k}
	// Room for every row's first candidates (small: 20,000 rows keep theirs
	// in 16 MB at k = 20). The rows of a lock share a selection scratch.
	arena := make([]cand, n*lim)
	c.locks = make([]sync.Mutex, (n+kernel.BlockRows-1)/kernel.BlockRows)
	c.sc = make([][]float32, len(c.locks))
	for i := range c.rows {
		c.rows[i].init(k, lim, arena[i*lim:(i+1)*lim:(i+1)*lim])
	}
	// h[j] = (1 − τ)·nⱼ: the test aᵢⱼ − eᵢⱼ ≤ Uᵢ reads
	// h[j] − 2ĝᵢⱼ ≤ Uᵢ − (1 − τ)·nᵢ + ε.
	c.h = make([]float64, n)
	for j, v := range pr.norm {
		c.h[j] = (1 - pr.tau) * v
	}
	return c
}

// push offers j to row i, under the lock whose scratch is sc.
func (c *collector) push(i, j int, g float64, sc *[]float32) {
	r := &c.rows[i]
	if r.overflow {
		return
	}
	a := c.norm[i] + c.norm[j] - 2*g
	e := c.tau*(c.norm[i]+c.norm[j]) + c.eabs
	if a-e <= r.bound() {
		r.add(int32(j), a-e, a+e, c.k, sc)
	}
}

// block takes the Gram entries g[(i−i0)·ld + (j−j0)] of rows i in [i0, i1)
// and j in [j0, j1), global indices with i0 and j0 multiples of
// kernel.BlockRows: a diagonal block (j0 = i0) is complete and read once,
// an off-diagonal block (j0 ≠ i0) serves both rows i and rows j. Blocks
// may arrive concurrently.
func (c *collector) block(i0, i1, j0, j1 int, g []float64, ld int) {
	rows, h, eabs := c.rows, c.h, c.eabs
	c.locks[i0/kernel.BlockRows].Lock()
	sc := &c.sc[i0/kernel.BlockRows]
	// The columns passing a row's test at the start of the block are
	// gathered without a branch, then offered (push tests them again
	// against the bound as it has become).
	var pass [kernel.BlockRows]int32
	for i := i0; i < i1; i++ {
		gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
		hj := h[j0:j1]
		hj = hj[:len(gi)]
		t := rows[i].bound() - h[i] + eabs
		m := 0
		for jj, v := range gi {
			pass[m] = int32(jj)
			m += b2i(hj[jj]-2*v <= t)
		}
		for _, jj := range pass[:m] {
			if j := j0 + int(jj); j != i {
				c.push(i, j, gi[jj], sc)
			}
		}
	}
	c.locks[i0/kernel.BlockRows].Unlock()
	if j0 == i0 {
		return
	}
	// The transposed half, walking g by rows (contiguous) with one
	// threshold per column; each row j still sees i in increasing order.
	c.locks[j0/kernel.BlockRows].Lock()
	sc = &c.sc[j0/kernel.BlockRows]
	var tcol [kernel.BlockRows]float64
	tc := tcol[:j1-j0]
	for jj := range tc {
		tc[jj] = rows[j0+jj].bound() - h[j0+jj] + eabs
	}
	for i := i0; i < i1; i++ {
		gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
		gi = gi[:len(tc)]
		hv := h[i]
		m := 0
		for jj, v := range gi {
			pass[m] = int32(jj)
			m += b2i(hv-2*v <= tc[jj])
		}
		for _, jj := range pass[:m] {
			c.push(j0+int(jj), i, gi[jj], sc)
			tc[jj] = rows[j0+int(jj)].bound() - h[j0+int(jj)] + eabs
		}
	}
	c.locks[j0/kernel.BlockRows].Unlock()
}

// block32 is block for float32 Gram entries (SymGram32 with at most
// kernel.FlushEvery features, where they are exact). The test of a column
// is block's, h[j] − 2·float64(ĝ) ≤ t, found by kernel.ScanRow32 and
// kernel.ScanCol32 (vectorised) from the column after the last one that
// passed, with the threshold of the row (or column) as its bound has
// become after every push: a tighter but still valid bound, so the rows
// dropped on the way are rows push would drop (the graph does not change).
func (c *collector) block32(i0, i1, j0, j1 int, g []float32, ld int) {
	rows, h, eabs := c.rows, c.h, c.eabs
	c.locks[i0/kernel.BlockRows].Lock()
	sc := &c.sc[i0/kernel.BlockRows]
	hj := h[j0:j1]
	for i := i0; i < i1; i++ {
		gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
		r := &rows[i]
		for q := kernel.ScanRow32(gi, hj, r.bound()-h[i]+eabs, 0); q < len(gi); q = kernel.ScanRow32(gi, hj, r.bound()-h[i]+eabs, q+1) {
			if j := j0 + q; j != i {
				c.push(i, j, float64(gi[q]), sc)
			}
		}
	}
	c.locks[i0/kernel.BlockRows].Unlock()
	if j0 == i0 {
		return
	}
	// The transposed half, walking g by rows (contiguous) with one
	// threshold per column; each row j still sees i in increasing order.
	c.locks[j0/kernel.BlockRows].Lock()
	sc = &c.sc[j0/kernel.BlockRows]
	var tcol [kernel.BlockRows]float64
	tc := tcol[:j1-j0]
	for jj := range tc {
		tc[jj] = rows[j0+jj].bound() - h[j0+jj] + eabs
	}
	for i := i0; i < i1; i++ {
		gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
		hv := h[i]
		for q := kernel.ScanCol32(gi, hv, tc, 0); q < len(gi); q = kernel.ScanCol32(gi, hv, tc, q+1) {
			c.push(j0+q, i, float64(gi[q]), sc)
			tc[q] = rows[j0+q].bound() - h[j0+q] + eabs
		}
	}
	c.locks[j0/kernel.BlockRows].Unlock()
}

// refine recomputes the candidates' distances exactly and keeps the k
// nearest, ties by index.
func refine(m matrix, k int, rows []rowCands, threads int) *Graph {
	n := m.n()
	g := &Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k)}
	parallelRows(n, threads, func(i int, h *TopK) {
		refineRow(m, k, i, &rows[i], h, g.Index[i*k:(i+1)*k], g.Dist[i*k:(i+1)*k])
	})
	return g
}

// refineRow writes the k nearest of row i of m among its candidates r (all
// rows when r overflowed), by exact distance and then index, into idx and
// dist, and releases r.
func refineRow(m matrix, k, i int, r *rowCands, h *TopK, idx []int32, dist []float64) {
	c := h.buf[:0]
	if r.overflow {
		for j := 0; j < m.n(); j++ {
			if j != i {
				c = append(c, treeCand{m.dist2(i, j), int32(j)})
			}
		}
	} else if k <= sortedMaxK {
		// A short list (seeded bounds) goes straight into the sorted k
		// best by exact distance, pruned first only when long: every
		// candidate is a row other than i, and the k nearest are among
		// them.
		if len(r.c) > 2*k {
			r.prune(&h.sel)
		}
		for _, cd := range r.c {
			c = append(c, treeCand{j: cd.j})
		}
		*r = rowCands{}
		h.buf = c
		m.dist2Cands(i, c)
		best := &h.best
		best.reset(k)
		for _, e := range c {
			best.insert(e.s, e.j)
		}
		if !best.full() {
			panic("knn: candidate set smaller than k")
		}
		for t, s := range best.s {
			idx[t], dist[t] = best.j[t], math.Sqrt(s)
		}
		return
	} else {
		r.prune(&h.sel)
		for _, cd := range r.c {
			c = append(c, treeCand{j: cd.j})
		}
		m.dist2Cands(i, c)
	}
	*r = rowCands{}
	h.buf = c
	if len(c) < k {
		panic("knn: candidate set smaller than k")
	}
	nearest(c, k, idx, dist, &h.ns)
	for t := range dist {
		dist[t] = math.Sqrt(dist[t])
	}
}
