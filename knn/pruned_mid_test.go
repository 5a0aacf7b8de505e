package knn

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// lowerStaged, the staged bound summed from coordinate 0 (the reference
// of lowerStagedGram, which the search uses), returns ℓᵢⱼ on all M coordinates (positions i, j), the
// value lowerFine returns up to the order of its sum, or false as soon as
// the bound on one of the prefixes midEnds exceeds u: each from the sum of
// squared differences of the float64 coordinates on the prefix
// (kernel.SqDiff segment by segment: within γ_{mc+4} of ‖p̂ᵢ − p̂ⱼ‖² on the
// prefix, as Dist2 is) with the margins of that prefix. A prefix of Q's
// rows is orthonormal as well: the bound of pruned.go holds for any number
// of leading directions, with the residual norm of that prefix. The pairs
// that pass the Gram's test are mostly ruled out on the first prefix (the
// 20,000 × 768 layer, m = 64: 96 per row pass the Gram, 49 the prefix of
// 128, 16 the fine bound).
func (c *pcollector) lowerStaged(i, j int, u float64) (float64, bool) {
	pj, mm := c.pj, c.pj.mm
	a, b := pj.p[i*mm:(i+1)*mm], pj.p[j*mm:(j+1)*mm]
	from, d2 := 0, 0.0
	bound := func(mg *margins) float64 {
		sp := math.Sqrt(d2/(1+mg.gamma)) * (1 - 0x1p-40)
		s := max(sp-mg.a[i]-mg.a[j], 0)
		t := max(math.Abs(mg.rho[i]-mg.rho[j])-mg.beta[i]-mg.beta[j], 0)
		return (s*s + t*t) * pj.lowScale
	}
	for s, e := range pj.midEnds {
		d2 += kernel.SqDiff(a[from:e], b[from:e])
		from = e
		if bound(&pj.mid[s]) > u {
			return 0, false
		}
	}
	if l := mm &^ (kernel.Dist2Lanes - 1); l > from {
		d2 += kernel.SqDiff(a[from:l], b[from:l])
		from = l
	}
	for t := from; t < mm; t++ {
		e := a[t] - b[t]
		d2 += e * e
	}
	v := bound(&pj.full)
	return v, v <= u
}

// TestPrunedMidBounds: the bounds on the prefixes between the Gram's m
// coordinates and all M never exceed the Dist2 brute force computes: the
// staged bound (lowerStaged) keeps every pair under that Dist2 as the
// row's bound, on rows at tiny, unit and huge scales far from the origin;
// under an infinite bound it returns the fine bound (lowerFine's value up
// to the order of the sum). A broken margin (the prefix bound's aᵢ made
// negative) makes the same check fail.
func TestPrunedMidBounds(t *testing.T) {
	n, d := 300, 90
	for _, s := range []float64{0x1p-100, 1, 1e30} {
		v, pl := scaledPlan(t, n, d, s)
		pl.m = 8
		c, _ := newPruned(v, 2, 1, pl)
		if c == nil {
			t.Fatal("no projection")
		}
		if len(c.pj.midEnds) != 1 || c.pj.midEnds[0] != 32 {
			t.Fatalf("scale %g: m = 8 of %d: prefixes %v", s, pl.mm, c.pj.midEnds)
		}
		refused := func() int {
			o := c.pj.orig
			bad := 0
			for i := 0; i < n; i++ {
				for j := i + 1; j < n; j++ {
					d2 := v.dist2(int(o[i]), int(o[j]))
					if _, ok := c.lowerStaged(i, j, d2); !ok {
						bad++
					}
					lo, ok := c.lowerStaged(i, j, math.Inf(1))
					if lf := c.lowerFine(i, j); !ok || math.Abs(lo-lf) > 1e-9*lf {
						t.Fatalf("scale %g: pair (%d, %d): staged %v (%v), fine %v", s, i, j, lo, ok, lf)
					}
				}
			}
			return bad
		}
		if bad := refused(); bad != 0 {
			t.Fatalf("scale %g: %d pairs refused under their own Dist2", s, bad)
		}
		// The check catches a broken prefix bound.
		for i := range c.pj.mid[0].a {
			c.pj.mid[0].a[i] = -0.3 * math.Sqrt(c.pj.c2[i])
		}
		if bad := refused(); bad == 0 {
			t.Fatalf("scale %g: a broken prefix margin went unnoticed", s)
		}
	}
}

// scaledPlan is the staged-bound tests' set-up: n × d rows of rank 40
// (plus noise 1e-3) scaled by s and moved 7·s from the origin, and a plan
// of at least 40 directions for k = 2.
func scaledPlan(t *testing.T, n, d int, s float64) (matrix, *prunePlan) {
	t.Helper()
	x := lowRank(n, d, 40, 1e-3, 23)
	for i := range x {
		x[i] = x[i]*s + 7*s
	}
	v := view(m64(x, n, d))
	pl := planPrune(v, 2, 2, true)
	if pl == nil || pl.mm < 40 {
		t.Fatalf("scale %g: plan %v", s, pl)
	}
	return v, pl
}

// stagedPlan is the staged searches' plan for k neighbours of x: 256
// directions, the Gram pass on the first 16.
func stagedPlan(t *testing.T, x *cloud.Matrix, k int) *prunePlan {
	t.Helper()
	pl := planPrune(view(x), k, 2, true)
	if pl == nil || !pl.directions(view(x), 384, 256, 2) {
		t.Fatalf("k=%d: no plan", k)
	}
	pl.m = 16
	return pl
}

// TestPrunedMidStages: a search whose Gram pass takes 16 coordinates of
// 256 (prefixes 32, 64 and 128 between) gives brute force's graph bit for
// bit, on low-rank rows and on duplicate- and tie-laden ones, for the one
// search, its blocks and its strips.
func TestPrunedMidStages(t *testing.T) {
	n, d := 900, 300
	x := m64(lowRank(n, d, 40, 1e-3, 24), n, d)
	for _, k := range []int{1, 2, 20} {
		pl := stagedPlan(t, x, k)
		if e := midEnds(pl.m, pl.mm); len(e) != 3 || e[2] != 128 {
			t.Fatalf("k=%d: prefixes %v", k, e)
		}
		want := bruteForce(view(x), k, 2)
		for _, th := range []int{1, 3} {
			got := prunedSearch(view(x), k, th, pl)
			for i := range want.Index {
				if got.Index[i] != want.Index[i] || math.Float64bits(got.Dist[i]) != math.Float64bits(want.Dist[i]) {
					t.Fatalf("k=%d threads=%d entry %d: got (%d, %v), want (%d, %v)", k, th, i, got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
				}
			}
		}
		pr := &Pruning{pl: pl, d: d}
		checkBlocks(t, "mid stages", x, k, pr, Euclidean, []int{0, 300, 301, n})
		checkStrips(t, "mid stages", x, k, pr, Euclidean, []int{0, 250, 600, n})
	}
	g := groupedRows(700, 64)
	for _, k := range []int{2, 20} {
		pl := planPrune(view(g), k, 2, true)
		if pl == nil {
			t.Fatalf("k=%d: no plan for duplicates", k)
		}
		pl.m = min(pl.m, 2)
		if len(midEnds(pl.m, pl.mm)) == 0 {
			t.Fatalf("k=%d: no prefix between 2 and %d", k, pl.mm)
		}
		want := bruteForce(view(g), k, 2)
		got := prunedSearch(view(g), k, 2, pl)
		for i := range want.Index {
			if got.Index[i] != want.Index[i] || math.Float64bits(got.Dist[i]) != math.Float64bits(want.Dist[i]) {
				t.Fatalf("duplicates k=%d entry %d: got (%d, %v), want (%d, %v)", k, i, got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
			}
		}
	}
}

// TestSelectRows: the h first rows after selectRows are the h smallest by
// (coordinate, row), as a sort would have them, on values with many ties.
func TestSelectRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 300; trial++ {
		n, mm := 1+rng.IntN(90), 3
		p := make([]float64, n*mm)
		for i := range p {
			p[i] = float64(rng.IntN(1 + trial%7))
		}
		rows := rng.Perm(n)
		r32 := make([]int32, n)
		for i, v := range rows {
			r32[i] = int32(v)
		}
		c, h := trial%mm, rng.IntN(n+1)
		want := slices.Clone(r32)
		slices.SortFunc(want, func(a, b int32) int {
			return cmp.Or(cmp.Compare(p[int(a)*mm+c], p[int(b)*mm+c]), cmp.Compare(a, b))
		})
		selectRows(r32, h, p, mm, c)
		got := slices.Clone(r32[:h])
		slices.Sort(got)
		w := slices.Clone(want[:h])
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Fatalf("trial %d: n=%d h=%d: first rows %v, want %v", trial, n, h, got, w)
		}
		all := slices.Clone(r32)
		slices.Sort(all)
		for i, v := range all {
			if int(v) != i {
				t.Fatalf("trial %d: not a permutation: %v", trial, r32)
			}
		}
	}
}
