package knn

import (
	"math"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// TestSearchBlockTree: blocks searched with the tree give Search's lists
// bit for bit (low-dimensional rows, float64 and float32, cosine, ties).
func TestSearchBlockTree(t *testing.T) {
	n, d := 900, 5
	x := m64(lowRank(n, d, 3, 0.05, 31), n, d)
	x32v := make([]float32, n*d)
	for i, v := range x.F64() {
		x32v[i] = float32(v)
	}
	grid := make([]float64, n*3)
	for i := range grid {
		grid[i] = float64((i * 7) % 4) // many equal distances
	}
	cases := []struct {
		name   string
		x      *cloud.Matrix
		k      int
		metric Metric
	}{
		{"float64", x, 2, Euclidean}, {"float64 k=20", x, 20, Euclidean},
		{"float32", cloud.Must32(x32v, n, d), 3, Euclidean}, {"cosine", x, 2, Cosine},
		{"ties", m64(grid, n, 3), 5, Euclidean},
	}
	for _, c := range cases {
		want, err := Search(c.x, c.k, &Options{Search: SearchBrute, Metric: c.metric})
		if err != nil {
			t.Fatal(err)
		}
		cuts := []int{0, 1, 333, 800, n}
		for s := 0; s+1 < len(cuts); s++ {
			a, b := cuts[s], cuts[s+1]
			g, err := SearchBlockTree(c.x, c.k, a, b, &Options{Metric: c.metric, Threads: 1 + s%3})
			if err != nil {
				t.Fatal(err)
			}
			if g.N != b-a || g.Search != SearchTree {
				t.Fatalf("%s: block [%d, %d): %d rows, search %v", c.name, a, b, g.N, g.Search)
			}
			for e := range g.Index {
				w := a*c.k + e
				if g.Index[e] != want.Index[w] || math.Float64bits(g.Dist[e]) != math.Float64bits(want.Dist[w]) {
					t.Fatalf("%s block [%d, %d): row %d: got (%d, %v), want (%d, %v)", c.name, a, b, w/c.k,
						g.Index[e], g.Dist[e], want.Index[w], want.Dist[w])
				}
			}
		}
	}
	// An entry beyond the tree's range: the block is searched by brute force.
	huge := append([]float64(nil), x.F64()...)
	huge[7] = 0x1p600
	hx := m64(huge, n, d)
	want, _ := Search(hx, 2, &Options{Search: SearchBrute})
	g, err := SearchBlockTree(hx, 2, 10, 20, nil)
	if err != nil || g.Index[0] != want.Index[20] || g.Dist[1] != want.Dist[21] {
		t.Fatalf("huge entry: %v, %v", g, err)
	}
}

// TestChooseSearch: the mode ChooseSearch returns is the one Search runs
// (Graph.Search), for every --search mode on low- and high-dimensional
// rows, and on Gaussian rows of 11 columns, whose tree treeMayPay's sample
// refuses under auto.
func TestChooseSearch(t *testing.T) {
	low := m64(lowRank(2000, 4, 3, 0.01, 3), 2000, 4)
	wide := m64(lowRank(1200, 60, 6, 0.01, 3), 1200, 60)
	gauss := m64(randMatrix(2000, 11, 3), 2000, 11)
	for _, x := range []*cloud.Matrix{low, wide, gauss} {
		for _, mode := range []SearchMode{SearchAuto, SearchBrute, SearchPruned, SearchTree} {
			opt := &Options{Search: mode}
			got, pr, err := ChooseSearch(x, 2, opt)
			if err != nil {
				t.Fatal(err)
			}
			g, err := Search(x, 2, opt)
			if err != nil {
				t.Fatal(err)
			}
			if got != g.Search || (pr != nil) != (got == SearchPruned) {
				t.Errorf("%d columns, --search %v: chose %v (pruning %v), Search ran %v", x.D(), mode, got, pr != nil, g.Search)
			}
		}
	}
	if _, _, err := ChooseSearch(low, 2000, nil); err == nil {
		t.Error("k = n accepted")
	}
}
