package knn

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/tensorio/npy"
)

// seedCases are matrices on which kernelSearch seeds its bounds: Gaussian
// rows, exact duplicates (every point three times), a lattice (many rows
// at the same distance), float32 rows, and the duplicate-laden reference
// array.
func seedCases(t *testing.T) []struct {
	name string
	x    *cloud.Matrix
	k    int
} {
	rng := rand.New(rand.NewPCG(3, 4))
	dup := make([]float64, 0, 600*3)
	base := randMatrix(200, 3, 5)
	for _, p := range rng.Perm(600) {
		dup = append(dup, base[p%200*3:p%200*3+3]...)
	}
	var lattice []float64
	for a := range 20 {
		for b := range 20 {
			lattice = append(lattice, float64(a), float64(b))
		}
	}
	f := make([]float32, 700*20)
	for i := range f {
		f[i] = float32(rng.NormFloat64())
	}
	x32, err := cloud.New32(f, 700, 20)
	if err != nil {
		t.Fatal(err)
	}
	h, v, err := npy.ReadFile(filepath.Join("..", "testdata", "refs", "dup10_swissroll_D3.npy"))
	if err != nil {
		t.Fatal(err)
	}
	ref := cloud.Must64(v, h.Rows(), h.Cols())
	return []struct {
		name string
		x    *cloud.Matrix
		k    int
	}{
		{"gauss", m64(randMatrix(500, 7, 1), 500, 7), 10},
		{"duplicates", m64(dup, 600, 3), 20},
		{"lattice", m64(lattice, 400, 2), 8},
		{"float32", x32, 25},
		{"dup10_swissroll_D3 k=20", ref, 20},
		{"dup10_swissroll_D3 k=100", ref, 100},
	}
}

// TestGramSeeds: gramSeeds gives every row a finite bound at or above the
// k-th smallest Dist2 of brute force (in the prepared units, Dist2·scale²),
// and collect, which seeds its bounds this way, and kernelSearch return
// brute force's graph bit for bit on one thread and on three.
func TestGramSeeds(t *testing.T) {
	for _, c := range seedCases(t) {
		v := view(c.x)
		n, k := v.n(), c.k
		gs := gramSeedWidth(n, k)
		if gs == 0 {
			t.Fatalf("%s: no seeding for n = %d, k = %d", c.name, n, k)
		}
		pr, ok := prepareWith(v, packBoth)
		if !ok {
			t.Fatal(c.name)
		}
		want := bruteForce(v, k, 1)
		for _, threads := range []int{1, 3} {
			col := newCollector(pr, n, k)
			gramSeeds(pr, col, n, k, gs, threads)
			for i := range n {
				dk := v.dist2(i, int(want.Index[i*k+k-1])) * pr.scale * pr.scale
				if u := col.rows[i].bound(); math.IsInf(u, 0) || !(u >= dk) {
					t.Fatalf("%s: row %d: seed bound %v, k-th Dist2 %v", c.name, i, u, dk)
				}
			}
			// collect with seeded bounds (kernelSearch's path above
			// rowStripMaxRows rows) and kernelSearch (the strip search here).
			if got := refine(v, k, collect(pr, n, v.d, k, threads), threads); !sameAs(got, want) {
				t.Fatalf("%s: collect with seeded bounds differs from brute force (%d threads)", c.name, threads)
			}
			if got := kernelSearch(v, k, threads); !sameAs(got, want) {
				t.Fatalf("%s: kernelSearch differs from brute force (%d threads)", c.name, threads)
			}
		}
	}
}

// TestGramSeedWidth: groups leave at least 4k of them, divide the
// kernel's blocks into whole chunks, and seeding stays off where it cannot
// pay or its minima would not fit.
func TestGramSeedWidth(t *testing.T) {
	for _, c := range []struct{ n, k, want int }{
		{2000, 20, 24}, {2000, 21, 12}, {2000, 100, 4}, {1500, 180, 2}, {1500, 188, 0}, {2000, 250, 0}, {100, 20, 0}, {1000000, 20, 0},
	} {
		if got := gramSeedWidth(c.n, c.k); got != c.want {
			t.Errorf("gramSeedWidth(%d, %d) = %d, want %d", c.n, c.k, got, c.want)
		}
	}
}

// gramSeedsAll is gramSeeds as it was, every row's minima held at once and
// selected after the whole product: the reference of TestGramSeedsBlocks.
func gramSeedsAll(pr *prepared, c *collector, n, k, gs, threads int) {
	w := 8 * gs
	nb := (n + kernel.BlockRows - 1) / kernel.BlockRows
	off := make([]int, nb+1) // a row's minima of column block J start at off[J]
	for J := range nb {
		cols := min(kernel.BlockRows, n-J*kernel.BlockRows)
		off[J+1] = off[J] + seedGroups(cols, gs, 8)
	}
	m := off[nb]
	mins := make([]float64, n*m)
	h := c.h
	kernel.Cross32(pr.p, pr.p, threads, func(_, i0, i1, j0, j1 int, g []float32, ld int) {
		J := j0 / kernel.BlockRows
		hj := h[j0:j1]
		for i := i0; i < i1; i++ {
			gi := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
			if j0 <= i && i < j1 {
				gi[i-j0] = float32(math.Inf(-1)) // vᵢᵢ = +Inf: i is not its own neighbour
			}
			out := mins[i*m+off[J] : i*m+off[J+1]]
			full := len(gi) / w * w
			kernel.GroupMin32(gi[:full], hj[:full], gs, out)
			o := full / w * 8
			if r := (len(gi) - full) / 8; r > 0 { // 8 groups of r < gs
				kernel.GroupMin32(gi[full:full+8*r], hj[full:full+8*r], r, out[o:])
				full += 8 * r
				o += 8
			}
			for q := full; q < len(gi); q += gs { // fewer than 8 left
				v := math.Inf(1)
				for r := q; r < min(q+gs, len(gi)); r++ {
					if x := hj[r] - 2*float64(gi[r]); x < v {
						v = x
					}
				}
				out[o] = v
				o++
			}
		}
	})
	var top float64 // max nⱼ
	for _, v := range pr.norm {
		top = max(top, v)
	}
	slack := 2*pr.tau*top + pr.eabs
	parallelRows(n, threads, func(i int, _ *TopK) {
		v := mins[i*m : (i+1)*m]
		kth := kthSmallest(v, k)
		if math.IsInf(kth, 1) || math.IsNaN(kth) {
			return
		}
		ni := (1 + pr.tau) * pr.norm[i]
		s := kth + slack + ni
		c.rows[i].u = s + (math.Abs(kth)+slack+ni)*0x1p-40
	})
}

// TestGramSeedsBlocks: gramSeeds, which selects a block of rows' bounds as
// soon as its minima are in, sets every bound bit for bit as gramSeedsAll,
// on one thread and on three.
func TestGramSeedsBlocks(t *testing.T) {
	for _, c := range seedCases(t) {
		v := view(c.x)
		n, k := v.n(), c.k
		gs := gramSeedWidth(n, k)
		pr, _ := prepareWith(v, packBoth)
		want := newCollector(pr, n, k)
		gramSeedsAll(pr, want, n, k, gs, 1)
		for _, threads := range []int{1, 3} {
			got := newCollector(pr, n, k)
			gramSeeds(pr, got, n, k, gs, threads)
			for i := range n {
				if a, b := got.rows[i].bound(), want.rows[i].bound(); math.Float64bits(a) != math.Float64bits(b) {
					t.Fatalf("%s, %d threads: row %d: bound %v, want %v", c.name, threads, i, a, b)
				}
			}
		}
	}
}
