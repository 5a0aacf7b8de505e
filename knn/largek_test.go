package knn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLargeKTiesDuplicates checks the stale-bound candidate lists (rowCands)
// and the selection-then-sort of refinement (nearest) at large k, up to
// n − 1, on rows with exact duplicates and many equal distances: the kernel
// search and the tree must return brute force's graph bit for bit, ties
// ordered by index, at 1 and 3 threads.
func TestLargeKTiesDuplicates(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 14))
	for _, d := range []int{3, 4} { // 3: the tree's unrolled leaves
		n := 310
		x := make([]float64, n*d)
		for i := range n {
			switch {
			case i%7 == 3: // an exact copy of an earlier row
				copy(x[i*d:(i+1)*d], x[(i-3)*d:(i-2)*d])
			default: // a small integer lattice: many equal distances
				for c := range d {
					x[i*d+c] = float64(r.IntN(4))
				}
			}
		}
		m := m64(x, n, d)
		for _, k := range []int{1, 20, 60, 150, 229, 231, n - 2, n - 1} {
			want := bruteForce(view(m), k, 1)
			for _, th := range []int{1, 3} {
				if got := kernelSearch(view(m), k, th); !sameAs(got, want) {
					t.Fatalf("d=%d: kernel search k=%d threads=%d differs from brute force", d, k, th)
				}
				if got := treeSearch(view(m), newTree(view(m)), k, th); !sameAs(got, want) {
					t.Fatalf("d=%d: tree search k=%d threads=%d differs from brute force", d, k, th)
				}
			}
		}
	}
	checkExact(t, "gaussian k=120", randMatrix(400, 11, 5), 400, 11, 120)
}

// TestKthSmallest compares the branch-free selection with sorting, on keys
// with many repeats, at every rank.
func TestKthSmallest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{1, 2, 17, 40, 333} {
		for _, spread := range []int{1, 3, n + 1} {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(r.IntN(spread))
			}
			s := slices.Sorted(slices.Values(v))
			for k := 1; k <= n; k++ {
				w := slices.Clone(v)
				if got := kthSmallest(w, k); got != s[k-1] {
					t.Fatalf("n=%d spread=%d k=%d: got %g, want %g", n, spread, k, got, s[k-1])
				}
				slices.Sort(w)
				if !slices.Equal(w, s) {
					t.Fatalf("n=%d: the selection lost values", n)
				}
			}
		}
	}
}

// TestRoundUp32 checks that the float32 upper bounds of the candidate lists
// are never below their float64 values, across magnitudes and subnormals.
func TestRoundUp32(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for range 100000 {
		x := math.Ldexp(r.Float64(), r.IntN(300)-200)
		if f := roundUp32(x); float64(f) < x || float64(f) > x*(1+0x1p-21)+0x1p-139 {
			t.Fatalf("roundUp32(%g) = %g", x, f)
		}
	}
	for _, x := range []float64{0, -1, math.SmallestNonzeroFloat64, 0x1p-149, math.MaxFloat32} {
		if f := roundUp32(x); float64(f) < x {
			t.Fatalf("roundUp32(%g) = %g", x, f)
		}
	}
}

// TestSortNear compares the bucket sort of candidate lists with the
// comparison sort, on keys with many ties and very uneven spreads (1e-320:
// subnormal keys whose spread overflows the buckets' scale).
func TestSortNear(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var sc sortScratch
	for n := 0; n < 300; n += 7 {
		for _, spread := range []float64{0, 1e-320, 1e-300, 1, 1e300} {
			c := make([]treeCand, n)
			for i := range c {
				s := float64(r.IntN(5)) * spread
				if r.IntN(3) == 0 {
					s = r.Float64() * spread * math.Pow(2, float64(r.IntN(40)))
				}
				c[i] = treeCand{s: s, j: int32(r.IntN(1000))}
			}
			w := slices.Clone(c)
			sortTreeCands(c)
			sortNear(w, &sc)
			if !slices.Equal(c, w) {
				t.Fatalf("n=%d spread=%g: sortNear differs from sortTreeCands", n, spread)
			}
		}
	}
}
