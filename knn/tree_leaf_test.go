package knn

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/tensorio/npy"
)

// refNames are the eight reference arrays of testdata/refs.
var refNames = []string{"bm_M5a_Helix1d", "bm_M7_Roll", "dup10_swissroll_D3", "swissroll_noise0.0", "bm_M2_Affine_3to5", "bm_M10a_Cubic", "bm_M1_Sphere", "bm_M12_Norm"}

// readRef reads one of testdata/refs.
func readRef(t testing.TB, name string) *cloud.Matrix {
	t.Helper()
	h, v, err := npy.ReadFile(filepath.Join("..", "testdata", "refs", name+".npy"))
	if err != nil {
		t.Fatal(err)
	}
	return m64(v, h.Rows(), h.Cols())
}

// checkLeaf requires leafSearch of x to return bruteForce's graph bit for
// bit at threads 1, 2 and 7.
func checkLeaf(t *testing.T, name string, x *cloud.Matrix, k int) {
	t.Helper()
	li := newLeafIndex(newTree(view(x)))
	if li == nil {
		t.Fatalf("%s: no leaf index of %d×%d rows", name, x.N(), x.D())
	}
	want := bruteForce(view(x), k, 2)
	for _, th := range []int{1, 2, 7} {
		if got := leafSearch(view(x), li, k, th); !sameAs(got, want) || got.Search != SearchTree {
			t.Fatalf("%s %d×%d k=%d threads=%d: leafSearch differs from brute force", name, x.N(), x.D(), k, th)
		}
	}
}

// The leaf search on the reference arrays of at most leafBatchMaxDim
// columns (the helix, the three rolls, one with duplicate rows, the
// 5-column affine array) equals brute force at every k; the wider ones
// have no leaf index (treeSearch's).
func TestLeafSearchRefs(t *testing.T) {
	ks := []int{1, 2, 5, 10, 20, 50, 100}
	if testing.Short() {
		ks = []int{1, 20, 100}
	}
	for _, name := range refNames {
		x := readRef(t, name)
		if x.D() > leafBatchMaxDim {
			if newLeafIndex(newTree(view(x))) != nil {
				t.Errorf("%s: a leaf index of %d columns", name, x.D())
			}
			continue
		}
		for _, k := range ks {
			checkLeaf(t, name, x, k)
		}
	}
}

// Gaussian rows, rows near a plane, float32 rows, duplicate-laden rows and
// a grid (ties), all rows equal (one leaf however many), and clouds of up
// to a few leaves with every k up to n − 1.
func TestLeafSearchRandom(t *testing.T) {
	for d := 1; d <= leafBatchMaxDim; d++ {
		n := 600
		x := m64(randMatrix(n, d, uint64(d)), n, d)
		s := m64(lowRank(n, d, min(d, 2), 1e-4, uint64(d)), n, d)
		for _, k := range []int{1, 3, 20, 33, 100} {
			checkLeaf(t, "gaussian", x, k)
			checkLeaf(t, "plane", s, k)
		}
	}
	n, d := 500, 3
	x := lowRank(n, d, 2, 1e-3, 7)
	x32 := make([]float32, len(x))
	for i, v := range x {
		x32[i] = float32(v)
	}
	m, err := cloud.New32(x32, n, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 20, 100} {
		checkLeaf(t, "float32", m, k)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	base := randMatrix(30, 4, 6)
	dup := make([]float64, 700*4)
	for i := range 700 {
		src := rng.IntN(30)
		if i%4 == 0 {
			src = 0 // 175 equal rows: many leaves' worth
		}
		copy(dup[i*4:(i+1)*4], base[src*4:(src+1)*4])
	}
	grid := make([]float64, 700*2)
	for i := range grid {
		grid[i] = float64(rng.IntN(5))
	}
	same := make([]float64, 90*3)
	for i := range same {
		same[i] = -2.5
	}
	for _, k := range []int{1, 5, 20, 40, 89} {
		checkLeaf(t, "duplicates", m64(dup, 700, 4), k)
		checkLeaf(t, "grid", m64(grid, 700, 2), k)
		checkLeaf(t, "constant", m64(same, 90, 3), k)
	}
	for _, n := range []int{2, 3, 16, 17, 40} {
		x := m64(randMatrix(n, 3, uint64(n)), n, 3)
		for k := 1; k < n; k++ {
			checkLeaf(t, "small", x, k)
		}
	}
}

// Rows the tree does not take (an entry beyond 2⁵⁰⁰, or not finite) have
// no leaf index, and the forced tree search falls back to brute force.
func TestLeafSearchFallback(t *testing.T) {
	for _, bad := range []float64{1e200, math.Inf(1), math.NaN()} {
		x := randMatrix(60, 3, 1)
		x[11] = bad
		m := m64(x, 60, 3)
		if newLeafIndex(newTree(view(m))) != nil {
			t.Fatalf("a leaf index of rows holding %v", bad)
		}
		if bad != bad {
			continue // NaN distances: brute force's order is its own
		}
		g, err := Search(m, 4, &Options{Search: SearchTree})
		if err != nil || !sameAs(g, bruteForce(view(m), 4, 1)) {
			t.Fatalf("entry %v: the forced tree search differs from brute force (%v)", bad, err)
		}
	}
}

// leafWorth on the d ≤ 5 reference arrays: the helix takes the leaf
// search at k = 20 and 100, the rolls and the 5-column affine array at
// neither (stripLikely skips the tree of the rolls and of the
// affine array at k = 20 before; it needs RankLess's vector variant, as
// the strip's cost model); auto's graph is brute force's either way.
func TestLeafWorthRefs(t *testing.T) {
	want := map[string][2]bool{ // k = 20, k = 100
		"bm_M5a_Helix1d":     {true, true},
		"bm_M7_Roll":         {false, false},
		"dup10_swissroll_D3": {false, false},
		"swissroll_noise0.0": {false, false},
		"bm_M2_Affine_3to5":  {false, false},
	}
	for name, w := range want {
		x := readRef(t, name)
		for o, k := range []int{20, 100} {
			g, err := Search(x, k, &Options{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			if got := g.Search == SearchTree; rankUsable && got != w[o] {
				t.Errorf("%s k=%d: auto chose %v", name, k, g.Search)
			}
			if !sameAs(g, bruteForce(view(x), k, 2)) {
				t.Errorf("%s k=%d: auto's graph differs from brute force", name, k)
			}
		}
	}
}

// FuzzLeafSearch: on any small cloud built from the input (lattice values:
// duplicates, ties, constant columns, wild scales), the leaf search equals
// brute force bit for bit.
func FuzzLeafSearch(f *testing.F) {
	f.Add([]byte("\x02\x03abcdefghijklmnopqrstuvwxyz0123456789"), uint8(2))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 4, 0, 0, 9}, 40), uint8(30))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 4, 0xF5, 0, 9, 0x80}, 80), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, kb uint8) {
		if len(data) < 4 {
			return
		}
		d := int(data[0])%leafBatchMaxDim + 1
		scale := math.Ldexp(1, int(int8(data[1]))*3)
		vals := data[2:]
		n := min(len(vals)/d, 400)
		if n < 2 {
			return
		}
		m := m64(fuzzLattice(vals[:n*d], scale), n, d)
		k := int(kb)%(n-1) + 1
		li := newLeafIndex(newTree(view(m)))
		if li == nil {
			t.Fatalf("no leaf index of finite entries ≤ 2⁵⁰⁰ (scale %g)", scale)
		}
		want := bruteForce(view(m), k, 1)
		for _, th := range []int{1, 2} {
			if got := leafSearch(view(m), li, k, th); !sameAs(got, want) {
				t.Fatalf("%d×%d k=%d threads=%d: the leaf search differs from brute force", n, d, k, th)
			}
		}
	})
}
