package knn

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/intdim/intdim/cloud"
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
// and kernelSearch, which seeds its bounds this way, returns brute force's
// graph bit for bit on one thread and on three.
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
			if got := kernelSearch(v, k, threads); !sameAs(got, want) {
				t.Fatalf("%s: kernelSearch with seeded bounds differs from brute force (%d threads)", c.name, threads)
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
