package knn

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/tensorio/npy"
)

// lowDimRef is one of the d ≤ 5 reference arrays and whether the tree is
// skipped for it (the helix keeps the tree; the rolls and the 5-column
// affine array skip it).
type lowDimRef struct {
	name string
	x    *cloud.Matrix
	skip bool
}

// lowDimRefs reads the d ≤ 5 reference arrays of testdata/refs.
func lowDimRefs(t *testing.T) []lowDimRef {
	t.Helper()
	var refs []lowDimRef
	for _, name := range []string{"bm_M5a_Helix1d", "bm_M7_Roll", "dup10_swissroll_D3", "swissroll_noise0.0", "bm_M2_Affine_3to5"} {
		h, v, err := npy.ReadFile(filepath.Join("..", "testdata", "refs", name+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, lowDimRef{name, m64(v, h.Rows(), h.Cols()), name != "bm_M5a_Helix1d"})
	}
	return refs
}

// stripLikely on the d ≤ 5 reference arrays at k = 20: the helix keeps the
// tree (built and sampled by treeWorth, which takes it), the rolls and the
// 5-column affine array skip it (treeWorth, had the tree been built, would
// have refused it too); either way the graph is the tree's, bit for bit.
// Outside its range (k < 8, k > sortedMaxK, more than 5 columns, fewer than
// 1,024 rows) or without RankLess's vector variant (rankUsable false:
// purego, no AVX-512) it never skips.
func TestStripLikely(t *testing.T) {
	rank := rankUsable
	t.Cleanup(func() { rankUsable = rank })
	for _, c := range lowDimRefs(t) {
		x := c.x
		if got := stripLikely(view(x), 20); got != (c.skip && rankUsable) {
			t.Errorf("%s: stripLikely = %v, want %v", c.name, got, c.skip && rankUsable)
		}
		if c.skip && rankUsable && treeWorth(newTree(view(x)), 20) { // without, treeWorth costs the strip dearer
			t.Errorf("%s: skipped a tree treeWorth takes", c.name)
		}
		for _, k := range []int{4, 7, 33, 100} {
			if stripLikely(view(x), k) {
				t.Errorf("%s: stripLikely at k = %d", c.name, k)
			}
		}
		g, err := Search(x, 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]SearchMode{false: SearchTree, true: SearchBrute}[c.skip]; g.Search != want {
			t.Errorf("%s: auto chose %v, want %v", c.name, g.Search, want)
		}
		tg, err := Search(x, 20, &Options{Search: SearchTree})
		if err != nil {
			t.Fatal(err)
		}
		if !sameAs(g, tg) {
			t.Errorf("%s: the auto graph differs from the tree's", c.name)
		}
	}
	n := 2000
	if stripLikely(view(m64(randMatrix(1000, 3, 5), 1000, 3)), 20) || stripLikely(view(m64(randMatrix(n, 6, 5), n, 6)), 20) {
		t.Error("stripLikely skipped the tree outside its range")
	}
	if stripLikely(view(m64(randMatrix(n, 3, 5), n, 3)), 20) != rankUsable {
		t.Errorf("stripLikely for Gaussian rows of 3 columns: %v, want %v (the strip's ranks vectorised)", !rankUsable, rankUsable)
	}
	rankUsable = false
	for _, c := range lowDimRefs(t) {
		if stripLikely(view(c.x), 20) {
			t.Errorf("%s: stripLikely without RankLess's vector variant", c.name)
		}
	}
}

// countLikely at CorrInt's radii (the medians of the 10th and 20th
// neighbour distances) on the d ≤ 5 reference arrays: the rolls and the
// 5-column affine array skip the tree (countWorth, had it been built, would
// have refused it too), the helix does not; the counts are the naive ones.
func TestCountLikely(t *testing.T) {
	for _, c := range lowDimRefs(t) {
		x := c.x
		g, err := Search(x, 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := x.N()
		var rs, ts []float64
		for _, k := range []int{10, 20} {
			r := make([]float64, n)
			for i := range n {
				r[i] = g.Dist[i*20+k-1]
			}
			slices.Sort(r)
			rs = append(rs, r[n/2])
			ts = append(ts, sqrtThreshold(r[n/2]))
		}
		if got := countLikely(view(x), ts); got != c.skip {
			t.Errorf("%s: countLikely = %v, want %v", c.name, got, c.skip)
		}
		if c.skip && countWorth(newTree(view(x)), ts) {
			t.Errorf("%s: skipped a tree countWorth takes", c.name)
		}
		checkCount(t, c.name, x, rs...)
	}
	n := 2000
	if countLikely(view(m64(randMatrix(1000, 3, 5), 1000, 3)), []float64{1}) || countLikely(view(m64(randMatrix(n, 6, 5), n, 6)), []float64{1}) {
		t.Error("countLikely skipped the tree outside its range")
	}
}
