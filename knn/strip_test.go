package knn

import (
	"math"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// TestStripsMergeToSearch: strips of uneven cuts (one row, a block past
// the groups of blockRows, a block smaller than k), float32 and float64,
// Euclidean and cosine, rows with many ties and duplicates, merged in any
// order, equal Search bit for bit.
func TestStripsMergeToSearch(t *testing.T) {
	oldBytes := blockBytes
	blockBytes = 1 // blocks of 2·BlockRows rows: several groups per strip
	defer func() { blockBytes = oldBytes }()
	n, d := 1000, 7
	grid := make([]float64, n*d)
	for i := range grid {
		grid[i] = float64((i*7919)%5 + 1)
	}
	gauss := randMatrix(n, d, 5)
	f32 := make([]float32, n*d)
	for i, v := range gauss {
		f32[i] = float32(v)
	}
	for name, x := range map[string]*cloud.Matrix{"gauss64": m64(gauss, n, d), "gauss32": cloud.Must32(f32, n, d), "grid": m64(grid, n, d)} {
		for _, metric := range []Metric{Euclidean, Cosine} {
			opt := &Options{Metric: metric, Threads: 3}
			for _, k := range []int{1, 3, 10} {
				want, err := Search(x, k, opt)
				if err != nil {
					t.Fatal(err)
				}
				for _, cuts := range [][]int{{0, n}, {0, 1, 2, 500, 990, n}, {0, 4, 900, 998, n}, {0, 333, 666, n}} {
					g := EmptyGraph(n, k)
					for c := len(cuts) - 2; c >= 0; c-- { // last strip first
						s, err := SearchStrip(x, k, cuts[c], cuts[c+1], opt)
						if err != nil {
							t.Fatal(err)
						}
						if s.N != n-cuts[c] {
							t.Fatalf("strip [%d, %d): %d rows", cuts[c], cuts[c+1], s.N)
						}
						g.MergeStrip(cuts[c], s)
					}
					if !g.Complete() {
						t.Fatalf("%s k=%d cuts %v: padding left", name, k, cuts)
					}
					t.Run(name, func(t *testing.T) { sameGraph(t, g, want) })
				}
			}
		}
	}
}

// TestStripPadding: a strip of the last row lists only the rows after it
// (none) and, for no later row, pads with (−1, +Inf).
func TestStripPadding(t *testing.T) {
	x := m64(randMatrix(6, 2, 3), 6, 2)
	s, err := SearchStrip(x, 3, 4, 6, nil) // rows 4 and 5: one other row each
	if err != nil {
		t.Fatal(err)
	}
	for r := range 2 {
		idx, dist := s.Neighbors(r)
		if idx[0] != int32(5-r) || idx[1] != -1 || idx[2] != -1 || !math.IsInf(dist[1], 1) || dist[0] <= 0 {
			t.Errorf("row %d: %v %v", 4+r, idx, dist)
		}
	}
}
