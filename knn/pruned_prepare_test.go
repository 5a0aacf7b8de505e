package knn

import (
	"math"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// prepareCoords on the first m of every row's mm values gives what
// prepareWith gives on a copy of them, bit for bit: mean, scale, norms,
// error bounds and the packed rows (their Gram, entry by entry), also when
// a row beyond the sample makes the scale change, and refuses what
// prepareWith refuses (a value that is not finite).
func TestPrepareCoords(t *testing.T) {
	gram := func(p *kernel.Packed, n int) []float32 {
		g := make([]float32, n*n)
		kernel.SymGram32(p, 1, func(_, i0, i1, j0, j1 int, b []float32, ld int) {
			for i := i0; i < i1; i++ {
				for j := j0; j < j1; j++ {
					g[i*n+j] = b[(i-i0)*ld+j-j0]
				}
			}
		})
		return g
	}
	for _, tc := range []struct {
		name     string
		n, mm, m int
		big, nan int // a row scaled far beyond the others / holding a NaN (−1: none)
	}{
		{"small", 40, 24, 8, -1, -1},
		{"sampled", 1000, 64, 16, -1, -1},
		{"m = M", 300, 32, 32, -1, -1},
		{"rescaled", 1000, 64, 16, 999, -1},
		{"not finite", 500, 48, 16, -1, 333},
	} {
		p := lowRank(tc.n, tc.mm, 6, 0.05, uint64(tc.n+tc.mm))
		if tc.big >= 0 {
			for j := 0; j < tc.m; j++ {
				p[tc.big*tc.mm+j] *= 0x1p50
			}
		}
		if tc.nan >= 0 {
			p[tc.nan*tc.mm+tc.m-1] = math.NaN()
		}
		pc := make([]float64, tc.n*tc.m)
		for i := 0; i < tc.n; i++ {
			copy(pc[i*tc.m:(i+1)*tc.m], p[i*tc.mm:i*tc.mm+tc.m])
		}
		want, wok := prepareWith(view(cloud.Must64(pc, tc.n, tc.m)), packBoth)
		var packed *kernel.Packed
		calls := 0
		got, ok := prepareCoords(p, tc.mm, tc.m, tc.n, func(centre func(int, []float32)) {
			calls++
			packed = kernel.PackFunc(tc.n, tc.m, centre)
		})
		if ok != wok || (tc.nan >= 0) == ok {
			t.Fatalf("%s: ok %v, prepareWith %v", tc.name, ok, wok)
		}
		if !ok {
			continue
		}
		if tc.big >= 0 && calls < 2 {
			t.Fatalf("%s: packed %d times, want a second packing at the new scale", tc.name, calls)
		}
		if got.scale != want.scale || got.tau != want.tau || got.eabs != want.eabs {
			t.Fatalf("%s: scale, τ, e = %g, %g, %g; want %g, %g, %g", tc.name, got.scale, got.tau, got.eabs, want.scale, want.tau, want.eabs)
		}
		for j := range want.mean {
			if math.Float64bits(got.mean[j]) != math.Float64bits(want.mean[j]) {
				t.Fatalf("%s: mean[%d] = %g, want %g", tc.name, j, got.mean[j], want.mean[j])
			}
		}
		for i := range want.norm {
			if math.Float64bits(got.norm[i]) != math.Float64bits(want.norm[i]) {
				t.Fatalf("%s: norm[%d] = %g, want %g", tc.name, i, got.norm[i], want.norm[i])
			}
		}
		g, w := gram(packed, tc.n), gram(want.p, tc.n)
		for e := range w {
			if math.Float32bits(g[e]) != math.Float32bits(w[e]) {
				t.Fatalf("%s: Gram entry (%d, %d) = %g, want %g", tc.name, e/tc.n, e%tc.n, g[e], w[e])
			}
		}
	}
}

// centreCoords writes centre's values and norm, and decides top ≤ 2⁴⁰ as
// centre does, at scales on both sides of 2⁴⁰, NaN and ±Inf included.
func TestCentreCoords(t *testing.T) {
	mean := []float64{0.5, -1, 3, 0, 2, 7, -4, 1, 0.25}
	for _, s := range []float64{1, 0x1p30, 0x1p38, 0x1p39, 0x1p40, 0x1p41, 0x1p60, math.Inf(1), math.NaN()} {
		for one := -1; one < len(mean); one++ { // one entry scaled by s, or all
			row := make([]float64, len(mean))
			for j := range row {
				row[j] = mean[j] + float64(j%3) - 0.75
				if one < 0 || j == one {
					row[j] *= s
				}
			}
			a, b := make([]float32, len(row)), make([]float32, len(row))
			s1, top1 := centre(row, mean, 1, a)
			s2, top2 := centreCoords(row, mean, 1, b)
			if math.Float64bits(s1) != math.Float64bits(s2) {
				t.Fatalf("scale %g, entry %d: norm %g, want %g", s, one, s2, s1)
			}
			for j := range a {
				if math.Float32bits(a[j]) != math.Float32bits(b[j]) {
					t.Fatalf("scale %g, entry %d: value %d = %g, want %g", s, one, j, b[j], a[j])
				}
			}
			if (top1 <= 0x1p40) != (top2 <= 0x1p40) {
				t.Fatalf("scale %g, entry %d: top %g against centre's %g", s, one, top2, top1)
			}
		}
	}
}

// Margins computed row by row in any order (newProjectionDeferred,
// marginRows, rows computed twice) are newProjection's bit for bit,
// maxima included, for staged (m < M/2) and unstaged plans.
func TestDeferredMargins(t *testing.T) {
	n, d := 300, 40
	for _, dims := range [][2]int{{16, 64}, {32, 64}, {8, 96}} {
		m, mm := dims[0], dims[1]
		p := lowRank(n, mm, 7, 0.1, uint64(mm+m))
		c2 := make([]float64, n)
		orig := make([]int32, n)
		for i := range c2 {
			c2[i] = 1.5 * sumSq4(p[i*mm:(i+1)*mm])
			orig[i] = int32(n - 1 - i)
		}
		pl := &prunePlan{scale: 0.5, m: m, mm: mm, epsQ: 1e-9}
		want := newProjection(pl, d, p, orig, c2)
		got := newProjectionDeferred(pl, d, p, orig, c2)
		for i := n - 1; i >= 0; i -= 2 {
			got.marginRows(i, i+1)
		}
		got.marginRows(0, n/2)
		for i := 0; i < n; i += 2 {
			got.marginRows(i, i+1)
		}
		got.setMargins()
		if len(got.mid) != len(want.mid) || len(want.mid) == 0 && m < mm/2 {
			t.Fatalf("m=%d M=%d: %d intermediate bounds, want %d", m, mm, len(got.mid), len(want.mid))
		}
		all := func(pj *projection) []margins { return append([]margins{pj.coarse, pj.full}, pj.mid...) }
		for b, w := range all(want) {
			g := all(got)[b]
			if g.amax != w.amax || g.gamma != w.gamma {
				t.Fatalf("m=%d M=%d bound %d: amax, γ = %g, %g; want %g, %g", m, mm, b, g.amax, g.gamma, w.amax, w.gamma)
			}
			for i := range n {
				if g.a[i] != w.a[i] || g.rho[i] != w.rho[i] || g.beta[i] != w.beta[i] {
					t.Fatalf("m=%d M=%d bound %d row %d: a, ρ, β = %g, %g, %g; want %g, %g, %g", m, mm, b, i,
						g.a[i], g.rho[i], g.beta[i], w.a[i], w.rho[i], w.beta[i])
				}
			}
		}
	}
}
