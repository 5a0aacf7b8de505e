package knn

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/tensorio/npy"
)

// treeMayPay: a sheet (2 dimensions) in 11 and 16 columns may pay, the
// Gaussian in 11 and 16 does not; and where it says no, the tree of all
// the rows would not have paid either (treeWorth).
func TestTreeMayPay(t *testing.T) {
	n := 2000
	for _, d := range []int{11, 16} {
		for _, k := range []int{2, 20, 100} {
			sheet := view(m64(lowRank(n, d, 2, 0, 1), n, d))
			if !treeMayPay(sheet, k) {
				t.Errorf("sheet in %d dimensions, k = %d: the sample test refused the tree", d, k)
			}
			gauss := view(m64(randMatrix(n, d, 3), n, d))
			if treeMayPay(gauss, k) {
				t.Errorf("Gaussian in %d dimensions, k = %d: the sample test allowed the tree", d, k)
			}
			if tr := newTree(gauss); treeWorth(tr, k) {
				t.Errorf("Gaussian in %d dimensions, k = %d: treeWorth took the tree the sample refused", d, k)
			}
		}
	}
	// Few rows or few columns: the full test decides.
	if !treeMayPay(view(m64(randMatrix(1000, 11, 4), 1000, 11)), 20) || !treeMayPay(view(m64(randMatrix(n, 5, 4), n, 5)), 20) {
		t.Error("treeMayPay refused below its thresholds")
	}
}

// treeMayCount: at CorrInt's radii (the median 10th and 20th neighbour
// distances), a sheet in 11 and 16 columns may be counted with the tree;
// the reference sphere (2,000 rows of 11 columns spread over 10
// dimensions) may not, and countWorth would have left the tree of all its
// rows too; its counts are the naive ones.
func TestTreeMayCount(t *testing.T) {
	n := 2000
	radii := func(x *cloud.Matrix) []float64 {
		g, err := Search(x, 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for _, k := range []int{10, 20} {
			r := make([]float64, n)
			for i := range n {
				r[i] = g.Dist[i*20+k-1]
			}
			slices.Sort(r)
			out = append(out, r[n/2])
		}
		return out
	}
	ths := func(r []float64) []float64 {
		ts := make([]float64, len(r))
		for a, v := range r {
			ts[a] = sqrtThreshold(v)
		}
		return ts
	}
	for _, d := range []int{11, 16} {
		sheet := m64(lowRank(n, d, 2, 0, 1), n, d)
		if !treeMayCount(view(sheet), ths(radii(sheet))) {
			t.Errorf("sheet in %d dimensions: the sample test refused the tree", d)
		}
	}
	h, v, err := npy.ReadFile(filepath.Join("..", "testdata", "refs", "bm_M1_Sphere.npy"))
	if err != nil {
		t.Fatal(err)
	}
	sphere := m64(v, h.Rows(), h.Cols())
	rs := radii(sphere)
	if treeMayCount(view(sphere), ths(rs)) {
		t.Error("sphere: the sample test allowed the tree")
	}
	if countWorth(newTree(view(sphere)), ths(rs)) {
		t.Error("sphere: countWorth took the tree the sample refused")
	}
	checkCount(t, "sphere", sphere, rs...)
}
