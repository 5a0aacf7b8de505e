package knn

import (
	"math"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
)

// TestCollapseZeros: collapsing the zero-distance groups of a graph gives
// the graph that Search finds on the distinct rows (the first of each
// group), up to the shortest list left, even for a group larger than the
// lists (six copies of a row, lists of 3).
func TestCollapseZeros(t *testing.T) {
	const n, d, k = 60, 3, 8
	x := synth.Gaussian(n, d, d, 5)
	for _, c := range []int{7, 11, 12, 30, 59} { // five copies of row 4
		copy(x[c*d:(c+1)*d], x[4*d:5*d])
	}
	copy(x[40*d:41*d], x[2*d:3*d])
	m := cloud.Must64(x, n, d)
	g, err := Search(m, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	cg, keep, removed := CollapseZeros(g)
	u := FindDuplicates(m)
	if removed != 6 || !slices.Equal(keep, u.Keep) {
		t.Fatalf("removed %d, kept %v; want 6 and %v", removed, keep, u.Keep)
	}
	want, err := Search(m.Rows(keep), cg.K, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cg.K < 2 || !slices.Equal(cg.Index, want.Index) || !slices.Equal(cg.Dist, want.Dist) {
		t.Errorf("collapsed graph (K = %d) differs from the search of the distinct rows", cg.K)
	}
}

// TestFromListsMatrix: lists and matrices built from Search's own output
// give Search's graph back, whatever order ties were listed in.
func TestFromListsMatrix(t *testing.T) {
	const n, d, k = 40, 2, 6
	x := make([]float64, n*d)
	for i := range n { // a grid: many ties
		x[i*d], x[i*d+1] = float64(i%8), float64(i/8)
	}
	m := cloud.Must64(x, n, d)
	g, err := Search(m, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Lists with the self column, ties listed in reverse index order.
	idx := make([]int64, 0, n*(k+1))
	dist := make([]float64, 0, n*(k+1))
	for i := range n {
		ix, ds := g.Neighbors(i)
		row := []int64{int64(i)}
		rd := []float64{0}
		for c := range ix {
			row, rd = append(row, int64(ix[c])), append(rd, ds[c])
		}
		for a := 1; a < len(row); a++ { // reverse each run of ties
			b := a
			for b+1 < len(row) && rd[b+1] == rd[a] {
				b++
			}
			slices.Reverse(row[a : b+1])
			a = b
		}
		idx, dist = append(idx, row...), append(dist, rd...)
	}
	got, err := FromLists(idx, dist, n, k+1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Index, g.Index) || !slices.Equal(got.Dist, g.Dist) {
		t.Error("FromLists differs from Search")
	}
	dm := make([]float64, n*n)
	for i := range n {
		for j := range n {
			dm[i*n+j] = math.Sqrt(Dist2(m.Row64(i), m.Row64(j)))
		}
	}
	if err := CheckMatrix(dm, n); err != nil {
		t.Fatal(err)
	}
	fm := FromMatrix(dm, n, nil, k)
	if !slices.Equal(fm.Index, g.Index) || !slices.Equal(fm.Dist, g.Dist) {
		t.Error("FromMatrix differs from Search")
	}
}
