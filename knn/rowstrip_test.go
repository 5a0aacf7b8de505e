package knn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// TestRowStripSearch: the strip search returns brute force's graph bit for
// bit on one thread and on three, on the seeding cases (Gaussian rows,
// duplicates, a lattice, float32 rows, the duplicate-laden reference array
// at k = 20 and 100), on several strips with n not a multiple of the tile
// height, on a row view, on tiny values and on wide rows, with rankNearest
// and without it (bestK's insertions), with single-precision seeds and
// without them; and kernelSearch takes it for them.
func TestRowStripSearch(t *testing.T) {
	rank, seedF32 := rankUsable, seedF32Usable
	t.Cleanup(func() { rankUsable, seedF32Usable = rank, seedF32 })
	type tc struct {
		name string
		v    matrix
		k    int
	}
	var cases []tc
	for _, c := range seedCases(t) {
		cases = append(cases, tc{c.name, view(c.x), c.k})
	}
	tiny := randMatrix(700, 9, 4)
	for i := range tiny {
		tiny[i] *= 1e-300
	}
	tiny[0] = 1
	rng := rand.New(rand.NewPCG(7, 8))
	rows := rng.Perm(3001)[:1999]
	cases = append(cases,
		tc{"strips", view(m64(randMatrix(3001, 5, 3), 3001, 5)), 7},
		tc{"row view", matrix{m: m64(randMatrix(3001, 6, 4), 3001, 6), d: 6, rows: rows}, 20},
		tc{"tiny", view(m64(tiny, 700, 9)), 5},
		tc{"wide", view(m64(randMatrix(400, 300, 5), 400, 300)), 12},
		tc{"k=1", view(m64(randMatrix(100, 2, 6), 100, 2)), 1},
		tc{"k=40", view(m64(randMatrix(1000, 4, 7), 1000, 4)), 40},
	)
	for _, c := range cases {
		n := c.v.n()
		gs := gramSeedWidth(n, c.k)
		if gs == 0 || n > rowStripMaxRows {
			t.Fatalf("%s: not a strip case (n = %d, k = %d)", c.name, n, c.k)
		}
		pr, ok := prepareWith(c.v, packBoth)
		if !ok {
			t.Fatal(c.name)
		}
		want := bruteForce(c.v, c.k, 1)
		for _, threads := range []int{1, 3} {
			if got := rowStripSearch(c.v, pr, c.k, gs, threads); !sameAs(got, want) {
				t.Fatalf("%s: strip search differs from brute force (%d threads)", c.name, threads)
			}
		}
		rankUsable = false // bestK's insertions for every row
		got := rowStripSearch(c.v, pr, c.k, gs, 1)
		rankUsable = rank
		if !sameAs(got, want) {
			t.Fatalf("%s: strip search without rankNearest differs from brute force", c.name)
		}
		seedF32Usable = false // the seeds from double-precision minima
		got = rowStripSearch(c.v, pr, c.k, gs, 1)
		seedF32Usable = seedF32
		if !sameAs(got, want) {
			t.Fatalf("%s: strip search without single-precision seeds differs from brute force", c.name)
		}
		if got := kernelSearch(c.v, c.k, 2); !sameAs(got, want) {
			t.Fatalf("%s: kernelSearch differs from brute force", c.name)
		}
	}
}

// TestPruneStrip: offered every other row of a row as candidates (with its
// Gram entries), pruneStrip keeps the k nearest by Dist2 (ties included)
// and drops most of the rest.
func TestPruneStrip(t *testing.T) {
	for _, c := range []struct {
		name string
		x    *cloud.Matrix
		k    int
	}{
		{"gauss", m64(randMatrix(600, 8, 11), 600, 8), 10},
		{"lattice", m64(latticeRows(12, 12), 144, 2), 9},
	} {
		v := view(c.x)
		n := v.n()
		pr, ok := prepareWith(v, packBoth)
		if !ok {
			t.Fatal(c.name)
		}
		g := make([]float32, pr.p.Rows*pr.p.Rows)
		kernel.CrossRows32(pr.p, pr.p, 0, pr.p.Rows, g, pr.p.Rows)
		want := bruteForce(v, c.k, 1)
		var sc []float32
		for _, i := range []int{0, 17, n - 1} {
			var cands []treeCand
			for j := range n {
				if j != i {
					cands = append(cands, treeCand{s: float64(g[i*pr.p.Rows+j]), j: int32(j)})
				}
			}
			kept := pruneStrip(pr, i, c.k, slices.Clone(cands), &sc)
			dk := v.dist2(i, int(want.Index[i*c.k+c.k-1]))
			for _, e := range cands {
				if v.dist2(i, int(e.j)) > dk {
					continue
				}
				if !slices.ContainsFunc(kept, func(f treeCand) bool { return f.j == e.j }) {
					t.Fatalf("%s row %d: neighbour %d (Dist2 %v ≤ %v) pruned", c.name, i, e.j, v.dist2(i, int(e.j)), dk)
				}
			}
			if len(kept) >= len(cands)/2 {
				t.Fatalf("%s row %d: kept %d of %d", c.name, i, len(kept), len(cands))
			}
		}
	}
}

func latticeRows(a, b int) []float64 {
	var x []float64
	for i := range a {
		for j := range b {
			x = append(x, float64(i), float64(j))
		}
	}
	return x
}

// TestRowGroupMins: the group minima of a whole row are its values'
// minima over consecutive groups as rowGroupMins lays them out, checked
// against the definition for row lengths around the chunk sizes.
func TestRowGroupMins(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, gs := range []int{2, 3, 4, 6, 8, 12, 24} {
		for _, n := range []int{8 * gs, 8*gs + 7, 8*gs + 8, 3*8*gs + 8*gs - 1, 2000, 2001} {
			g := make([]float32, n)
			h := make([]float64, n)
			for q := range g {
				g[q] = float32(rng.NormFloat64())
				h[q] = rng.Float64()
			}
			mins := rowGroupMins(g, h, gs, make([]float64, seedGroups(n, gs, 8)))
			// Every value is ≥ the minimum of its group and equals one, and
			// every group has at most gs values: recompute by layout.
			w := 8 * gs
			full := n / w * w
			var want []float64
			for c := 0; c < full/w; c++ {
				for l := range 8 {
					v := math.Inf(1)
					for r := range gs {
						q := c*w + 8*r + l
						v = min(v, h[q]-2*float64(g[q]))
					}
					want = append(want, v)
				}
			}
			rest := full
			if r := (n - full) / 8; r > 0 {
				for l := range 8 {
					v := math.Inf(1)
					for s := range r {
						q := full + 8*s + l
						v = min(v, h[q]-2*float64(g[q]))
					}
					want = append(want, v)
				}
				rest += 8 * r
			}
			for q := rest; q < n; q += gs {
				v := math.Inf(1)
				for r := q; r < min(q+gs, n); r++ {
					v = min(v, h[r]-2*float64(g[r]))
				}
				want = append(want, v)
			}
			if !slices.Equal(mins, want) {
				t.Fatalf("gs = %d, n = %d: minima differ", gs, n)
			}
		}
	}
}

// TestScanStripRow: scanStripRow returns ScanRowAll32's columns, screened
// in single precision or not, and scanStripCands (stripRow's candidates)
// a superset of them, increasing: with h32 and a threshold stripT32 takes,
// exactly ScanRowAllF32's columns, else ScanRowAll32's: Gram rows and norms of random rows at scales
// from 2⁻⁶⁰ to 2⁶⁰, thresholds at a column's own value (the tie), just
// below and above it, negative, zero, huge, infinite and NaN, entries of
// ±Inf, NaN and beyond float32's range; stripH32 declines h with a NaN or
// beyond stripF32Max and rounds down.
func TestScanStripRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	inf := math.Inf(1)
	for trial := range 3000 {
		n := 1 + rng.IntN(70)
		scale := math.Ldexp(1, rng.IntN(121)-60)
		g, h := make([]float32, n), make([]float64, n)
		for q := range g {
			x := rng.NormFloat64() * scale
			h[q] = (x*x + rng.Float64()*scale*scale) * (1 - 0x1p-20)
			g[q] = float32(x * rng.NormFloat64() * scale)
			if trial%10 == 3 && rng.IntN(8) == 0 {
				g[q] = []float32{float32(inf), float32(-inf), float32(math.NaN()), math.MaxFloat32, -math.MaxFloat32, 0x1p-149}[rng.IntN(6)]
			}
		}
		q := rng.IntN(n)
		v := h[q] - 2*float64(g[q])
		var th float64
		switch trial % 9 {
		case 0:
			th = v
		case 1:
			th = math.Nextafter(v, -inf)
		case 2:
			th = math.Nextafter(v, inf)
		case 3:
			th = -rng.Float64() * scale * scale
		case 4:
			th = 0
		case 5:
			th = []float64{inf, -inf, math.NaN(), 0x1p101, -0x1p101, 0x1p-1074}[rng.IntN(6)]
		default:
			th = rng.NormFloat64() * scale * scale
		}
		want := make([]int32, n)
		want = want[:kernel.ScanRowAll32(g, h, th, want)]
		h32 := stripH32(h)
		if kernel.ScanF32Variant() != "purego" && h32 == nil && slices.Max(h) <= stripF32Max {
			t.Fatalf("trial %d: stripH32 declined finite norms", trial)
		}
		for j := range h32 {
			if float64(h32[j]) > h[j] {
				t.Fatalf("stripH32 rounds %v up to %v", h[j], h32[j])
			}
		}
		for _, hh := range [][]float32{h32, nil} {
			got := scanStripRow(g, h, hh, th, make([]int32, n))
			if !slices.Equal(got, want) {
				t.Fatalf("trial %d (n=%d t=%v, screened %v): %v, want %v", trial, n, th, hh != nil, got, want)
			}
			cands := scanStripCands(g, h, hh, th, make([]int32, n))
			r := 0 // want ⊆ cands, both increasing
			for x, q := range cands {
				if x > 0 && q <= cands[x-1] {
					t.Fatalf("trial %d: candidates %v not increasing", trial, cands)
				}
				if r < len(want) && want[r] == q {
					r++
				}
			}
			if r < len(want) {
				t.Fatalf("trial %d (n=%d t=%v, screened %v): candidates %v miss column %d of %v", trial, n, th, hh != nil, cands, want[r], want)
			}
			exact := want
			if t32, ok := stripT32(th); hh != nil && ok {
				exact = make([]int32, n)
				exact = exact[:kernel.ScanRowAllF32(g, hh, t32, exact)]
			}
			if !slices.Equal(cands, exact) {
				t.Fatalf("trial %d (n=%d t=%v, screened %v): candidates %v, want %v", trial, n, th, hh != nil, cands, exact)
			}
		}
	}
	if stripH32([]float64{1, math.NaN()}) != nil || stripH32([]float64{1, 0x1p101}) != nil {
		t.Fatal("stripH32 took a NaN or a norm beyond stripF32Max")
	}
}

// TestRowSeedKth: the seed rowSeedKth takes from single-precision group
// minima has at least k rows j with hv[j] − 2·float64(gi[j]) within it
// (the seed's validity, gramseed.go), for rows of 100 to 700 columns (every
// tail of the 16-lane groups), group widths 1 to 24, k up to a quarter of
// the groups, scales 2⁻⁶⁰ to 2⁴⁸ (norms beyond stripF32Max keep the
// double-precision seed), negative values, ties and the row's own entry
// at −Inf; both seeds finite. The norms are rounded up by ceil32s, as
// stripH32Up does, so the trials run on every machine (the pure-Go
// GroupMinF32 included), not only where stripH32Up is not nil.
func TestRowSeedKth(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	trials := 0 // with single-precision seeds
	for trial := range 600 {
		n := 100 + rng.IntN(601)
		gs := 1 + rng.IntN(24)
		scale := math.Ldexp(1, rng.IntN(109)-60)
		gi, hv := make([]float32, n), make([]float64, n)
		for j := range gi {
			x := rng.NormFloat64() * scale
			hv[j] = x*x + rng.Float64()*scale*scale
			gi[j] = float32(x * rng.NormFloat64() * scale * 0.7)
			if trial%5 == 0 && rng.IntN(4) == 0 { // ties
				hv[j], gi[j] = scale*scale, float32(scale*scale/4)
			}
		}
		gi[rng.IntN(n)] = float32(math.Inf(-1))
		fits := slices.Max(hv) <= stripF32Max
		hu32 := stripH32Up(hv, stripH32(hv))
		if kernel.GroupMinF32Variant() != "purego" && hu32 == nil && fits {
			t.Fatalf("trial %d: no single-precision norms", trial)
		}
		if !fits {
			continue
		}
		up := ceil32s(hv) // the same rounding where the variants leave hu32 nil
		if hu32 != nil && !slices.Equal(hu32, up) {
			t.Fatalf("trial %d: stripH32Up differs from ceil32s", trial)
		}
		hu32 = up
		for j, v := range hv {
			if float64(hu32[j]) < v || float64(math.Nextafter32(hu32[j], float32(math.Inf(-1)))) >= v {
				t.Fatalf("ceil32s rounds %v to %v, not the least float32 at least it", v, hu32[j])
			}
		}
		trials++
		ng, ngF := seedGroups(n, gs, 8), seedGroups(n, gs, 16)
		k := 1 + rng.IntN(max(1, min(ng, ngF)/4))
		b := new(stripBuf)
		b.grow(0, max(ng, ngF), n)
		bound := rowSeedKth(gi, hv, hu32, gs, ng, ngF, k, b)
		want := rowSeedKth(gi, hv, nil, gs, ng, ngF, k, b)
		within := 0
		for j := range gi {
			if hv[j]-2*float64(gi[j]) <= bound {
				within++
			}
		}
		if within < k {
			t.Fatalf("trial %d (n=%d gs=%d k=%d): %d rows within the seed %v, want at least k", trial, n, gs, k, within, bound)
		}
		if math.IsInf(bound, 0) || math.IsNaN(bound) || math.IsInf(want, 0) {
			t.Fatalf("trial %d: seeds %v and %v", trial, bound, want)
		}
	}
	if trials < 400 {
		t.Fatalf("%d of 600 trials with single-precision seeds", trials)
	}
	t.Logf("%d of 600 trials with single-precision seeds", trials)
}
