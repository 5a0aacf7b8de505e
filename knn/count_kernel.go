package knn

import (
	"math"

	"github.com/intdim/intdim/internal/kernel"
)

// countKernel returns the counts of CountPairs (rows j ≠ i with
// Dist2(i, j) < ts[a], ordered pairs) decided from the float32 Gram matrix
// of kernelSearch's prepared rows: with aᵢⱼ and eᵢⱼ as there (in the
// prepared units, Dist2 times σ², σ the power of two of the scaling),
// aᵢⱼ + eᵢⱼ < Tσ² proves Dist2 < T, aᵢⱼ − eᵢⱼ ≥ Tσ² proves Dist2 ≥ T, and
// the few pairs in between are compared exactly (matrix.dist2), so the
// counts are CountPairs' exactly. Most pairs are rejected before aᵢⱼ is
// formed, by the test of collector.block (hⱼ − 2ĝᵢⱼ against a per-row
// threshold) with a margin of 2⁻⁴⁰ relative for its rounding. ok is false
// where the rows cannot be prepared (entries not finite) or a threshold
// does not scale exactly; the caller then counts otherwise.
func countKernel(m matrix, ts []float64, threads int) (c []int64, ok bool) {
	n := m.n()
	if m.d == 0 || len(ts) == 0 {
		return nil, false
	}
	pr, ok := prepareWith(m, packBoth)
	if !ok {
		return nil, false
	}
	s2 := pr.scale * pr.scale
	tsc := make([]float64, len(ts)) // Tσ²
	tmax := 0.0
	for a, t := range ts {
		v := t * s2
		if !math.IsInf(t, 1) && (v/s2 != t || v != 0 && v < 0x1p-1000 || math.IsInf(v, 0)) {
			return nil, false
		}
		tsc[a] = v
		tmax = max(tmax, v)
	}
	norm, tau, eabs := pr.norm, pr.tau, pr.eabs
	h := make([]float64, n) // (1 − τ)·nⱼ, as collector.h
	nmax := 0.0
	for j, v := range norm {
		h[j] = (1 - tau) * v
		nmax = max(nmax, v)
	}
	threads = max(1, threads)
	counts := make([][]int64, threads)
	for w := range counts {
		counts[w] = make([]int64, len(ts))
	}
	// tally counts the pair (i, j) of Gram entry v, which passed the
	// test below, under every threshold.
	tally := func(i, j int, v float64, cw []int64) {
		a := norm[i] + norm[j] - 2*v
		e := tau*(norm[i]+norm[j]) + eabs
		lo, up := a-e, a+e
		exact := -1.0
		for r, th := range tsc {
			switch {
			case up < th:
				cw[r] += 2
			case lo < th:
				if exact < 0 {
					exact = m.dist2(i, j)
				}
				if exact < ts[r] {
					cw[r] += 2
				}
			}
		}
	}
	// aᵢⱼ − eᵢⱼ < Tmax needs hⱼ − 2ĝᵢⱼ below t (with room for the
	// roundings of both forms).
	rowT := func(i int) float64 {
		return tmax - h[i] + eabs + 0x1p-40*(norm[i]+nmax+tmax) + 0x1p-1000
	}
	if m.d <= kernel.FlushEvery {
		// The float32 entries are the Gram entries themselves (SymGram32);
		// kernel.ScanRowAll32 finds the columns with hⱼ − 2ĝᵢⱼ ≤ t,
		// vectorised, all at once, and the test below keeps those under t;
		// for the rows whose threshold stripT32 takes (and h32 not nil),
		// screenStripRow finds the same columns, screened in single
		// precision first (scanStripRow's proof).
		pass := make([][kernel.BlockRows]int32, threads)
		h32 := stripH32(h)
		// Each row's thresholds once, not once a block.
		rts, rt32 := make([]float64, n), make([]float32, n)
		screen := make([]bool, n)
		for i := range rts {
			rts[i] = rowT(i)
			rt32[i], screen[i] = stripT32(rts[i])
			screen[i] = screen[i] && h32 != nil
		}
		kernel.SymGram32(pr.p, threads, func(w, i0, i1, j0, j1 int, g []float32, ld int) {
			cw := counts[w]
			for i := i0; i < i1; i++ {
				gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
				start := 0
				if j0 == i0 { // diagonal block: the pairs j > i
					start = i - i0 + 1
				}
				hj := h[j0+start : j1]
				gi = gi[start:]
				t := rts[i]
				var pj []int32
				if screen[i] {
					pj = screenStripRow(gi, hj, h32[j0+start:j1], t, rt32[i], pass[w][:len(gi)])
				} else {
					pj = pass[w][:kernel.ScanRowAll32(gi, hj, t, pass[w][:len(gi)])]
				}
				for _, jj := range pj {
					if v := float64(gi[jj]); hj[jj]-2*v < t {
						tally(i, j0+start+int(jj), v, cw)
					}
				}
			}
		})
	} else {
		kernel.SymGram(pr.p, threads, func(w, i0, i1, j0, j1 int, g []float64, ld int) {
			cw := counts[w]
			for i := i0; i < i1; i++ {
				gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
				start := 0
				if j0 == i0 { // diagonal block: the pairs j > i
					start = i - i0 + 1
				}
				hj := h[j0:j1]
				hj = hj[:len(gi)]
				t := rowT(i)
				for jj := start; jj < len(gi); jj++ {
					if v := gi[jj]; hj[jj]-2*v < t {
						tally(i, j0+jj, v, cw)
					}
				}
			}
		})
	}
	c = make([]int64, len(ts))
	for _, cw := range counts {
		for r, v := range cw {
			c[r] += v
		}
	}
	return c, true
}
