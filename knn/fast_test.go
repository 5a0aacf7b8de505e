package knn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// checkExact compares the kernel search with brute force, bit for bit, on
// 1, 2 and 3 threads.
func checkExact(t *testing.T, name string, x []float64, n, d, k int) {
	t.Helper()
	want := bruteF(x, n, d, k, 1)
	for _, th := range []int{1, 2, 3} {
		got := kernelF(x, n, d, k, th)
		for i := range want.Index {
			if got.Index[i] != want.Index[i] || got.Dist[i] != want.Dist[i] {
				t.Fatalf("%s threads=%d: entry %d (row %d): got (%d, %g), want (%d, %g)", name, th, i, i/k,
					got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
			}
		}
	}
}

func TestKernelSearchRandom(t *testing.T) {
	for _, c := range []struct{ n, d, k int }{{2, 1, 1}, {5, 3, 4}, {97, 13, 20}, {200, 67, 3}, {450, 33, 10}, {300, 2100, 2}} {
		checkExact(t, "random", randMatrix(c.n, c.d, uint64(c.n+c.d)), c.n, c.d, c.k)
	}
}

func TestKernelSearchNearDuplicatesLargeNorm(t *testing.T) {
	// Clusters of rows with norms ~1e6 a few ulps apart, plus exact copies.
	r := rand.New(rand.NewPCG(9, 9))
	n, d := 260, 40
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		c := i % 13
		for j := 0; j < d; j++ {
			base := 1e6 + float64(c*j)
			switch {
			case i%5 == 0:
				x[i*d+j] = base
			default:
				x[i*d+j] = base + float64(r.IntN(7)-3)*math.Abs(base)*0x1p-52*float64(1+i%3)
			}
		}
	}
	checkExact(t, "near-duplicates", x, n, d, 7)
}

func TestKernelSearchTies(t *testing.T) {
	// Integer grid points: many exactly equal distances.
	n, d := 343, 3
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		x[i*d], x[i*d+1], x[i*d+2] = float64(i%7), float64(i/7%7), float64(i/49)
	}
	checkExact(t, "grid", x, n, d, 6)
	checkExact(t, "grid k=26", x, n, d, 26)
}

func TestKernelSearchOverflow(t *testing.T) {
	// 300 copies of two points: every row ties with 299 others.
	old := candidateFloor
	candidateFloor = 8
	defer func() { candidateFloor = old }()
	n, d := 600, 5
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			x[i*d+j] = float64((i%2)*(j+1)) + 0.5
		}
	}
	checkExact(t, "overflow", x, n, d, 3)
	// kernelSearch takes the strip search at this size; the overflow path
	// is collect's (larger matrices).
	v := view(m64(x, n, d))
	pr, ok := prepareWith(v, packBoth)
	if !ok {
		t.Fatal("prepare")
	}
	rows := collect(pr, n, d, 3, 2)
	over := 0
	for _, r := range rows {
		over += b2i(r.overflow)
	}
	if over == 0 {
		t.Fatal("no row overflowed")
	}
	if got, want := refine(v, 3, rows, 2), bruteF(x, n, d, 3, 1); !sameAs(got, want) {
		t.Fatal("collect's overflow path differs from brute force")
	}
}

func TestKernelSearchNonFinite(t *testing.T) {
	x := randMatrix(30, 4, 2)
	x[17] = math.Inf(1)
	got := kernelF(x, 30, 4, 3, 2)
	want := bruteF(x, 30, 4, 3, 2)
	for i := range want.Index {
		if got.Index[i] != want.Index[i] {
			t.Fatalf("non-finite input: entry %d differs", i)
		}
	}
}

func TestKernelSearchTinyValues(t *testing.T) {
	// Values near the float32 underflow threshold after scaling.
	x := randMatrix(120, 9, 4)
	for i := range x {
		x[i] *= 1e-300
	}
	x[0] = 1 // the scale is set by one large entry
	checkExact(t, "tiny", x, 120, 9, 5)
}

func TestKernelSearchOutlierBeyondSample(t *testing.T) {
	// The centre and scale come from a sample of 256 rows; row 299 is not in
	// it and is 1e15 times farther out, forcing the rescaling pass.
	n, d := 300, 5
	x := randMatrix(n, d, 17)
	x[299*d+2] = 1e15
	checkExact(t, "outlier", x, n, d, 4)
	x[299*d+2] = 1e300
	checkExact(t, "huge outlier", x, n, d, 4)
}

func TestKernelSearchZeroDimensions(t *testing.T) {
	checkExact(t, "d=0", nil, 6, 0, 3)
}
