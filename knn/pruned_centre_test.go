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

// TestCentre4: the projection's centring writes the same float32 entries
// as centre, a bound on the largest |entry| that is at least it and equal
// to it above 2²⁰ (NaN when an entry is NaN), and the squared norm within
// the rounding of a sum of d squares (γ_d).
func TestCentre4(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for d := 0; d <= 41; d++ {
		for trial := 0; trial < 20; trial++ {
			row := make([]float32, d)
			mean := make([]float64, d)
			for j := range row {
				row[j] = float32(rng.NormFloat64() * math.Ldexp(1, rng.IntN(48)-20))
				mean[j] = rng.NormFloat64()
			}
			if d > 0 && trial == 1 {
				row[rng.IntN(d)] = float32(math.NaN())
			}
			if d > 0 && trial == 2 {
				row[rng.IntN(d)] = float32(math.Inf(-1))
			}
			want := make([]float32, d)
			got := make([]float32, d)
			s0, t0 := centre(row, mean, 0x1p-3, want)
			s1, t1 := centre4(row, mean, 0x1p-3, got)
			for j := range want {
				if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
					t.Fatalf("d=%d: entry %d = %v, want %v", d, j, got[j], want[j])
				}
			}
			if math.IsNaN(t0) != math.IsNaN(t1) || !math.IsNaN(t0) && (t1 < t0 || t0 > 0x1p20 && t1 != t0 || t1 > 0x1p20 && t0 <= 0x1p20) {
				t.Fatalf("d=%d trial %d: top %v, want %v", d, trial, t1, t0)
			}
			if math.IsNaN(s0) || math.IsInf(s0, 0) {
				if !(math.IsNaN(s1) || math.IsInf(s1, 0)) {
					t.Fatalf("d=%d trial %d: norm %v, want %v", d, trial, s1, s0)
				}
				continue
			}
			if math.Abs(s1-s0) > 2*gamma(d)*s0 {
				t.Fatalf("d=%d: norm %v, want %v within γ_d", d, s1, s0)
			}
		}
	}
}

// TestPrunedWideForced: forced on few wide rows, the plan takes the coarse
// bound on all M coordinates without predicting (Cost reports 1), and the
// search still equals brute force bit for bit, with 1 and 3 threads.
func TestPrunedWideForced(t *testing.T) {
	n, d := 240, 3000
	x := m64(lowRank(n, d, 40, 1e-3, 21), n, d)
	pl := planPrune(view(x), 2, 2, true)
	if pl == nil || pl.m != pl.mm || pl.evals != nil {
		t.Fatalf("forced plan on %d × %d: %+v, want m = M and no prediction", n, d, pl)
	}
	p := &Pruning{pl: pl, d: d}
	if c := p.Cost(); c != 1 {
		t.Fatalf("Cost = %v, want 1 (no prediction)", c)
	}
	if planPrune(view(x), 2, 2, false) != nil {
		t.Fatalf("auto plans %d rows", n)
	}
	for _, k := range []int{1, 2, 3, 20} {
		for _, threads := range []int{1, 3} {
			want, err := Search(x, k, &Options{Search: SearchBrute, Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Search(x, k, &Options{Search: SearchPruned, Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			if got.Search != SearchPruned {
				t.Fatalf("k = %d: pruned search not run", k)
			}
			sameGraph(t, got, want)
		}
	}
}

// TestDirections32: on wide rows the float32 kernel's directions are
// orthonormal within the εQ they report (recomputed here in float64, and
// at most 0.01·√M·Tau(d)), and capture the variance of low-rank data as
// the float64 ones do (within 0.2 %).
func TestDirections32(t *testing.T) {
	n, d := 400, 2500
	xs := lowRank(n, d, 30, 1e-3, 23)
	v := view(m64(xs, n, d))
	base := planPrune(v, 2, 2, true)
	if base == nil {
		t.Fatal("no plan")
	}
	var frac [2]float64
	for f, f32 := range []bool{true, false} {
		pl := &prunePlan{mean: base.mean, scale: base.scale}
		if !pl.directionsWith(v, 200, 128, 2, f32) {
			t.Fatalf("f32 %v: no directions", f32)
		}
		if f32 && !(pl.epsQ <= 0.01*math.Sqrt(float64(pl.mm))*kernel.Tau(d)) {
			t.Fatalf("εQ = %g above 1 %% of the margin", pl.epsQ)
		}
		var e float64
		for a := 0; a < pl.mm; a++ {
			for b := 0; b < pl.mm; b++ {
				var s float64
				for j := 0; j < d; j++ {
					s += pl.q[a*d+j] * pl.q[b*d+j]
				}
				if a == b {
					s--
				}
				e += s * s
			}
		}
		if math.Sqrt(e) > pl.epsQ {
			t.Fatalf("f32 %v: ‖QQᵀ − I‖_F = %g above the reported %g", f32, math.Sqrt(e), pl.epsQ)
		}
		// Variance captured by the directions, rows centred as the plan does.
		var in, all float64
		c := make([]float64, d)
		for i := 0; i < n; i++ {
			all += v.centre64(i, pl.mean, pl.scale, c)
			for a := 0; a < pl.mm; a++ {
				var s float64
				for j, cv := range c {
					s += pl.q[a*d+j] * cv
				}
				in += s * s
			}
		}
		if pl.mm < 30 {
			t.Fatalf("f32 %v: %d directions", f32, pl.mm)
		}
		frac[f] = in / all
	}
	if !(frac[0] > frac[1]-0.002 && frac[1] > 0.95) {
		t.Fatalf("variance captured: %.4f by float32, %.4f by float64", frac[0], frac[1])
	}
	t.Logf("variance captured: %.4f by float32, %.4f by float64", frac[0], frac[1])
}

// TestSeedLeaves: seeding leaf by leaf (each pair's bound and exact
// distance computed once) leaves every row with the exact distances and
// candidates of seeding row by row (seedRows), for k = 1, 2, 20.
func TestSeedLeaves(t *testing.T) {
	n, d := 700, 60
	x := view(m64(lowRank(n, d, 12, 1e-2, 24), n, d))
	for _, k := range []int{1, 2, 20} {
		pl := planPrune(x, k, 2, true)
		if pl == nil {
			t.Fatal("no plan")
		}
		a, _ := newPruned(x, k, 2, pl)
		b, _ := newPruned(x, k, 2, pl)
		a.seed(3)
		b.seedRows(nil, 2)
		idx := make([][2][]int32, 2)
		for i := range a.rows {
			ra, rb := &a.rows[i], &b.rows[i]
			if ra.h.Len() != rb.h.Len() || ra.limit != rb.limit || len(ra.cand) != len(rb.cand) {
				t.Fatalf("k=%d row %d: %d exact, %d candidates, limit %d; want %d, %d, %d", k, i,
					ra.h.Len(), len(ra.cand), ra.limit, rb.h.Len(), len(rb.cand), rb.limit)
			}
			for s, r := range []*prow{ra, rb} {
				h := r.h
				idx[s][0] = make([]int32, h.Len())
				dist := make([]float64, h.Len())
				var sc TopK
				h.sortedWith(&sc.buf, &sc.ns, idx[s][0], dist)
				for _, v := range dist {
					idx[s][0] = append(idx[s][0], int32(math.Float64bits(v)>>32), int32(math.Float64bits(v)))
				}
				idx[s][1] = idx[s][1][:0]
				for _, cd := range r.cand {
					idx[s][1] = append(idx[s][1], cd.j)
				}
				slices.Sort(idx[s][1])
			}
			if !slices.Equal(idx[0][0], idx[1][0]) || !slices.Equal(idx[0][1], idx[1][1]) {
				t.Fatalf("k=%d row %d: seeds differ", k, i)
			}
		}
	}
}

// TestBestFirst: a row whose candidates are every other row with the
// coarse bound 0 (valid, and useless) ends with brute force's neighbours
// bit for bit after bestFirst, and every candidate left has a bound above
// its k-th distance; a bounded call takes at most e exact distances
// (exactly e while fewer than k are known).
func TestBestFirst(t *testing.T) {
	n, d := 300, 40
	xs := m64(lowRank(n, d, 8, 1e-2, 25), n, d)
	x := view(xs)
	for _, k := range []int{1, 2, 20} {
		want, err := Search(xs, k, &Options{Search: SearchBrute})
		if err != nil {
			t.Fatal(err)
		}
		pl := planPrune(x, k, 2, true)
		c, _ := newPruned(x, k, 2, pl)
		s := new([32]float64)
		for i := 0; i < n; i += 7 {
			r := &c.rows[i]
			r.cand = r.cand[:0]
			for j := 0; j < n; j++ {
				if j != i {
					r.cand = append(r.cand, pcand{j: int32(j)})
				}
			}
			c.bestFirst(r, i, 3, s)
			// Three exact distances, or fewer once the k-th bounds the rest.
			if e := n - 1 - len(r.cand); e > 3 || e < min(k, 3) || r.h.Len() != min(k, e) {
				t.Fatalf("k=%d row %d: %d exact, %d in the list after e = 3", k, i, e, r.h.Len())
			}
			c.bestFirst(r, i, -1, s)
			for _, cd := range r.cand {
				if !(cd.lo > r.bound()) {
					t.Fatalf("k=%d row %d: candidate %d left with bound %g ≤ %g", k, i, cd.j, cd.lo, r.bound())
				}
			}
			o := int(c.pj.orig[i])
			idx, dist := make([]int32, k), make([]float64, k)
			var sc TopK
			r.h.sortedWith(&sc.buf, &sc.ns, idx, dist)
			for q := range idx {
				if idx[q] != want.Index[o*k+q] || math.Sqrt(dist[q]) != want.Dist[o*k+q] {
					t.Fatalf("k=%d row %d: neighbour %d = (%d, %g), want (%d, %g)", k, o, q,
						idx[q], math.Sqrt(dist[q]), want.Index[o*k+q], want.Dist[o*k+q])
				}
			}
		}
	}
}

// TestSortCands: sortCands orders as slices.SortFunc by (bound, position),
// with many equal bounds and repeated positions, at every length to 300.
func TestSortCands(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 26))
	for n := 0; n <= 300; n++ {
		for _, levels := range []int{1, 3, 1000} {
			c := make([]pcand, n)
			for i := range c {
				c[i] = pcand{lo: float64(rng.IntN(levels)) * 0.25, j: int32(rng.IntN(n + 1)), fine: rng.IntN(2) == 0}
			}
			want := slices.Clone(c)
			slices.SortFunc(want, func(a, b pcand) int {
				if a.lo != b.lo {
					return cmp.Compare(a.lo, b.lo)
				}
				return cmp.Compare(a.j, b.j)
			})
			sortCands(c)
			for i := range c {
				if c[i].lo != want[i].lo || c[i].j != want[i].j {
					t.Fatalf("n=%d levels %d: entry %d = %+v, want %+v", n, levels, i, c[i], want[i])
				}
			}
		}
	}
}

// TestLeavesThreads: the seeding tree's order and leaves do not depend on
// the threads splitting it; leaves are contiguous, numbered in order, of
// leafSize(k) to twice that rows.
func TestLeavesThreads(t *testing.T) {
	rng := rand.New(rand.NewPCG(28, 28))
	for _, n := range []int{0, 1, 63, 20000} {
		mm := 9
		p := make([]float64, n*mm)
		for i := range p {
			p[i] = rng.NormFloat64() * float64(1+i%mm)
		}
		for _, k := range []int{2, 40} {
			leaf1, perm1 := leaves(p, mm, n, k, 1)
			for _, threads := range []int{2, 3, 8} {
				leaf, perm := leaves(p, mm, n, k, threads)
				if !slices.Equal(leaf, leaf1) || !slices.Equal(perm, perm1) {
					t.Fatalf("n=%d k=%d: %d threads differ from one", n, k, threads)
				}
			}
			size, run := leafSize(k), 0
			for q, r := range perm1 {
				run++
				if q+1 == n || leaf1[perm1[q+1]] != leaf1[r] {
					if q+1 < n && leaf1[perm1[q+1]] != leaf1[r]+1 || n >= 2*size && (run < size || run >= 2*size) {
						t.Fatalf("n=%d k=%d: leaf %d of %d rows, next %d", n, k, leaf1[r], run, q+1)
					}
					run = 0
				}
			}
		}
	}
}

// TestPrunedSpare: the float32 plan of wide rows hands its packed sample to
// the search (prunePlan.spare), whose projection packs Q into that memory
// (stale sample values in it); the graph equals brute
// force's, for float32 and float64 rows, 1 and 3 threads, k = 2 and 10, and
// the search takes the spare (nil afterwards) and the plan's Q (its
// coordinates in Q's memory, with rows ≥ n: newPrunedWith). A Pruning's plan
// keeps none.
func TestPrunedSpare(t *testing.T) {
	n, d := 500, 2300
	xs := lowRank(n, d, 20, 1e-2, 29)
	x32 := make([]float32, len(xs))
	for i, v := range xs {
		x32[i] = float32(v)
	}
	for _, x := range []*cloud.Matrix{m64(xs, n, d), cloud.Must32(x32, n, d)} {
		v := view(x)
		for _, k := range []int{2, 10} {
			want := bruteForce(v, k, 2)
			for _, threads := range []int{1, 3} {
				pl := planPrune(v, k, threads, true)
				if pl == nil || pl.spare == nil {
					t.Fatalf("k = %d: no float32 plan with its packed sample", k)
				}
				got := prunedSearch(v, k, threads, pl)
				if got.Search != SearchPruned || pl.spare != nil || pl.q != nil {
					t.Fatalf("k = %d, %d threads: pruned %v, spare left %v, Q left %v", k, threads, got.Search == SearchPruned, pl.spare != nil, pl.q != nil)
				}
				sameGraph(t, got, want)
				pl = planPrune(v, k, threads, true)
				q := pl.q
				spare := pl.spare
				pl.spare = nil
				c, _ := newPrunedWith(v, k, threads, pl, spare)
				if c == nil || &c.pj.p[0] != &q[:1][0] {
					t.Fatalf("k = %d, %d threads: the coordinates are not in Q's memory", k, threads)
				}
				if spare.N != 0 || spare.Rows != 0 {
					t.Fatalf("k = %d, %d threads: the spare kept its buffers (kernel.Packed.Recycle)", k, threads)
				}
			}
		}
		pr, err := PlanSearch(x, 2, &Options{Search: SearchPruned})
		if err != nil || pr == nil || pr.pl.spare != nil {
			t.Fatalf("PlanSearch: %v, spare kept %v", err, pr != nil && pr.pl.spare != nil)
		}
	}
}
