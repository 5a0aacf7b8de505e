package knn

import (
	"testing"

	"github.com/intdim/intdim/cloud"
)

// TestSearchRowsBlocksEqualSearch: blocks of rows of every size (a few rows:
// the exact scan; many: the kernel), uneven, float32 and float64, Euclidean
// and cosine, data with many ties: the concatenated blocks equal Search bit
// for bit.
func TestSearchRowsBlocksEqualSearch(t *testing.T) {
	n, d := 301, 7
	grid := make([]float64, n*d) // many equal distances, duplicate rows
	for i := range grid {
		grid[i] = float64((i*7919)%5 + 1)
	}
	gauss := randMatrix(n, d, 5)
	f32 := make([]float32, n*d)
	for i, v := range gauss {
		f32[i] = float32(v)
	}
	clouds := map[string]*cloud.Matrix{
		"gauss64": m64(gauss, n, d),
		"gauss32": cloud.Must32(f32, n, d),
		"grid":    m64(grid, n, d),
	}
	for name, x := range clouds {
		for _, metric := range []Metric{Euclidean, Cosine} {
			opt := &Options{Metric: metric, Threads: 3}
			for _, k := range []int{1, 2, 9} {
				want, err := Search(x, k, opt)
				if err != nil {
					t.Fatal(err)
				}
				for _, cuts := range [][]int{{0, n}, {0, 3, 4, 150, n}, {0, 100, 200, 300, n}, {0, 8, 9, n}} {
					got := &Graph{N: n, K: k}
					for c := 0; c+1 < len(cuts); c++ {
						g, err := SearchRows(x, k, cuts[c], cuts[c+1], opt)
						if err != nil {
							t.Fatal(err)
						}
						if g.N != cuts[c+1]-cuts[c] || g.K != k {
							t.Fatalf("%s: block [%d, %d): graph %d×%d", name, cuts[c], cuts[c+1], g.N, g.K)
						}
						got.Index = append(got.Index, g.Index...)
						got.Dist = append(got.Dist, g.Dist...)
					}
					t.Run(name, func(t *testing.T) { sameGraph(t, got, want) })
				}
			}
		}
	}
}

func TestSearchRowsEmptyAndTooFew(t *testing.T) {
	x := m64(randMatrix(5, 2, 1), 5, 2)
	g, err := SearchRows(x, 2, 3, 3, nil)
	if err != nil || g.N != 0 {
		t.Fatalf("empty block: %v, %+v", err, g)
	}
	if _, err := SearchRows(x, 5, 0, 5, nil); err == nil {
		t.Fatal("k = 5 with 5 points: no error")
	}
}

// TestSearchRowsEqualsBlockedSearch: against Search in its blocked mode
// (a matrix too large to pack whole).
func TestSearchRowsEqualsBlockedSearch(t *testing.T) {
	oldLimit, oldBytes := packLimit, blockBytes
	packLimit, blockBytes = 0, 1
	defer func() { packLimit, blockBytes = oldLimit, oldBytes }()
	n, d := 900, 5
	x := m64(randMatrix(n, d, 9), n, d)
	want, err := Search(x, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := &Graph{N: n, K: 4}
	for _, c := range [][2]int{{0, 500}, {500, 501}, {501, n}} {
		g, err := SearchRows(x, 4, c[0], c[1], nil)
		if err != nil {
			t.Fatal(err)
		}
		got.Index, got.Dist = append(got.Index, g.Index...), append(got.Dist, g.Dist...)
	}
	sameGraph(t, got, want)
}
