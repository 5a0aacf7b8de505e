package knn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// checkBlocks cuts the rows of x at cuts and requires every block's
// SearchBlock under pr (and under pr sent through its binary form) to give
// Search's lists bit for bit.
func checkBlocks(t *testing.T, name string, x *cloud.Matrix, k int, pr *Pruning, metric Metric, cuts []int) {
	t.Helper()
	want, err := Search(x, k, &Options{Search: SearchBrute, Metric: metric, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	prs := []*Pruning{pr}
	if pr != nil {
		data, err := pr.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back Pruning
		if err := back.UnmarshalBinary(data); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		prs = append(prs, &back)
	}
	for pi, p := range prs {
		for c := 0; c+1 < len(cuts); c++ {
			a, b := cuts[c], cuts[c+1]
			th := 1 + (c+pi)%3
			g, err := SearchBlock(x, k, a, b, p, &Options{Metric: metric, Threads: th})
			if err != nil {
				t.Fatal(err)
			}
			if g.N != b-a || g.K != k {
				t.Fatalf("%s: block [%d, %d): graph %d×%d", name, a, b, g.N, g.K)
			}
			for s := range g.Index {
				w := a*k + s
				if g.Index[s] != want.Index[w] || math.Float64bits(g.Dist[s]) != math.Float64bits(want.Dist[w]) {
					t.Fatalf("%s k=%d block [%d, %d) pruning %d: row %d: got (%d, %v), want (%d, %v)", name, k, a, b, pi,
						w/k, g.Index[s], g.Dist[s], want.Index[w], want.Dist[w])
				}
			}
		}
	}
}

func TestSearchBlockPruned(t *testing.T) {
	n, d := 1500, 80
	x := m64(lowRank(n, d, 8, 0.01, 21), n, d)
	for _, k := range []int{1, 2, 20} {
		pr, err := PlanSearch(x, k, &Options{Search: SearchPruned})
		if err != nil || pr == nil {
			t.Fatalf("k=%d: PlanSearch forced: %v, %v", k, pr, err)
		}
		checkBlocks(t, "low rank", x, k, pr, Euclidean, []int{0, 1, 400, 1013, n})
	}
	// float32 rows, cosine, and a block of one row at the end.
	x32 := make([]float32, n*d)
	for i, v := range lowRank(n, d, 12, 0.02, 5) {
		x32[i] = float32(v)
	}
	m := cloud.Must32(x32, n, d)
	pr, err := PlanSearch(m, 3, &Options{Search: SearchPruned, Metric: Cosine})
	if err != nil || pr == nil {
		t.Fatal(pr, err)
	}
	checkBlocks(t, "float32 cosine", m, 3, pr, Cosine, []int{0, 700, n - 1, n})
	// Brute force: no pruning, the same lists.
	checkBlocks(t, "no pruning", x, 2, nil, Euclidean, []int{0, 999, n})
}

// Duplicates, ties and rows that overflow their candidates: the fallbacks
// of the pruned search hold for a block too.
func TestSearchBlockTies(t *testing.T) {
	n := 700
	m := groupedRows(n, 64)
	for _, k := range []int{2, 20} {
		pr, err := PlanSearch(m, k, &Options{Search: SearchPruned})
		if err != nil || pr == nil {
			t.Fatal(pr, err)
		}
		checkBlocks(t, "duplicates", m, k, pr, Euclidean, []int{0, 350, n})
		old, oldP := candidateFloor, prunedFloor
		candidateFloor, prunedFloor = 8, 0
		checkBlocks(t, "duplicates overflow", m, k, pr, Euclidean, []int{0, 123, n})
		candidateFloor, prunedFloor = old, oldP
	}
}

// A pruning of other rows (or of random directions) still gives the exact
// lists: it only decides how many pairs are ruled out.
func TestSearchBlockForeignPruning(t *testing.T) {
	n, d := 800, 40
	x := m64(lowRank(n, d, 5, 0.01, 1), n, d)
	other := m64(randMatrix(n, d, 77), n, d)
	pr, err := PlanSearch(other, 2, &Options{Search: SearchPruned})
	if err != nil || pr == nil {
		t.Fatal(pr, err)
	}
	checkBlocks(t, "foreign", x, 2, pr, Euclidean, []int{0, 500, n})
	// An extreme centre: the projection overflows and the block falls
	// back to brute force.
	data, _ := pr.MarshalBinary()
	var wild Pruning
	if err := wild.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	wild.pl.scale = 0x1p1000
	checkBlocks(t, "overflowing centre", x, 2, &wild, Euclidean, []int{0, 500, n})
}

func TestPlanSearchChoice(t *testing.T) {
	x := m64(lowRank(1200, 60, 6, 0.01, 3), 1200, 60)
	if pr, err := PlanSearch(x, 2, &Options{Search: SearchBrute}); pr != nil || err != nil {
		t.Fatalf("brute: %v, %v", pr, err)
	}
	pr, err := PlanSearch(x, 2, &Options{Search: SearchPruned})
	if err != nil || pr == nil || pr.Cost() <= 0 {
		t.Fatalf("pruned: %v, %v", pr, err)
	}
	if _, err := PlanSearch(x, 1200, nil); err == nil {
		t.Fatal("k = n accepted")
	}
	// Auto agrees with Search: the pruning it returns is the one Search
	// runs (its graph says which ran).
	g, err := Search(x, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	auto, err := PlanSearch(x, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if (auto != nil) != (g.Search == SearchPruned) {
		t.Fatalf("PlanSearch auto: pruning %v, Search ran %v", auto != nil, g.Search)
	}
}

func TestPruningUnmarshalRefuses(t *testing.T) {
	x := m64(lowRank(600, 30, 5, 0.01, 2), 600, 30)
	pr, err := PlanSearch(x, 2, &Options{Search: SearchPruned})
	if err != nil || pr == nil {
		t.Fatal(pr, err)
	}
	good, _ := pr.MarshalBinary()
	edit := func(f func(b []byte) []byte) []byte {
		return f(append([]byte(nil), good...))
	}
	put := func(b []byte, off int, v float64) []byte {
		bits := math.Float64bits(v)
		for i := range 8 {
			b[off+i] = byte(bits >> (8 * i))
		}
		return b
	}
	m := int(good[16]) | int(good[17])<<8
	head := pruningHead + 4 // version 2: the coarse m after M
	qOff := head + 8*30
	bad := map[string][]byte{
		"empty":      nil,
		"magic":      edit(func(b []byte) []byte { b[0] = 'X'; return b }),
		"version":    edit(func(b []byte) []byte { b[8] = 9; return b }),
		"truncated":  good[:len(good)-8],
		"longer":     append(append([]byte(nil), good...), 0),
		"m > d":      edit(func(b []byte) []byte { b[16] = 31; return b }),
		"NaN mean":   edit(func(b []byte) []byte { return put(b, head, math.NaN()) }),
		"scale 3":    edit(func(b []byte) []byte { return put(b, 24, 3) }),
		"scale < 0":  edit(func(b []byte) []byte { return put(b, 24, -0.5) }),
		"coarse 0":   edit(func(b []byte) []byte { b[20] = 0; return b }),
		"coarse > M": edit(func(b []byte) []byte { b[20], b[21] = byte(m+1), byte((m+1)>>8); return b }),
		"rank short": edit(func(b []byte) []byte { copy(b[qOff+8*30:qOff+8*60], b[qOff:qOff+8*30]); return b }),
	}
	if m < 2 {
		t.Fatalf("m = %d: the rank test needs two directions", m)
	}
	for name, data := range bad {
		var p Pruning
		if err := p.UnmarshalBinary(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	var p Pruning
	if err := p.UnmarshalBinary(good); err != nil || p.pl.m != pr.pl.m || !(p.pl.epsQ < 1e-10) {
		t.Fatalf("round trip: %v, m %d, eps %g (was %d, %g)", err, p.pl.m, p.pl.epsQ, pr.pl.m, pr.pl.epsQ)
	}
	if p.pl.mm != pr.pl.mm {
		t.Fatalf("round trip: %d directions, was %d", p.pl.mm, pr.pl.mm)
	}
	for i, v := range p.pl.q {
		if v != pr.pl.q[i] {
			t.Fatalf("round trip: direction entry %d: %v, was %v", i, v, pr.pl.q[i])
		}
	}
	// Version 1 (no coarse m): every direction is coarse.
	v1 := append(append([]byte(nil), good[:20]...), good[24:]...)
	v1[8] = 1
	var p1 Pruning
	if err := p1.UnmarshalBinary(v1); err != nil || p1.pl.m != pr.pl.mm || p1.pl.mm != pr.pl.mm {
		t.Fatalf("version 1: %v, m %d of %d directions (want %d)", err, p1.pl.m, p1.pl.mm, pr.pl.mm)
	}
}

// groupedRows is n rows of d columns, each a copy of one of 50 low-rank
// rows, one in seven (and more by chance) a copy of the first: groups of
// duplicates and exact ties for the block and strip searches.
func groupedRows(n, d int) *cloud.Matrix {
	base := lowRank(50, d, 6, 0, 8)
	rng := rand.New(rand.NewPCG(4, 4))
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		src := rng.IntN(50)
		if i%7 == 0 {
			src = 0
		}
		copy(x[i*d:(i+1)*d], base[src*d:(src+1)*d])
	}
	return m64(x, n, d)
}
