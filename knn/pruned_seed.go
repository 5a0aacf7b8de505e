package knn

import (
	"math"
	"slices"
	"sync"

	"github.com/intdim/intdim/internal/kernel"
)

// Seeding. Before the pass over all pairs, rows are grouped into leaves of
// a k-d tree on their leading principal coordinates (median splits on the
// coordinate of largest spread, leaves of leafSize(k) to twice that), and
// put in the tree's order, so that the rows of a leaf are adjacent and rows
// near each other are searched one after another (their candidates, largely
// shared, stay in cache). Every pair inside a leaf is handled here instead
// of by the pass: its lower bound is the fine one (lowerFine, on all M
// coordinates), the k leaf mates of smallest bound are
// evaluated exactly, and the others become candidates. Rows near each other
// in the leading coordinates are likely neighbours, so every row enters the
// pass with k exact distances and a tight bound, and the pass skips the
// pairs of a leaf. Every pair is still considered exactly once.

// leafSize is the smallest leaf of the seeding tree for k neighbours.
func leafSize(k int) int { return max(k+1, 32) }

// leaves returns the leaf of every row of the n×mm coordinates p and the
// rows in the tree's order (leaves in increasing order, each contiguous):
// rows are split recursively at the median of the coordinate (among the
// first 8) of largest spread. Halves of 4,096 rows or more are split by
// up to threads goroutines (serial, it was 0.04 s of the 20,000-row
// search's wall time); the result does not depend on threads.
func leaves(p []float64, mm, n, k, threads int) (leaf, perm []int32) {
	perm = make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	start := make([]bool, n+1) // a leaf begins at this position
	size := leafSize(k)
	var wg sync.WaitGroup
	var split func(at int, rows []int32, par int)
	split = func(at int, rows []int32, par int) {
		if len(rows) < 2*size {
			start[at] = true
			return
		}
		best, spread := 0, -1.0
		for c := 0; c < min(mm, 8); c++ {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, r := range rows {
				v := p[int(r)*mm+c]
				lo, hi = min(lo, v), max(hi, v)
			}
			if hi-lo > spread {
				best, spread = c, hi-lo
			}
		}
		h := len(rows) / 2
		selectRows(rows, h, p, mm, best)
		if par > 1 && h >= 4096 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				split(at, rows[:h], par/2)
			}()
			split(at+h, rows[h:], par-par/2)
			return
		}
		split(at, rows[:h], 1)
		split(at+h, rows[h:], 1)
	}
	split(0, perm, threads)
	wg.Wait()
	leaf = make([]int32, n)
	id := int32(-1)
	for t, r := range perm {
		if start[t] {
			id++
		}
		leaf[r] = id
	}
	return leaf, perm
}

// selectRows reorders rows so that the h first are the h smallest by
// (p[r·mm + c], r) (Hoare's selection, the pivot the median of three: the
// same sets as a sort by that order, in linear time instead of a sort's
// n log n at every level of the tree).
func selectRows(rows []int32, h int, p []float64, mm, c int) {
	less := func(a, b int32) bool {
		va, vb := p[int(a)*mm+c], p[int(b)*mm+c]
		return va < vb || va == vb && a < b
	}
	lo, hi := 0, len(rows)-1 // the h-th smallest (index h) lies in rows[lo:hi+1]
	for hi > lo {
		m := lo + (hi-lo)/2
		if less(rows[m], rows[lo]) {
			rows[m], rows[lo] = rows[lo], rows[m]
		}
		if less(rows[hi], rows[m]) {
			rows[hi], rows[m] = rows[m], rows[hi]
			if less(rows[m], rows[lo]) {
				rows[m], rows[lo] = rows[lo], rows[m]
			}
		}
		pv := rows[m]
		i, j := lo, hi
		for i <= j {
			for less(rows[i], pv) {
				i++
			}
			for less(pv, rows[j]) {
				j--
			}
			if i <= j {
				rows[i], rows[j] = rows[j], rows[i]
				i++
				j--
			}
		}
		switch {
		case h <= j:
			hi = j
		case h >= i:
			lo = i
		default:
			return
		}
	}
}

// sqDiff is Σₜ (aₜ − bₜ)²: kernel.SqDiff on the longest prefix of a
// multiple of kernel.Dist2Lanes, then the rest added in order.
func sqDiff(a, b []float64) float64 {
	l := len(a) &^ (kernel.Dist2Lanes - 1)
	d := kernel.SqDiff(a[:l], b[:l:l])
	for t := l; t < len(a); t++ {
		e := a[t] - b[t]
		d += e * e
	}
	return d
}

// lowerFine returns ℓᵢⱼ (positions i, j) from the float64 coordinates on
// all M directions: their sum of squared differences (kernel.SqDiff on the
// longest prefix of a multiple of 32, then the rest; any order of the sum
// is at most (1 + γ_{M+4})‖p̂ᵢ − p̂ⱼ‖², as Dist2 is), in place of the
// kernel's Aᵢⱼ − eᵢⱼ, with the margins on M coordinates. (Dist2Acc and
// Dist2Sum, which reach memory between them, cost 67 ns a pair here
// against 30 ns.)
func (c *pcollector) lowerFine(i, j int) float64 {
	pj, mm, mg := c.pj, c.pj.mm, &c.pj.full
	d2 := sqDiff(pj.p[i*mm:(i+1)*mm], pj.p[j*mm:(j+1)*mm])
	sp := math.Sqrt(d2/(1+mg.gamma)) * (1 - 0x1p-40)
	s := max(sp-mg.a[i]-mg.a[j], 0)
	t := max(math.Abs(mg.rho[i]-mg.rho[j])-mg.beta[i]-mg.beta[j], 0)
	return (s*s + t*t) * pj.lowScale
}

// lowerStagedGram returns ℓᵢⱼ (positions i, j) on the prefixes
// midEnds(m, M) and then all M coordinates, as lowerStaged (the same bound
// summed from coordinate 0, kept in the tests as its reference) does, with
// the sum on the first m coordinates taken from the Gram pass's entry g
// instead of recomputed: as in lower,
// D = max(Aᵢⱼ − eᵢⱼ, 0)/(s₂²(1 + γ_{m+4})) satisfies D·(1 − 2⁻⁴⁰)² ≤
// ‖p̂ᵢ − p̂ⱼ‖² on those coordinates, and a sum of squared differences on
// the coordinates [m, e) is at most (1 + γ_{e+4}) times theirs, so on the
// prefix e
//
//	S = D·(1 − 2⁻⁴⁰)² + SqDiff_[m,e)/(1 + γ_{e+4}) ≤ ‖p̂ᵢ − p̂ⱼ‖²_[0,e)
//
// up to the three roundings of S (relative 2⁻⁵³ each), which the factor
// (1 − 2⁻⁴⁰) on √S absorbs. The bound is then lowerStaged's with √S in
// place of its √(d2/(1 + γ)). The first prefix reads half the coordinates
// (m of 2m) for every pair the Gram's test passes. It returns the bound on
// all M coordinates (full), or the first prefix's bound that exceeds u
// (not full); both are lower bounds on the pair's Dist2
// (TestPrunedStagedGram checks it against Dist2 and lowerFine).
func (c *pcollector) lowerStagedGram(i, j int, g, u float64) (v float64, full bool) {
	pj, mm, m := c.pj, c.pj.mm, c.pj.m
	a, b := pj.p[i*mm:(i+1)*mm], pj.p[j*mm:(j+1)*mm]
	w := len(c.sinv)
	mi, mj := c.smg[i*3*w:(i+1)*3*w], c.smg[j*3*w:(j+1)*3*w]
	q := c.n2[i] + c.n2[j] - 2*g
	e := c.tau*(c.n2[i]+c.n2[j]) + c.eabs
	dm := max(q-e, 0) * c.inv2 * ((1 - 0x1p-40) * (1 - 0x1p-40))
	from, sq := m, 0.0
	for s, end := range c.sends {
		l := from + (end-from)&^(kernel.Dist2Lanes-1)
		if l > from {
			sq += kernel.SqDiff(a[from:l], b[from:l])
		}
		for t := l; t < end; t++ {
			v := a[t] - b[t]
			sq += v * v
		}
		from = end
		sp := math.Sqrt(dm+sq*c.sinv[s]) * (1 - 0x1p-40)
		// max(x, 0) and max(y, 0) by a comparison: the same squares (a
		// −0 or NaN left in place squares as max's result does), without
		// the NaN and signed-zero handling of the float max.
		x := sp - mi[3*s] - mj[3*s]
		if x < 0 {
			x = 0
		}
		y := math.Abs(mi[3*s+1]-mj[3*s+1]) - mi[3*s+2] - mj[3*s+2]
		if y < 0 {
			y = 0
		}
		if v := (x*x + y*y) * pj.lowScale; v > u || s == w-1 {
			return v, s == w-1
		}
	}
	panic("knn: lowerStagedGram without stages")
}

// stageMargins packs, by position, the margins aᵢ, ρ̂ᵢ, βᵢ of every
// prefix of midEnds and then of all M (smg, three values per stage, the
// stages' ends in sends), and 1/(1 + γ) of each (sinv: the product by it
// rounds once more than the division, which lowerStagedGram's factor
// (1 − 2⁻⁴⁰) absorbs as well): a pair's staged bound reads one row of
// them instead of six arrays.
func (c *pcollector) stageMargins() {
	pj := c.pj
	mgs := append(slices.Clone(pj.mid), pj.full)
	c.sends = append(slices.Clone(pj.midEnds), pj.mm)
	w := len(mgs)
	c.sinv = make([]float64, w)
	for s, mg := range mgs {
		c.sinv[s] = 1 / (1 + mg.gamma)
	}
	n := len(pj.orig)
	c.smg = make([]float64, n*3*w)
	for i := 0; i < n; i++ {
		for s, mg := range mgs {
			c.smg[(i*w+s)*3], c.smg[(i*w+s)*3+1], c.smg[(i*w+s)*3+2] = mg.a[i], mg.rho[i], mg.beta[i]
		}
	}
}

// leafStarts returns the first position of every leaf of the seeding
// tree, in order, then len(c.rows).
func (c *pcollector) leafStarts() []int32 {
	n := len(c.rows)
	start := make([]int32, 0, n/leafSize(c.k)+2)
	for i, l := range c.leaf {
		if i == 0 || l != c.leaf[i-1] {
			start = append(start, int32(i))
		}
	}
	return append(start, int32(n))
}

// seed handles the pairs inside every leaf (see above), leaves in
// parallel, as seedRows does for all rows, computing each pair's fine
// bound once for both rows (lowerFine(i, j) is a valid bound for either
// row's list) and each exact distance two leaf mates both seed with once
// (Dist2 is symmetric bit for bit: (a − b)² = (b − a)²). dist2With's
// partial sums are each goroutine's (parallelRowsAcc), not one per leaf.
func (c *pcollector) seed(threads int) {
	start := c.leafStarts()
	o := c.pj.orig
	// Each goroutine's leaves reuse one scratch (the leaves' w² bounds
	// and distances, 2.5 MB of fresh memory on pool1 otherwise).
	var scratch sync.Pool
	parallelRowsAcc(len(start)-1, threads, func(l int, _ *TopK, acc *[32]float64) {
		lo, hi := int(start[l]), int(start[l+1])
		w := hi - lo
		sc, _ := scratch.Get().(*seedScratch)
		if sc == nil {
			sc = new(seedScratch)
		}
		defer scratch.Put(sc)
		sc.bound, sc.dist = slices.Grow(sc.bound[:0], w*w)[:w*w], slices.Grow(sc.dist[:0], w*w)[:w*w]
		bound := sc.bound // the pair's fine bound (every pair's written below)
		dist := sc.dist   // exact Dist2 of the pair, NaN until computed
		for a := 0; a < w; a++ {
			for b := a + 1; b < w; b++ {
				v := c.lowerFine(lo+a, lo+b)
				bound[a*w+b], bound[b*w+a] = v, v
			}
		}
		for t := range dist {
			dist[t] = math.NaN()
		}
		cands := slices.Grow(sc.cands[:0], w)
		defer func() { sc.cands = cands[:0] }()
		for a := 0; a < w; a++ {
			i := lo + a
			r := &c.rows[i]
			cands = cands[:0]
			for b := 0; b < w; b++ {
				if b != a {
					cands = append(cands, pcand{lo: bound[a*w+b], j: int32(lo + b), fine: true})
				}
			}
			e := min(len(cands), c.k)
			selectLeast(cands, e)
			for _, cd := range cands[:e] {
				b := int(cd.j) - lo
				v := dist[a*w+b]
				if math.IsNaN(v) {
					v = c.x.dist2With(int(o[i]), int(o[cd.j]), acc)
					dist[a*w+b], dist[b*w+a] = v, v
				}
				r.h.Push(v, o[cd.j])
				c.moved(i)
			}
			u := r.bound()
			for _, cd := range cands[e:] {
				if cd.lo <= u {
					r.cand = append(r.cand, cd)
				}
			}
			r.limit = max(r.limit, 2*len(r.cand))
		}
	})
}

// seedScratch is a seeding goroutine's memory, reused from leaf to leaf.
type seedScratch struct {
	bound, dist []float64
	cands       []pcand
}

// selectLeast puts the e least candidates of c by pcandLess (a total
// order: distinct rows) into c[:e] in increasing order, by selection (e
// scans of the list: the seeding takes k of a leaf's 31 and more, and
// sorting them all cost more); c[e:] holds the rest in some order.
func selectLeast(c []pcand, e int) {
	if e > selectMost {
		sortCands(c)
		return
	}
	for h := 0; h < e; h++ {
		q := leastFrom(c, h)
		c[h], c[q] = c[q], c[h]
	}
}

// leastFrom returns the position of the least candidate of c[h:] by
// pcandLess (the first of equals; h < len(c)): one step of the selections
// of selectLeast and bestFirstSelect.
func leastFrom(c []pcand, h int) int {
	q := h
	for t := h + 1; t < len(c); t++ {
		if pcandLess(c[t], c[q]) {
			q = t
		}
	}
	return q
}

// seedRows is seed for the rows at the given positions only (all when
// nil): each is seeded with its leaf mates among all rows (partial sums
// per goroutine, as seed's).
func (c *pcollector) seedRows(rows []int32, threads int) {
	n := len(c.rows)
	start := c.leafStarts()
	count := len(rows)
	if rows == nil {
		count = n
	}
	parallelRowsAcc(count, threads, func(t int, _ *TopK, acc *[32]float64) {
		i := t
		if rows != nil {
			i = int(rows[t])
		}
		r := &c.rows[i]
		l, _ := slices.BinarySearch(start, int32(i)+1)
		lo, hi := int(start[l-1]), int(start[l])
		cands := make([]pcand, 0, hi-lo)
		for j := lo; j < hi; j++ {
			if j != i {
				cands = append(cands, pcand{lo: c.lowerFine(i, j), j: int32(j), fine: true})
			}
		}
		e := min(len(cands), c.k)
		selectLeast(cands, e)
		for _, cd := range cands[:e] {
			c.exact(r, i, int(cd.j), acc)
		}
		u := r.bound()
		for _, cd := range cands[e:] {
			if cd.lo <= u {
				r.cand = append(r.cand, cd)
			}
		}
		r.limit = max(r.limit, 2*len(r.cand))
	})
}
