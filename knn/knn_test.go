package knn

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

func randMatrix(n, d int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, n*d)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

// naive sorts all distances of each row.
func naive(x []float64, n, d, k int) *Graph {
	g := &Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k)}
	for i := 0; i < n; i++ {
		type e struct {
			d float64
			j int
		}
		var es []e
		for j := 0; j < n; j++ {
			if j != i {
				es = append(es, e{math.Sqrt(Dist2(x[i*d:(i+1)*d], x[j*d:(j+1)*d])), j})
			}
		}
		sort.Slice(es, func(a, b int) bool {
			if es[a].d != es[b].d {
				return es[a].d < es[b].d
			}
			return es[a].j < es[b].j
		})
		for t := 0; t < k; t++ {
			g.Index[i*k+t], g.Dist[i*k+t] = int32(es[t].j), es[t].d
		}
	}
	return g
}

func sameGraph(t *testing.T, got, want *Graph) {
	t.Helper()
	for i := range want.Index {
		if got.Index[i] != want.Index[i] || got.Dist[i] != want.Dist[i] {
			t.Fatalf("entry %d (row %d): got (%d, %g), want (%d, %g)", i, i/want.K,
				got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
		}
	}
}

func TestSearchMatchesNaive(t *testing.T) {
	for _, c := range []struct{ n, d, k int }{{5, 1, 4}, {40, 3, 7}, {97, 13, 20}, {64, 67, 2}} {
		x := randMatrix(c.n, c.d, uint64(c.n*c.d))
		for _, th := range []int{1, 2, 5} {
			g, err := Search(m64(x, c.n, c.d), c.k, &Options{Threads: th})
			if err != nil {
				t.Fatal(err)
			}
			sameGraph(t, g, naive(x, c.n, c.d, c.k))
		}
	}
}

func TestSearchTiesAndDuplicates(t *testing.T) {
	// Points on a line at integer positions with a duplicated point: ties
	// must break by index and the duplicate must be at distance 0.
	x := []float64{0, 1, 2, 1, 3}
	g, err := Search(m64(x, 5, 1), 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, g, naive(x, 5, 1, 3))
	idx, dist := g.Neighbors(1)
	if idx[0] != 3 || dist[0] != 0 || idx[1] != 0 || idx[2] != 2 {
		t.Fatalf("row 1 neighbours %v %v", idx, dist)
	}
}

func TestCosineIsChord(t *testing.T) {
	// Two unit directions at angle θ have chord 2 sin(θ/2), whatever their norms.
	th := 0.3
	x := []float64{2, 0, 5 * math.Cos(th), 5 * math.Sin(th), 0, 7}
	g, err := Search(m64(x, 3, 2), 1, &Options{Metric: Cosine})
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * math.Sin(th/2); math.Abs(g.Dist[0]-want) > 1e-12 {
		t.Fatalf("chord %g, want %g", g.Dist[0], want)
	}
	if _, err := Search(m64([]float64{0, 0, 1, 1, 2, 3}, 3, 2), 1, &Options{Metric: Cosine}); err == nil {
		t.Fatal("zero row accepted under cosine")
	}
}

func TestTooFewPoints(t *testing.T) {
	if _, err := Search(m64(randMatrix(3, 2, 1), 3, 2), 3, nil); err == nil {
		t.Fatal("k = n accepted")
	}
}

func TestNearDuplicatesKeepDistance(t *testing.T) {
	// Large norms, tiny separation: ‖x‖²+‖y‖²−2x·y would cancel to 0.
	d := 768
	x := make([]float64, 3*d)
	for j := 0; j < d; j++ {
		x[j] = 1000 + float64(j)
		x[d+j] = x[j]
		x[2*d+j] = x[j] + 5
	}
	x[d] += 1e-6
	g, err := Search(m64(x, 3, d), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := x[d] - x[0]; g.Dist[0] != want {
		t.Fatalf("near-duplicate distance %g, want %g", g.Dist[0], want)
	}
}

func TestFindDuplicates(t *testing.T) {
	// Rows 3 and 4 differ only in the sign of a zero (−0 must be written
	// math.Copysign(0, -1): the literal -0.0 is +0 in Go).
	negZero := math.Copysign(0, -1)
	x := []float64{1, 2, 3, 4, 1, 2, 0, 0, negZero, 0, 3, 4}
	u := FindDuplicates(m64(x, 6, 2))
	if len(u.Keep) != 3 || u.Removed() != 3 {
		t.Fatalf("keep %v", u.Keep)
	}
	wantGroup := []int{0, 1, 0, 2, 2, 1}
	for i, g := range wantGroup {
		if u.Group[i] != g {
			t.Fatalf("group %v, want %v", u.Group, wantGroup)
		}
	}
	if u.Count[0] != 2 || u.Count[1] != 2 || u.Count[2] != 2 {
		t.Fatalf("count %v", u.Count)
	}
	// Wider rows: −0 in the four hash lanes and in the tail.
	y := []float64{
		0, 1, 0, 2, 0, 3, 0, 4, 0,
		negZero, 1, negZero, 2, negZero, 3, negZero, 4, negZero,
		0, 1, 0, 2, 0, 3, 0, 4, 5,
	}
	if u := FindDuplicates(m64(y, 3, 9)); len(u.Keep) != 2 || u.Group[1] != 0 || u.Group[2] != 1 {
		t.Fatalf("−0 rows: keep %v, group %v", u.Keep, u.Group)
	}
}

func TestSubsetEqualsDirectSearch(t *testing.T) {
	n, d := 120, 4
	x := randMatrix(n, d, 3)
	g, err := Search(m64(x, n, d), 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 5))
	rows := r.Perm(n)[:90]
	sub, err := g.Subset(m64(x, n, d), rows, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, sub, naive(gather(x, d, rows), len(rows), d, 3))
}
