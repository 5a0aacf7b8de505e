package knn

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// checkTree requires the tree search (forced, and auto where d ≤
// treeMaxDim, whichever search it picks) to return brute force's graph bit
// for bit (indices and the bits of every distance) at threads 1 and 3, and
// that the forced tree ran.
func checkTree(t *testing.T, name string, x *cloud.Matrix, k int, metric Metric) {
	t.Helper()
	want, err := Search(x, k, &Options{Search: SearchBrute, Metric: metric, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	modes := []SearchMode{SearchTree}
	if x.D() <= treeMaxDim {
		modes = append(modes, SearchAuto)
	}
	for _, mode := range modes {
		for _, th := range []int{1, 3} {
			got, err := Search(x, k, &Options{Search: mode, Metric: metric, Threads: th})
			if err != nil {
				t.Fatal(err)
			}
			if mode == SearchTree && got.Search != SearchTree {
				t.Fatalf("%s: %v search reported %v", name, mode, got.Search)
			}
			for i := range want.Index {
				if got.Index[i] != want.Index[i] || math.Float64bits(got.Dist[i]) != math.Float64bits(want.Dist[i]) {
					t.Fatalf("%s k=%d %v threads=%d: entry %d (row %d): got (%d, %v), want (%d, %v)", name, k, mode, th, i, i/k,
						got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
				}
			}
		}
	}
}

func treeKs(n int) []int {
	var ks []int
	for _, k := range shortKs() {
		if k <= n-1 {
			ks = append(ks, k)
		}
	}
	return append(ks, n-1)
}

func TestTreeRandom(t *testing.T) {
	for _, d := range []int{1, 2, 3, 5, 11, 16, 20, 40} {
		n := 500
		x := randMatrix(n, d, uint64(d))
		for _, k := range treeKs(n) {
			checkTree(t, "gaussian", m64(x, n, d), k, Euclidean)
		}
	}
}

func TestTreeLowRankAndCosine(t *testing.T) {
	n, d := 700, 12
	x := lowRank(n, d, 3, 1e-3, 5)
	for _, k := range shortKs() {
		checkTree(t, "low rank", m64(x, n, d), k, Euclidean)
		checkTree(t, "low rank cosine", m64(x, n, d), k, Cosine)
	}
	x32 := make([]float32, len(x))
	for i, v := range x {
		x32[i] = float32(v)
	}
	m, err := cloud.New32(x32, n, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range shortKs() {
		checkTree(t, "low rank float32", m, k, Euclidean)
		checkTree(t, "low rank float32 cosine", m, k, Cosine)
	}
}

// Exact duplicates (whole groups of equal rows, one row repeated many
// times) and integer grids (many rows at exactly equal distances): ties are
// broken by index as brute force does.
func TestTreeDuplicatesAndTies(t *testing.T) {
	n, d := 800, 4
	rng := rand.New(rand.NewPCG(4, 4))
	base := randMatrix(40, d, 8)
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		src := rng.IntN(40)
		if i%3 == 0 {
			src = 0 // a group of 267 equal rows: more than a leaf
		}
		copy(x[i*d:(i+1)*d], base[src*d:(src+1)*d])
		if i%5 == 1 {
			x[i*d+rng.IntN(d)] += 1e-9
		}
	}
	for _, k := range treeKs(n) {
		checkTree(t, "duplicates", m64(x, n, d), k, Euclidean)
	}
	for _, d := range []int{2, 3, 6} {
		g := make([]float64, n*d)
		for i := range g {
			g[i] = float64(rng.IntN(4))
		}
		for _, k := range treeKs(n) {
			checkTree(t, "grid", m64(g, n, d), k, Euclidean)
		}
	}
	// All rows equal: one leaf.
	c := make([]float64, 100*3)
	for i := range c {
		c[i] = 7
	}
	for _, k := range []int{1, 20, 99} {
		checkTree(t, "constant", m64(c, 100, 3), k, Euclidean)
	}
}

// Tiny and huge values, far from the origin: the margin is relative and
// covers gradual underflow; entries beyond 2⁵⁰⁰ take brute force.
func TestTreeScales(t *testing.T) {
	n, d := 400, 5
	for _, s := range []float64{1e-300, 1e-160, 1e-30, 1, 1e30, 1e140} {
		x := lowRank(n, d, 2, 1e-6, 9)
		for i := range x {
			x[i] = x[i]*s + 1e3*s
		}
		checkTree(t, "scaled", m64(x, n, d), 3, Euclidean)
	}
	x := randMatrix(50, 3, 1)
	x[7] = 1e200
	if newTree(view(m64(x, 50, 3))) != nil {
		t.Fatal("the tree accepted an entry of 1e200")
	}
	g, err := Search(m64(x, 50, 3), 3, nil)
	if err != nil || g.Search != SearchBrute || !sameAs(g, bruteForce(view(m64(x, 50, 3)), 3, 1)) {
		t.Fatalf("huge entry: auto search %v, err %v", g.Search, err)
	}
	x[7] = math.NaN()
	if newTree(view(m64(x, 50, 3))) != nil {
		t.Fatal("the tree accepted NaN")
	}
}

func sameAs(a, b *Graph) bool {
	for i := range a.Index {
		if a.Index[i] != b.Index[i] || math.Float64bits(a.Dist[i]) != math.Float64bits(b.Dist[i]) {
			return false
		}
	}
	return len(a.Index) == len(b.Index)
}

// The tree's unrolled Dist2 is kernel.Dist2 for rows shorter than its lanes.
func TestTreeDist2(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for d := 1; d <= 40; d++ {
		tr := &kdTree{d: d}
		a, b := make([]float64, d), make([]float64, d)
		for range 50 {
			for c := range a {
				a[c] = rng.NormFloat64() * math.Ldexp(1, rng.IntN(60)-30)
				b[c] = rng.NormFloat64() * math.Ldexp(1, rng.IntN(60)-30)
			}
			if got, want := tr.dist2(a, b), kernel.Dist2(a, b); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("d=%d: %v, kernel.Dist2 %v", d, got, want)
			}
		}
	}
}

// Wide rows keep the existing choice: auto never builds a tree above
// treeMaxDim.
func TestTreeAutoWide(t *testing.T) {
	n, d := 300, treeMaxDim+1
	g, err := Search(m64(randMatrix(n, d, 3), n, d), 5, nil)
	if err != nil || g.Search == SearchTree {
		t.Fatalf("d = %d: auto chose %v (%v)", d, g.Search, err)
	}
}

// FuzzTree: on any small cloud built from the input (values from a few
// bytes each, so that duplicates, ties, constant columns and wild scales
// occur), the tree search equals brute force bit for bit, and its pair
// counts equal every pair's.
func FuzzTree(f *testing.F) {
	f.Add([]byte("\x05\x03\x02abcdefghijklmnopqrstuvwxyz0123456789"), uint8(2))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 4, 0, 0, 9}, 30), uint8(5))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 4, 0xF5, 0, 9, 0x80}, 60), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, kb uint8) {
		if len(data) < 4 {
			return
		}
		d := int(data[0]%8) + 1
		scale := math.Ldexp(1, int(int8(data[1]))*3)
		vals := data[2:]
		n := min(len(vals)/d, 400)
		if n < 2 {
			return
		}
		x := fuzzLattice(vals[:n*d], scale)
		k := int(kb)%(n-1) + 1
		m := m64(x, n, d)
		want := bruteForce(view(m), k, 1)
		tr := newTree(view(m))
		if tr == nil {
			t.Fatalf("no tree of finite entries ≤ 2⁵⁰⁰ (scale %g)", scale)
		}
		for _, th := range []int{1, 2} {
			if got := treeSearch(view(m), tr, k, th); !sameAs(got, want) {
				t.Fatalf("%d×%d k=%d threads=%d: the tree differs from brute force", n, d, k, th)
			}
		}
		// Pair counts at a distance the rows have (ties at the radius).
		r := want.Dist[k-1]
		ts := []float64{sqrtThreshold(r)}
		c := make([]int64, 1)
		kc := &treeCounter{t: tr, ts: ts, c: c}
		for p := range n {
			kc.query(p)
		}
		if w := naiveCount(m, r); c[0] != w || CountPairs(m, []float64{r}, 2)[0] != w {
			t.Fatalf("%d×%d r=%v: the tree counts %d pairs, want %d", n, d, r, c[0], w)
		}
	})
}

// BenchmarkTreeVsBrute: 2000 Gaussian rows (the worst case for the tree:
// intrinsic dimension d) and 2000 rows on a 2-dimensional sheet in d
// dimensions.
func BenchmarkTreeVsBrute(b *testing.B) {
	for _, d := range []int{3, 11, 16, 20} {
		for _, name := range []string{"gauss", "sheet"} {
			n := 2000
			x := randMatrix(n, d, 1)
			if name == "sheet" {
				x = lowRank(n, d, 2, 0, 1)
			}
			m := m64(x, n, d)
			for _, k := range []int{2, 20, 100} {
				for _, mode := range []SearchMode{SearchBrute, SearchTree} {
					b.Run(name+"/d="+itoa(d)+"/k="+itoa(k)+"/"+mode.String(), func(b *testing.B) {
						for b.Loop() {
							if _, err := Search(m, k, &Options{Search: mode, Threads: 1}); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			}
		}
	}
}

func itoa(v int) string {
	if v < 10 {
		return string(rune('0' + v))
	}
	return itoa(v/10) + string(rune('0'+v%10))
}

// Auto takes the tree for rows near a 2-dimensional sheet in 3 and 11
// dimensions, and brute force for 2000 Gaussian rows in 16 dimensions
// (intrinsic dimension 16: the tree would compute most distances). In 3
// columns at k = 20 the strip search is the faster (2.29 ms against the
// tree's 2.89, build included, one thread, least of 40 calls, same run;
// 80 distances a tree query) and stripLikely skips the tree (where
// RankLess is vectorised, rankUsable; else it never skips).
func TestTreeAutoChoice(t *testing.T) {
	n := 2000
	for _, d := range []int{3, 11} {
		x := m64(lowRank(n, d, 2, 0, 1), n, d)
		for _, k := range []int{2, 20, 100} {
			want := SearchTree
			if d == 3 && k == 20 && rankUsable {
				want = SearchBrute
			}
			g, err := Search(x, k, nil)
			if err != nil || g.Search != want {
				t.Fatalf("sheet in %d dimensions, k = %d: auto chose %v (%v), want %v", d, k, g.Search, err, want)
			}
		}
	}
	x := m64(randMatrix(n, 16, 2), n, 16)
	if g, err := Search(x, 2, nil); err != nil || g.Search != SearchBrute {
		t.Fatalf("Gaussian in 16 dimensions: auto chose %v (%v)", g.Search, err)
	}
}

// sortTreeCands sorts by (Dist2, index), heavy ties included.
func TestSortTreeCands(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, n := range []int{0, 1, 2, 15, 17, 40, 300, 2000} {
		for _, vals := range []int{2, 1000} {
			c := make([]treeCand, n)
			for i := range c {
				c[i] = treeCand{float64(rng.IntN(vals)), int32(rng.IntN(5 * n))}
			}
			sortTreeCands(c)
			for i := 1; i < n; i++ {
				if candLess(c[i], c[i-1]) {
					t.Fatalf("n=%d: %v before %v", n, c[i-1], c[i])
				}
			}
		}
	}
}

// fuzzLattice turns fuzz bytes into coordinates: a lattice of 16 values
// times scale (many exact ties and duplicates), a byte >= 0xF0 nudged off it
// by about 1e-5 * scale (near-ties).
func fuzzLattice(vals []byte, scale float64) []float64 {
	x := make([]float64, len(vals))
	for i, v := range vals {
		x[i] = float64(int(v%16)-8) * scale
		if v >= 0xF0 {
			x[i] += float64(v) * 1e-7 * scale
		}
	}
	return x
}

// Queries keep a sorted list up to sortedMaxK neighbours and an unsorted
// one above: both sides of the boundary, on duplicates and a grid (ties),
// give brute force's graph.
func TestTreeSortedBoundary(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	n, d := 400, 3
	dup, grid := make([]float64, n*d), make([]float64, n*d)
	base := randMatrix(30, d, 2)
	for i := range n {
		src := rng.IntN(30)
		copy(dup[i*d:(i+1)*d], base[src*d:(src+1)*d])
	}
	for i := range grid {
		grid[i] = float64(rng.IntN(5))
	}
	for _, k := range []int{sortedMaxK - 1, sortedMaxK, sortedMaxK + 1} {
		checkTree(t, "duplicates", m64(dup, n, d), k, Euclidean)
		checkTree(t, "grid", m64(grid, n, d), k, Euclidean)
	}
}

// splitAtRef is splitAt reading the keys through p (as it was): the
// reference of TestSplitAtKeys.
func splitAtRef(pts []float64, d int, p []int32, dim, m int) {
	less := func(a, b int32) bool {
		va, vb := pts[int(a)*d+dim], pts[int(b)*d+dim]
		return va < vb || va == vb && a < b
	}
	lo, hi := 0, len(p)-1
	for lo < hi {
		pv := p[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for less(p[i], pv) {
				i++
			}
			for less(pv, p[j]) {
				j--
			}
			if i <= j {
				p[i], p[j] = p[j], p[i]
				i++
				j--
			}
		}
		switch {
		case m <= j:
			hi = j
		case m >= i:
			lo = i
		default:
			return
		}
	}
}

// TestSplitAtKeys: splitAt, with its keys copied beside the rows, leaves
// the rows in splitAtRef's order exactly (so the tree is the same), on
// keys with many ties and distinct ones, every rank.
func TestSplitAtKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	for _, n := range []int{1, 2, 3, 17, 100} {
		for _, vals := range []int{1, 3, 1 << 30} {
			d := 3
			pts := make([]float64, n*d)
			for i := range pts {
				pts[i] = float64(rng.IntN(vals))
			}
			tr := &kdTree{d: d, pts: pts}
			for m := range n {
				p := make([]int32, n)
				for i, v := range rng.Perm(n) {
					p[i] = int32(v)
				}
				q := append([]int32(nil), p...)
				dim := rng.IntN(d)
				tr.splitAt(p, dim, m)
				splitAtRef(pts, d, q, dim, m)
				if !slices.Equal(p, q) {
					t.Fatalf("n = %d, keys < %d, rank %d: %v, want %v", n, vals, m, p, q)
				}
			}
		}
	}
}
