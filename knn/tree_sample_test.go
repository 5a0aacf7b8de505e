package knn

import (
	"testing"
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
