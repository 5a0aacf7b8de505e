package knn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/intdim/intdim/internal/kernel"
)

// bestFirstSorted is bestFirst as it was before bestFirstSelect (the whole
// list sorted first): the reference of TestPrunedBestFirstSelect.
func (c *pcollector) bestFirstSorted(r *prow, i, e int, s *[32]float64) {
	sortCands(r.cand)
	cand := r.cand
	h := 0
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

// TestSelectLeast: the e least candidates by pcandLess come first, in
// order, and the rest are the others, on lists with many equal bounds.
func TestSelectLeast(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := 0; trial < 500; trial++ {
		n := 1 + rng.IntN(80)
		c := make([]pcand, n)
		for t, j := range rng.Perm(n) {
			c[t] = pcand{lo: float64(rng.IntN(5)), j: int32(j), fine: true}
		}
		want := slices.Clone(c)
		sortCands(want)
		e := min(n, rng.IntN(selectMost+3))
		selectLeast(c, e)
		if !slices.Equal(c[:e], want[:e]) {
			t.Fatalf("n=%d e=%d: first %v, want %v", n, e, c[:e], want[:e])
		}
		rest := slices.Clone(c[e:])
		sortCands(rest)
		if !slices.Equal(rest, want[e:]) {
			t.Fatalf("n=%d e=%d: the rest differ", n, e)
		}
	}
}

// TestPrunedBestFirstSelect: a flush's few exact distances taken by
// selection (bestFirstSelect) push the same rows into the row's list, in
// the same order, and leave the same candidates, as the sort did
// (bestFirstSorted), on every row of a collector part-way through its
// Gram pass, with coarse candidates (m = M: raised as they come first)
// and staged ones (fine from the start), k = 1, 2, 20.
func TestPrunedBestFirstSelect(t *testing.T) {
	n, d := 900, 300
	x := m64(lowRank(n, d, 40, 1e-3, 31), n, d)
	for _, k := range []int{1, 2, 20} {
		for _, staged := range []bool{true, false} {
			pl := stagedPlan(t, x, k)
			if !staged {
				pl.m = pl.mm
			}
			c, pr := newPruned(view(x), k, 1, pl)
			c.seed(1)
			// Part of the Gram pass, with no flush: long lists.
			for i := range c.rows {
				c.rows[i].limit = math.MaxInt
			}
			blocks := 0
			kernel.SymGram32(pr.p, 1, func(w, i0, i1, j0, j1 int, g []float32, ld int) {
				if blocks++; blocks <= 4 {
					c.block(w, i0, i1, j0, j1, g, ld)
				}
			})
			compared, coarse := 0, 0
			for i := range c.rows {
				r := &c.rows[i]
				for _, cd := range r.cand {
					if !cd.fine {
						coarse++
					}
				}
				for _, e := range []int{1, 2, selectMost} {
					a, b := copyRow(r), copyRow(r)
					c.bestFirstSelect(a, i, e, new([32]float64))
					c.bestFirstSorted(b, i, e, new([32]float64))
					pa, pb := heldRows(a), heldRows(b)
					if !slices.Equal(pa, pb) {
						t.Fatalf("k=%d staged=%v row %d e=%d: held %v, want %v", k, staged, i, e, pa, pb)
					}
					ra, rb := slices.Clone(a.cand), slices.Clone(b.cand)
					sortCands(ra)
					sortCands(rb)
					if !slices.Equal(ra, rb) {
						t.Fatalf("k=%d staged=%v row %d e=%d: left %d candidates, want %d", k, staged, i, e, len(ra), len(rb))
					}
					if len(r.cand) > 0 {
						compared++
					}
				}
			}
			if compared == 0 || !staged && coarse == 0 {
				t.Fatalf("k=%d staged=%v: %d lists compared, %d coarse candidates", k, staged, compared, coarse)
			}
		}
	}
}

// copyRow returns a copy of r that shares no memory with it.
func copyRow(r *prow) *prow {
	c := &prow{cand: slices.Clone(r.cand), limit: r.limit, overflow: r.overflow, capped: r.capped, ub: r.ub}
	c.h.Reset(r.h.k)
	for t := range r.h.key {
		c.h.key = append(c.h.key, r.h.key[t])
		c.h.idx = append(c.h.idx, r.h.idx[t])
	}
	return c
}

// heldRows returns the rows in r's list of exact distances, with their
// distances' bits, in the heap's order.
func heldRows(r *prow) []int32 {
	out := slices.Clone(r.h.idx)
	for _, v := range r.h.key {
		out = append(out, int32(math.Float64bits(v)), int32(math.Float64bits(v)>>32))
	}
	return out
}
