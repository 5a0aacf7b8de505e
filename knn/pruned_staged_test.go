package knn

import (
	"math"
	"testing"

	"github.com/intdim/intdim/internal/kernel"
)

// graphsDiffer returns the first entry where two graphs differ, or -1.
func graphsDiffer(a, b *Graph) int {
	for i := range a.Index {
		if a.Index[i] != b.Index[i] || math.Float64bits(a.Dist[i]) != math.Float64bits(b.Dist[i]) {
			return i
		}
	}
	return -1
}

// TestPrunedStagedGram: the staged bound with its first m coordinates from
// the Gram entry (lowerStagedGram) never exceeds the Dist2 brute force
// computes, at tiny, unit and huge scales far from the origin; under an
// infinite bound it reaches all M coordinates and is within 1 % of the
// fine bound. A broken Gram margin (eᵢⱼ made negative) is caught.
func TestPrunedStagedGram(t *testing.T) {
	n, d := 300, 90
	for _, s := range []float64{0x1p-100, 1, 1e30} {
		v, pl := scaledPlan(t, n, d, s)
		for _, m := range []int{8, 16} {
			pl.m = m
			c, pr := newPruned(v, 2, 1, pl)
			if c == nil || len(c.pj.midEnds) == 0 {
				t.Fatalf("scale %g m=%d: no staged projection", s, m)
			}
			o := c.pj.orig
			refused := func(check bool) int {
				bad := 0
				kernel.SymGram(pr.p, 1, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
					for i := i0; i < i1; i++ {
						for j := max(j0, i+1); j < j1; j++ {
							gij := g[(i-i0)*ld+j-j0]
							d2 := v.dist2(int(o[i]), int(o[j]))
							if lo, full := c.lowerStagedGram(i, j, gij, d2); !full || lo > d2 {
								bad++
							}
							lo, full := c.lowerStagedGram(i, j, gij, math.Inf(1))
							if lf := c.lowerFine(i, j); check && (!full || math.Abs(lo-lf) > 1e-2*lf+1e-300) {
								t.Fatalf("scale %g m=%d: pair (%d, %d): staged %v (%v), fine %v", s, m, i, j, lo, full, lf)
							}
						}
					}
				})
				return bad
			}
			if bad := refused(true); bad != 0 {
				t.Fatalf("scale %g m=%d: %d pairs refused under their own Dist2", s, m, bad)
			}
			c.tau, c.eabs = -0.3, 0
			if bad := refused(false); bad == 0 {
				t.Fatalf("scale %g m=%d: a broken Gram margin went unnoticed", s, m)
			}
		}
	}
}

// TestPrunedSharedStaged: off the Gram's diagonal, the column phase takes
// the staged bound the row phase computed for the same pair (stagedRec);
// the search with that sharing gives brute force's graph bit for bit, for
// the one search and its strips, and a broken record (a pair's bound made
// infinite) changes the graph.
func TestPrunedSharedStaged(t *testing.T) {
	defer func() { stagedRecHook = nil }()
	n, d := 1100, 300
	x := m64(lowRank(n, d, 40, 1e-3, 25), n, d)
	for _, k := range []int{1, 2, 20} {
		pl := stagedPlan(t, x, k)
		want := bruteForce(view(x), k, 2)
		used := 0
		stagedRecHook = func(*stagedRec) { used++ }
		if e := graphsDiffer(prunedSearch(view(x), k, 1, pl), want); e >= 0 {
			t.Fatalf("k=%d: entry %d differs from brute force", k, e)
		}
		if used == 0 {
			t.Fatalf("k=%d: no staged bound shared", k)
		}
		stagedRecHook = nil
		if e := graphsDiffer(prunedSearch(view(x), k, 3, pl), want); e >= 0 {
			t.Fatalf("k=%d threads=3: entry %d differs from brute force", k, e)
		}
		checkStrips(t, "shared staged", x, k, &Pruning{pl: pl, d: d}, Euclidean, []int{0, 250, 600, n})
		stagedRecHook = func(r *stagedRec) { r.full, r.v = true, math.Inf(1) }
		if e := graphsDiffer(prunedSearch(view(x), k, 1, pl), want); e < 0 {
			t.Fatalf("k=%d: a broken shared bound went unnoticed", k)
		}
		stagedRecHook = nil
	}
}

// TestAutoWideStraight: on a large layer (widePlan) whose sample passes
// lowRankSample, auto plans the 256 directions straight away, the plan a
// forced search makes (the search then is prunedSearch's, whose graph the
// other tests compare with brute force's); an isotropic one of the same
// size makes the first plan and is searched by brute force.
func TestAutoWideStraight(t *testing.T) {
	defer func() { planTrace = nil }()
	n, d := 12288, 683
	if may, dear := autoMayPlan(n, d, 2); !widePlan(n, d) || !may || dear {
		t.Fatalf("%d × %d is not a wide plan's layer", n, d)
	}
	var trace []string
	planTrace = func(s string) { trace = append(trace, s) }
	x := m64(lowRank(n, d, 12, 1e-3, 51), n, d)
	pa := planPrune(view(x), 2, 2, false)
	if pa == nil || len(trace) != 1 || trace[0] != "wide" {
		t.Fatalf("low rank: plan %v, trace %v; want the wide plan only", pa != nil, trace)
	}
	pf := planPrune(view(x), 2, 2, true)
	if pa.m != pf.m || pa.mm != pf.mm || len(pa.q) != len(pf.q) {
		t.Fatalf("auto's plan m=%d M=%d, forced m=%d M=%d", pa.m, pa.mm, pf.m, pf.mm)
	}
	for i := range pa.q {
		if math.Float64bits(pa.q[i]) != math.Float64bits(pf.q[i]) {
			t.Fatalf("auto's directions differ from the forced plan's at %d", i)
		}
	}
	trace = nil
	y := m64(randMatrix(n, d, 52), n, d)
	if pl := planPrune(view(y), 2, 2, false); pl != nil || len(trace) != 1 || trace[0] != "first" {
		t.Fatalf("isotropic: plan %v, trace %v; want brute force after the first plan", pl != nil, trace)
	}
}

// TestMaxDirections: Options.MaxDirections caps the directions of the
// plan ChooseSearch and PlanSearch make (the wide plan of
// TestAutoWideStraight's low-rank layer has 256 without it, at most 128
// with it, and is still made straight away), and the search on the capped
// plan returns Search's lists: the strips of a plan with the cap merge to
// brute force's graph bit for bit.
func TestMaxDirections(t *testing.T) {
	defer func() { planTrace = nil }()
	n, d := 12288, 683
	x := m64(lowRank(n, d, 12, 1e-3, 51), n, d)
	var trace []string
	planTrace = func(s string) { trace = append(trace, s) }
	_, full, err := ChooseSearch(x, 2, &Options{Threads: 2, AllDirections: true})
	if err != nil || full == nil || full.pl.mm != wideDirs {
		t.Fatalf("uncapped: %v, %v; want a pruning of %d directions", full, err, wideDirs)
	}
	for _, c := range []int{128, 64} {
		trace = nil
		mode, pr, err := ChooseSearch(x, 2, &Options{Threads: 2, MaxDirections: c})
		if err != nil || mode != SearchPruned || pr == nil || pr.pl.mm > c || pr.pl.mm < c/2 || pr.pl.m > pr.pl.mm {
			t.Fatalf("MaxDirections %d: %v, %v, %v; want a pruning of at most %d directions", c, mode, pr, err, c)
		}
		if len(trace) != 1 || trace[0] != "wide" {
			t.Fatalf("MaxDirections %d: trace %v, want the wide plan only", c, trace)
		}
		pf, err := PlanSearch(x, 2, &Options{Threads: 2, Search: SearchPruned, MaxDirections: c})
		if err != nil || pf == nil || pf.pl.mm != pr.pl.mm {
			t.Fatalf("MaxDirections %d, forced: %v, %v; want %d directions", c, pf, err, pr.pl.mm)
		}
	}
	// The capped plan of a smaller layer of the same kind (below widePlan:
	// the first plan, capped): its strips merge to brute force's lists.
	n2, d2 := 1500, 683
	y := m64(lowRank(n2, d2, 12, 1e-3, 53), n2, d2)
	pr, err := PlanSearch(y, 3, &Options{Threads: 2, Search: SearchPruned, MaxDirections: 48})
	if err != nil || pr == nil || pr.pl.mm > 48 {
		t.Fatalf("MaxDirections 48: %v, %v", pr, err)
	}
	checkStrips(t, "capped", y, 3, pr, Euclidean, []int{0, 500, 1100, n2})
}

// TestChooseDirections: by default (not Options.AllDirections) the plan's cost
// model also chooses M among the leading directions (64 or more): on the
// low-rank layer of TestAutoWideStraight it keeps fewer than the 256 it
// found, its directions are the first M of the plan without the choice
// bit for bit, its predicted cost is at most that plan's (a choice among
// more), and its evaluations are that plan's up to M; on smaller layers
// (forced plans) whose plan keeps fewer directions, Search and the strips
// of the chosen plan return brute force's lists bit for bit.
func TestChooseDirections(t *testing.T) {
	n, d := 12288, 683
	x := m64(lowRank(n, d, 12, 1e-3, 51), n, d)
	_, full, err := ChooseSearch(x, 2, &Options{Threads: 2, AllDirections: true})
	if err != nil || full == nil || full.pl.mm != wideDirs {
		t.Fatalf("without the choice: %v, %v; want %d directions", full, err, wideDirs)
	}
	_, ch, err := ChooseSearch(x, 2, &Options{Threads: 2})
	if err != nil || ch == nil {
		t.Fatalf("with the choice: %v, %v", ch, err)
	}
	f, c := full.pl, ch.pl
	if c.mm >= f.mm || c.mm < minChosenDirs || c.m > c.mm || len(c.q) != c.mm*d || c.epsQ != f.epsQ {
		t.Fatalf("chosen M = %d, m = %d, %d values of Q, εQ %g; want 64 ≤ M < %d, εQ %g", c.mm, c.m, len(c.q), c.epsQ, f.mm, f.epsQ)
	}
	for i, v := range c.q {
		if math.Float64bits(v) != math.Float64bits(f.q[i]) {
			t.Fatalf("chosen directions differ from the first %d of the full plan's at %d", c.mm, i)
		}
	}
	if !(c.pruned <= f.pruned) || len(c.evals) >= len(f.evals) || c.fine != f.evals[len(c.evals)-1] {
		t.Fatalf("chosen cost %g against %g, evals %v against %v, fine %g", c.pruned, f.pruned, c.evals, f.evals, c.fine)
	}
	data, err := ch.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Pruning
	if err := back.UnmarshalBinary(data); err != nil || back.pl.mm != c.mm || back.pl.m != c.m {
		t.Fatalf("read back: %v, M = %d, m = %d", err, back.pl.mm, back.pl.m)
	}
	for _, sz := range []struct {
		n, r int
		seed uint64
		k    int
	}{{3000, 8, 61, 3}, {4000, 6, 62, 2}} {
		y := m64(lowRank(sz.n, d, sz.r, 1e-3, sz.seed), sz.n, d)
		mode := SearchPruned
		opt := &Options{Threads: 2, Search: mode}
		pr, err := PlanSearch(y, sz.k, opt)
		if err != nil || pr == nil {
			t.Fatalf("%d rows: PlanSearch %v, %v", sz.n, pr, err)
		}
		pf, _ := PlanSearch(y, sz.k, &Options{Threads: 2, Search: mode, AllDirections: true})
		if pf == nil || pr.pl.mm >= pf.pl.mm {
			t.Fatalf("%d rows: M = %d with the choice, %v without; want fewer", sz.n, pr.pl.mm, pf)
		}
		want, err := Search(y, sz.k, &Options{Search: SearchBrute, Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Search(y, sz.k, opt)
		if err != nil || got.Search != SearchPruned {
			t.Fatalf("%d rows: Search %v, %v; want the pruned search", sz.n, got, err)
		}
		for s := range want.Index {
			if got.Index[s] != want.Index[s] || math.Float64bits(got.Dist[s]) != math.Float64bits(want.Dist[s]) {
				t.Fatalf("%d rows: Search with the chosen plan differs from brute force at entry %d", sz.n, s)
			}
		}
		checkStrips(t, "chosen", y, sz.k, pr, Euclidean, []int{0, sz.n / 5, sz.n / 2, sz.n})
	}
}

// TestPrunedOverflowMirror: the flag pushShared reads (over) is the row's
// own overflow flag after the Gram pass, and a row that overflowed takes
// no candidate after it (its list stays empty), on duplicate-laden rows
// with the floor of candidates removed so that rows overflow.
func TestPrunedOverflowMirror(t *testing.T) {
	old, oldP := candidateFloor, prunedFloor
	candidateFloor, prunedFloor = 8, 0
	defer func() { candidateFloor, prunedFloor = old, oldP }()
	x := groupedRows(700, 64)
	pl := planPrune(view(x), 2, 1, true)
	if pl == nil {
		t.Fatal("no plan")
	}
	c, pr := newPruned(view(x), 2, 1, pl)
	c.seed(1)
	kernel.SymGram32(pr.p, 1, c.block)
	over := 0
	for i := range c.rows {
		if c.over[i] != c.rows[i].overflow {
			t.Fatalf("row %d: over %v, overflow %v", i, c.over[i], c.rows[i].overflow)
		}
		if c.over[i] {
			over++
			if len(c.rows[i].cand) != 0 {
				t.Fatalf("row %d overflowed and then took %d candidates", i, len(c.rows[i].cand))
			}
		}
	}
	if over == 0 {
		t.Fatal("no row overflowed")
	}
}

// TestOptionsDirs: the directions a pruned plan may take and whether the
// cost model chooses among them, for nil options, MaxDirections unset,
// below, at and above wideDirs, negative, and with AllDirections.
func TestOptionsDirs(t *testing.T) {
	for _, c := range []struct {
		opt  *Options
		want dirOpts
	}{
		{nil, dirOpts{max: wideDirs, choose: true}},
		{&Options{}, dirOpts{max: wideDirs, choose: true}},
		{&Options{MaxDirections: 48}, dirOpts{max: 48, choose: true}},
		{&Options{MaxDirections: wideDirs}, dirOpts{max: wideDirs, choose: true}},
		{&Options{MaxDirections: 4 * wideDirs}, dirOpts{max: wideDirs, choose: true}},
		{&Options{MaxDirections: -3}, dirOpts{max: wideDirs, choose: true}},
		{&Options{AllDirections: true}, dirOpts{max: wideDirs}},
		{&Options{AllDirections: true, MaxDirections: 128}, dirOpts{max: 128}},
	} {
		if got := c.opt.dirs(); got != c.want {
			t.Errorf("%+v: dirs() = %+v, want %+v", c.opt, got, c.want)
		}
	}
}
