package knn

import (
	"math"
	"sync"

	"github.com/intdim/intdim/internal/kernel"
)

// The brute force of small matrices, one strip of rows at a time.
//
// collect with seeded bounds (gramseed.go) computes the float32 Gram
// product twice, the full product for the bounds and the upper half for
// the scans, and passes every candidate through a row's list (an append, a
// prune, a lock per block). For at most rowStripMaxRows rows, rowStripSearch
// instead computes the product a strip of rows at a time against all rows
// (kernel.CrossRows32: the same float32 entries as Cross32's and
// SymGram32's) and, for each row of the strip while its entries are in
// cache, does everything at once: the seeding bound of gramSeeds from its
// group minima, the scan of its entries for the columns whose lower bound
// aᵢⱼ − eᵢⱼ is within it (ScanRowAll32: collect's test), and the exact
// distances of those candidates, keeping the k smallest by (Dist2, index).
// The bound is valid (gramseed.go) and every row within it is a candidate,
// so the k nearest are among the candidates and the graph is bruteForce's,
// bit for bit, whatever the thread count (rows are independent).

// rowStripMaxRows is the most rows rowStripSearch takes: a strip of
// rowStripBytes holds rowStripBytes/(4·ld) rows of the product, about 16 at
// n = 4,096 (ld ≥ n is the packed row count; the height is rounded down
// to whole tiles, at least one), and the right-hand operand is read once
// per strip.
const rowStripMaxRows = 4096

// rowStripBytes is the size of the float32 strip of the product a
// goroutine holds (its rows are scanned from L2): 24 rows at n = 2,000,
// 3 % less a k = 20 search of the d = 11 reference arrays than 1 MB
// (120 rows), as little as 128 KB.
const rowStripBytes = 1 << 18

// rowStripSearch is kernelSearch's brute force for n ≤ rowStripMaxRows rows
// of at most kernel.FlushEvery features with seeding groups of gs rows
// (gramSeedWidth(n, k) > 0), from pr prepared with both layouts.
func rowStripSearch(m matrix, pr *prepared, k, gs, threads int) *Graph {
	n := m.n()
	p := pr.p
	ld := p.Rows
	mr := p.TileRows()
	h := max(mr, min(rowStripBytes/(4*ld), kernel.BlockRows)/mr*mr)
	rows := (n + mr - 1) / mr * mr // the product's rows that hold real ones
	// hv[j] = (1 − τ)·nⱼ, as collector's h.
	hv := make([]float64, n)
	var top float64 // max nⱼ
	for j, v := range pr.norm {
		hv[j] = (1 - pr.tau) * v
		top = max(top, v)
	}
	slack := 2*pr.tau*top + pr.eabs
	h32 := stripH32(hv)
	ng := seedGroups(n, gs, 8)
	hu32, ngF := stripH32Up(hv, h32), 0
	if hu32 != nil {
		ngF = seedGroups(n, gs, 16)
	}
	g := &Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k)}
	strips := (rows + h - 1) / h
	parallelRows(strips, threads, func(s int, tk *TopK) {
		i0 := s * h
		i1 := min(i0+h, rows)
		b := stripBufs.Get().(*stripBuf)
		b.grow(h*ld, max(ng, ngF), n)
		kernel.CrossRows32(p, p, i0, i1, b.g, ld)
		for i := i0; i < min(i1, n); i++ {
			gi := b.g[(i-i0)*ld : (i-i0)*ld+n]
			gi[i] = float32(math.Inf(-1)) // vᵢᵢ = +Inf: i is not its own neighbour
			u := math.Inf(1)
			if kth := rowSeedKth(gi, hv, hu32, gs, ng, ngF, k, b); !math.IsInf(kth, 1) && !math.IsNaN(kth) {
				ni := (1 + pr.tau) * pr.norm[i]
				u = kth + slack + ni + (math.Abs(kth)+slack+ni)*0x1p-40
			}
			stripRow(m, pr, hv, h32, k, i, u, gi, b.pass, tk, g.Index[i*k:(i+1)*k], g.Dist[i*k:(i+1)*k])
		}
		stripBufs.Put(b)
	})
	return g
}

// rowSeedKth returns the k-th smallest of row gi's group minima of
// hv[j] − 2·float64(gi[j]) (ng groups, rowGroupMins), or, where hu32 is not
// nil, a bound on it from the minima in single precision: the k-th
// smallest w of the single-precision minima hu32[j] − float32(2·gi[j])
// (groupMins by GroupMinF32: ngF groups of hu32, hv rounded up; their
// k-th by kernel.KthF32, not widened first; a zero k-th may come back with
// either sign, which the bound below does not see),
// raised to w + |w|·2⁻²² + 2⁻¹⁴⁰. Either is a valid seed (gramseed.go): k
// groups hold a row j with hv[j] − 2·float64(gi[j]) at most it.
//
// Why the raised value bounds the double-precision values: let a = hv[j] −
// 2g exactly, a′ = hu32[j] − 2g ≥ a and w = fl32(a′) (2g exact in
// float32: |g| is bounded by the squared norms, within 2¹⁰⁰). The float64
// value is at most a + |a|·2⁻⁵³ ≤ a′ + |a′|·2⁻⁵³ (a ≤ a′, either sign), and
// a′ ≤ w + |a′|·2⁻²⁴ + 2⁻¹⁵⁰ with |a′| ≤ (|w| + 2⁻¹⁵⁰)(1 + 2⁻²³), so the
// value is at most w + |w|·2⁻²³ + 2⁻¹⁴⁸, an increasing function of w: the
// k groups whose single-precision minimum is at most the k-th w each hold
// a row within the raised k-th. In float64, kth + |kth|·2⁻²² is exact
// (kth is a float32, 24 bits, and the sum's bits span 46, 47 with a carry,
// within 53); adding 2⁻¹⁴⁰ rounds monotonically, so the result is at least
// the proven bound. A k-th of −Inf (an entry whose double overflows
// float32) takes the double-precision minima instead.
func rowSeedKth(gi []float32, hv []float64, hu32 []float32, gs, ng, ngF, k int, b *stripBuf) float64 {
	if hu32 != nil {
		kth := float64(kernel.KthF32(groupMins(gi, hu32, gs, 16, kernel.GroupMinF32, b.mins32[:ngF]), b.tmp32, k))
		if !math.IsInf(kth, -1) {
			return kth + math.Abs(kth)*0x1p-22 + 0x1p-140 // +Inf and NaN stay
		}
	}
	return kthPartition(rowGroupMins(gi, hv, gs, b.mins[:ng]), b.tmp, k)
}

// seedF32Usable reports whether GroupMinF32 has a vector variant (its
// pure-Go twin is no faster than GroupMin32's). Tests turn it off.
var seedF32Usable = kernel.GroupMinF32Variant() != "purego"

// stripH32Up returns h rounded up to float32 for rowSeedKth (ceil32s),
// or nil where h32 (stripH32) is nil or seedF32Usable is false.
func stripH32Up(h []float64, h32 []float32) []float32 {
	if h32 == nil || !seedF32Usable {
		return nil
	}
	return ceil32s(h)
}

// ceil32s returns each value of h rounded up to float32 (the least
// float32 at least it), for h within float32's range.
func ceil32s(h []float64) []float32 {
	hu := make([]float32, len(h))
	for j, v := range h {
		f := float32(v)
		if float64(f) < v {
			f = math.Nextafter32(f, float32(math.Inf(1)))
		}
		hu[j] = f
	}
	return hu
}

// rowGroupMins sets mins, of seedGroups(len(gi), gs, 8) values, to the least
// hv[j] − 2·float64(gi[j]) over groups of at most gs columns j (gramSeeds'
// groups of one column block, over the whole row), and returns it.
func rowGroupMins(gi []float32, hv []float64, gs int, mins []float64) []float64 {
	return groupMins(gi, hv, gs, 8, kernel.GroupMin32, mins)
}

// groupMins sets mins, of seedGroups(len(gi), gs, lanes) values, to the
// least h[j] − 2·T(gi[j]), computed in T, over groups of at most gs columns
// j, and returns it: kern (GroupMin32 or GroupMinF32, lanes lanes) takes
// the chunks of lanes·gs columns, then lanes groups of r < gs over the
// largest multiple of lanes left, and the last few columns are grouped by
// gs here, computed as kern computes them (2·T(gi[j]) rounded to T first).
func groupMins[T float32 | float64](gi []float32, h []T, gs, lanes int, kern func([]float32, []T, int, []T), mins []T) []T {
	w := lanes * gs
	full := len(gi) / w * w
	kern(gi[:full], h[:full], gs, mins)
	o := full / w * lanes
	if r := (len(gi) - full) / lanes; r > 0 { // lanes groups of r < gs
		kern(gi[full:full+lanes*r], h[full:full+lanes*r], r, mins[o:])
		full += lanes * r
		o += lanes
	}
	for q := full; q < len(gi); q += gs { // fewer than lanes left
		v := T(math.Inf(1))
		for r := q; r < min(q+gs, len(gi)); r++ {
			if x := h[r] - T(2*T(gi[r])); x < v {
				v = x
			}
		}
		mins[o] = v
		o++
	}
	return mins[:o]
}

// stripRow writes the k nearest of row i into idx and dist: the columns of
// gi (row i of the float32 Gram product, entry i set to −Inf) whose lower
// bound is within u (a bound on the k-th smallest upper bound of the row),
// their exact distances, the k smallest by (Dist2, index). pass is
// scratch of len(gi) indices; h32 is stripH32(hv).
func stripRow(m matrix, pr *prepared, hv []float64, h32 []float32, k, i int, u float64, gi []float32, pass []int32, tk *TopK, idx []int32, dist []float64) {
	c := tk.buf[:0]
	pass = scanStripCands(gi, hv, h32, u-hv[i]+pr.eabs, pass)
	for _, q := range pass {
		if int(q) != i {
			// s carries the Gram entry until the exact distance replaces it.
			c = append(c, treeCand{s: float64(gi[q]), j: q})
		}
	}
	if len(c) > 2*k+16 {
		c = pruneStrip(pr, i, k, c, &tk.sel)
	}
	tk.buf = c
	if len(c) < k {
		panic("knn: candidate set smaller than k")
	}
	m.dist2Cands(i, c)
	if k <= sortedMaxK && !rankNearest(c, k, idx, dist, &tk.rank) {
		best := &tk.best
		best.reset(k)
		for _, e := range c {
			best.insert(e.s, e.j)
		}
		copy(idx, best.j)
		copy(dist, best.s)
	} else if k > sortedMaxK {
		nearest(c, k, idx, dist, &tk.ns)
	}
	kernel.Sqrt64(dist)
}

// stripF32Max bounds the magnitudes of h and of a row's threshold that
// scanStripRow takes to single precision (far inside float32's range, so
// that h − 2·g overflows there only where it exceeds t in float64 too).
const stripF32Max = 0x1p100

// stripH32 returns h rounded down to float32 for scanStripRow, or nil when
// ScanRowAllF32 has no vector variant or an entry is NaN or beyond
// stripF32Max in magnitude.
func stripH32(h []float64) []float32 {
	if kernel.ScanF32Variant() == "purego" {
		return nil
	}
	h32 := make([]float32, len(h))
	for j, v := range h {
		if !(math.Abs(v) <= stripF32Max) {
			return nil
		}
		f := float32(v)
		if float64(f) > v {
			f = math.Nextafter32(f, float32(math.Inf(-1)))
		}
		h32[j] = f
	}
	return h32
}

// scanStripRow returns pass[:m] holding the m columns q of gi, increasing,
// with h[q] − 2·float64(gi[q]) ≤ t: ScanRowAll32's, computed so, but first
// screened in single precision where h32 is not nil and t is finite and
// within stripF32Max: ScanRowAllF32 on h32 (h rounded down) and
// T = roundUp32(t + |t|·2⁻²²) keeps every column that passes in double
// precision, and the few it keeps are tested as ScanRowAll32 tests them.
//
// Why every passing column is kept: let a = h − 2g (exact), a′ = h32 − 2g ≤ a
// and w = fl32(a′) (2g is exact in float32 unless it overflows). The test
// passing means a·(1 − 2⁻⁵³) ≤ t for a ≥ 0 and a·(1 + 2⁻⁵³) ≤ t for a < 0.
// If a′ ≥ 0, w ≤ a′(1 + 2⁻²⁴) ≤ a(1 + 2⁻²⁴) ≤ t + |t|·2⁻²³; if a′ < 0 ≤ a,
// w ≤ 0 ≤ t; if a < 0, w ≤ a′(1 − 2⁻²⁴) ≤ a(1 − 2⁻²⁴) ≤ t + |t|·2⁻²³. A
// subnormal w adds at most 2⁻¹⁵⁰, within roundUp32's 2⁻¹⁴⁰, and T ≥ t +
// |t|·2⁻²³ + 2⁻¹⁴¹. Where 2g overflows, w = −Inf passes (g > 0) or a > 2¹²⁸
// exceeds t (g < 0); h32 never rounds up.
//
// Only the tests call it whole: countKernel (CountPairs) calls its parts,
// stripT32 and screenStripRow, and stripRow calls scanStripCands.
func scanStripRow(gi []float32, h []float64, h32 []float32, t float64, pass []int32) []int32 {
	t32, ok := stripT32(t)
	if h32 == nil || !ok {
		return pass[:kernel.ScanRowAll32(gi, h, t, pass)]
	}
	return screenStripRow(gi, h, h32, t, t32, pass)
}

// scanStripCands is scanStripRow for stripRow's candidates: where the
// single-precision screen applies, the columns it keeps, without their
// test in double precision. They hold every column that passes it (see
// scanStripRow), and a column more is harmless: its exact distance is
// computed with the others', and the k smallest of a set holding the k
// nearest are the k nearest. The test removed 0 to 5 of 90,000–440,000
// kept columns over the reference arrays' searches (k = 20, 100), at the
// cost of a second pass over them.
func scanStripCands(gi []float32, h []float64, h32 []float32, t float64, pass []int32) []int32 {
	t32, ok := stripT32(t)
	if h32 == nil || !ok {
		return pass[:kernel.ScanRowAll32(gi, h, t, pass)]
	}
	return pass[:kernel.ScanRowAllF32(gi, h32, t32, pass)]
}

// stripT32 returns scanStripRow's single-precision threshold for t,
// roundUp32(t + |t|·2⁻²²), and whether t is finite and within
// stripF32Max (else the screen does not apply).
func stripT32(t float64) (float32, bool) {
	if !(math.Abs(t) <= stripF32Max) {
		return 0, false
	}
	return roundUp32(t + math.Abs(t)*0x1p-22), true
}

// screenStripRow is scanStripRow's screened path: t32 is stripT32(t) and
// h32 is not nil.
func screenStripRow(gi []float32, h []float64, h32 []float32, t float64, t32 float32, pass []int32) []int32 {
	np := kernel.ScanRowAllF32(gi, h32, t32, pass)
	m := 0
	for _, q := range pass[:np] {
		if h[q]-2*float64(gi[q]) <= t {
			pass[m] = q
			m++
		}
	}
	return pass[:m]
}

// pruneStrip keeps the candidates of row i (c[t].s their Gram entries)
// whose lower bound aᵢⱼ − eᵢⱼ is within the k-th smallest of their upper
// bounds aᵢⱼ + eᵢⱼ, rounded up to float32: rowCands.prune's rule, with its
// arithmetic (collector.push's bounds).
func pruneStrip(pr *prepared, i, k int, c []treeCand, sc *[]float32) []treeCand {
	if cap(*sc) < len(c) {
		*sc = make([]float32, 2*len(c))
	}
	up := (*sc)[:len(c)]
	ni := pr.norm[i]
	for t, e := range c {
		nj := pr.norm[e.j]
		a := ni + nj - 2*e.s
		up[t] = roundUp32(a + (pr.tau*(ni+nj) + pr.eabs))
	}
	bound := float64(kthSmallest(up, k))
	o := 0
	for _, e := range c {
		nj := pr.norm[e.j]
		a := ni + nj - 2*e.s
		c[o] = e
		o += b2i(a-(pr.tau*(ni+nj)+pr.eabs) <= bound)
	}
	return c[:o]
}

// stripBuf is one goroutine's strip of the product, group minima and
// passing columns.
type stripBuf struct {
	g      []float32
	mins32 []float32 // rowSeedKth's single-precision minima
	mins   []float64
	tmp    []float64 // kthPartition's scratch
	tmp32  []float32 // kernel.KthF32's
	pass   []int32
}

func (b *stripBuf) grow(ng, nm, np int) {
	if cap(b.pass) < np {
		b.pass = make([]int32, np)
	}
	b.pass = b.pass[:np]
	if cap(b.g) < ng {
		b.g = make([]float32, ng)
	}
	b.g = b.g[:ng]
	if cap(b.mins) < nm {
		b.mins = make([]float64, nm)
	}
	if cap(b.mins32) < nm {
		b.mins32 = make([]float32, nm)
	}
	b.mins32 = b.mins32[:nm]
	b.mins = b.mins[:nm]
	if cap(b.tmp) < nm {
		b.tmp = make([]float64, nm)
	}
	b.tmp = b.tmp[:nm]
	if cap(b.tmp32) < nm {
		b.tmp32 = make([]float32, nm)
	}
	b.tmp32 = b.tmp32[:nm]
}

// stripBufs recycles the strips across searches.
var stripBufs = sync.Pool{New: func() any { return new(stripBuf) }}
