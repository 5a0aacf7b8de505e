package knn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// naiveCount counts the ordered pairs i ≠ j with √Dist2 < r, as
// scikit-dimension's CorrInt does, by brute force.
func naiveCount(x *cloud.Matrix, r float64) int64 {
	v := view(x)
	var c int64
	for i := range v.n() {
		for j := range v.n() {
			if i != j && math.Sqrt(v.dist2(i, j)) < r {
				c++
			}
		}
	}
	return c
}

// checkCount compares CountPairs with naiveCount at the given radii and at
// the medians of the 1st, 10th and 20th neighbour distances (CorrInt's
// radii; on a lattice, distances that many pairs have exactly), threads 1
// and 3.
func checkCount(t *testing.T, name string, x *cloud.Matrix, radii ...float64) {
	t.Helper()
	g, err := Search(x, min(20, x.N()-1), &Options{Search: SearchBrute})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 10, 20} {
		if k <= g.K {
			radii = append(radii, g.Dist[(x.N()/2)*g.K+k-1], math.Nextafter(g.Dist[(x.N()/2)*g.K+k-1], 0))
		}
	}
	want := make([]int64, len(radii))
	for a, r := range radii {
		want[a] = naiveCount(x, r)
	}
	for _, th := range []int{1, 3} {
		got := CountPairs(x, radii, th)
		for a, r := range radii {
			if got[a] != want[a] {
				t.Fatalf("%s threads=%d r=%v: %d pairs, want %d", name, th, r, got[a], want[a])
			}
		}
	}
	// CountPairsGraph with the tree of each search (kept where one was
	// built), without a graph, and with another matrix's graph.
	for _, mode := range []SearchMode{SearchAuto, SearchTree, SearchBrute} {
		gs, err := Search(x, g.K, &Options{Search: mode})
		if err != nil {
			t.Fatal(err)
		}
		if mode == SearchTree && x.N()*x.D() <= keepTreeValues && gs.Search == SearchTree && gs.tree == nil {
			t.Fatalf("%s: the tree search kept no tree", name)
		}
		if gs.tree != nil && !gs.tree.sameRows(view(x)) {
			t.Fatalf("%s: the kept tree is not of the rows", name)
		}
		for _, gg := range []*Graph{gs, nil, {N: 1, K: 1, tree: gs.tree, src: m64(make([]float64, 2), 2, 1)}} {
			got := CountPairsGraph(x, gg, radii, 2)
			for a, r := range radii {
				if got[a] != want[a] {
					t.Fatalf("%s search %v r=%v: %d pairs with the graph's tree, want %d", name, mode, r, got[a], want[a])
				}
			}
		}
	}
	// Every path, whichever CountPairs chose: the tree (where it takes the
	// rows), every pair, and the Gram matrix.
	ts := make([]float64, len(radii))
	for a, r := range radii {
		ts[a] = sqrtThreshold(r)
	}
	v := view(x)
	pairs := make([]int64, len(radii))
	var xs []float64
	if v.d < 32 {
		xs = make([]float64, v.n()*v.d)
		for p := range v.n() {
			v.row64(p, xs[p*v.d:(p+1)*v.d])
		}
	}
	countPairs(v, xs, 0, v.n(), ts, pairs)
	tree := make([]int64, len(radii))
	if tr := newTree(v); tr != nil {
		k := &treeCounter{t: tr, ts: ts, c: tree}
		for p := range v.n() {
			k.query(p)
		}
	} else {
		copy(tree, want)
	}
	for a, r := range radii {
		if pairs[a] != want[a] || tree[a] != want[a] {
			t.Fatalf("%s r=%v: %d pairs by every pair, %d by the tree, want %d", name, r, pairs[a], tree[a], want[a])
		}
	}
	// And from the kernel's Gram matrix, at 1 and 3 threads.
	for _, th := range []int{1, 3} {
		gram, ok := countKernel(v, ts, th)
		if !ok {
			continue
		}
		for a, r := range radii {
			if gram[a] != want[a] {
				t.Fatalf("%s r=%v threads=%d: %d pairs from the Gram matrix, want %d", name, r, th, gram[a], want[a])
			}
		}
	}
}

func TestCountPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, d := range []int{1, 2, 3, 5, 11, 16, 20, 40} {
		n := 300
		checkCount(t, "gaussian", m64(randMatrix(n, d, uint64(d)), n, d), 0.5, 1, 3, 0, -1, math.Inf(1))
	}
	n, d := 400, 3
	g := make([]float64, n*d)
	for i := range g {
		g[i] = float64(rng.IntN(5))
	}
	checkCount(t, "lattice", m64(g, n, d), 1, math.Sqrt2, 2, math.Sqrt(3), 3)
	g20 := make([]float64, n*20)
	for i := range g20 {
		g20[i] = float64(rng.IntN(2))
	}
	checkCount(t, "lattice d=20", m64(g20, n, 20), 1, 2, 3)
	// More columns than kernel.FlushEvery: countKernel's float64 Gram path.
	checkCount(t, "wide", m64(randMatrix(120, 2100, 7), 120, 2100), 60, 64)
	x := lowRank(n, 6, 2, 0, 3)
	for i := range x {
		if i%12 < 6 { // duplicate pairs of rows
			x[i+6] = x[i]
		}
	}
	checkCount(t, "duplicates", m64(x, n, 6), 0.1)
	x32 := make([]float32, len(x))
	for i, v := range x {
		x32[i] = float32(v) * 1e-20
	}
	m, err := cloud.New32(x32, n, 6)
	if err != nil {
		t.Fatal(err)
	}
	checkCount(t, "float32", m, 1e-21)
	for _, s := range []float64{1e-300, 1e200} {
		y := randMatrix(200, 4, 9)
		for i := range y {
			y[i] *= s
		}
		checkCount(t, "scaled", m64(y, 200, 4), s)
	}
}

// CountPairsGraph leaves out a kept tree whose rows are no longer x's (rows
// changed after the search) and counts x's rows as they are.
func TestCountPairsGraphChangedRows(t *testing.T) {
	n, d := 500, 3
	v := randMatrix(n, d, 11)
	x := m64(v, n, d)
	g, err := Search(x, 10, &Options{Search: SearchTree})
	if err != nil {
		t.Fatal(err)
	}
	if g.tree == nil || !g.tree.sameRows(view(x)) {
		t.Fatal("the tree search kept no tree of the rows")
	}
	r := g.Dist[9]
	before := CountPairsGraph(x, g, []float64{r}, 1)[0]
	if want := naiveCount(x, r); before != want {
		t.Fatalf("%d pairs, want %d", before, want)
	}
	for i := range v[:n/2*d] {
		v[i] *= 4
	}
	if g.tree.sameRows(view(x)) {
		t.Fatal("sameRows missed changed rows")
	}
	got, want := CountPairsGraph(x, g, []float64{r}, 1)[0], naiveCount(x, r)
	if got != want || got == before {
		t.Fatalf("after the change: %d pairs, want %d (before %d)", got, want, before)
	}
}

// Every threshold is the least float64 whose square root reaches r.
func TestSqrtThreshold(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for range 2000 {
		r := math.Ldexp(rng.Float64()+0.5, rng.IntN(200)-100)
		th := sqrtThreshold(r)
		if !(math.Sqrt(th) >= r) || !(math.Sqrt(math.Nextafter(th, 0)) < r) {
			t.Fatalf("r = %v: threshold %v", r, th)
		}
	}
	if sqrtThreshold(0) != 0 || sqrtThreshold(math.NaN()) != 0 || !math.IsInf(sqrtThreshold(math.Inf(1)), 1) {
		t.Fatal("threshold of 0, NaN or +Inf")
	}
}
