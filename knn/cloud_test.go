package knn

import (
	"math"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// m64 wraps a row-major float64 slice as a matrix.
func m64(x []float64, n, d int) *cloud.Matrix { return cloud.Must64(x, n, d) }

// gather returns the listed rows of the n×d matrix x.
func gather(x []float64, d int, rows []int) []float64 {
	out := make([]float64, 0, len(rows)*d)
	for _, r := range rows {
		out = append(out, x[r*d:(r+1)*d]...)
	}
	return out
}

func bruteF(x []float64, n, d, k, threads int) *Graph {
	return bruteForce(view(m64(x, n, d)), k, threads)
}

func kernelF(x []float64, n, d, k, threads int) *Graph {
	return kernelSearch(view(m64(x, n, d)), k, threads)
}

// TestFloat32EqualsWidened checks that a float32 matrix is searched from
// its own rows with the same graph, bit for bit, as its exact float64
// widening, for both metrics and for subsets (docs/DESIGN.md §7).
func TestFloat32EqualsWidened(t *testing.T) {
	n, d := 400, 37
	x64 := randMatrix(n, d, 9)
	x32 := make([]float32, len(x64))
	for i, v := range x64 {
		x32[i] = float32(v)
		x64[i] = float64(x32[i])
	}
	copy(x32[5*d:6*d], x32[7*d:8*d]) // a duplicate row
	copy(x64[5*d:6*d], x64[7*d:8*d])
	a, b := cloud.Must32(x32, n, d), m64(x64, n, d)
	for _, metric := range []Metric{Euclidean, Cosine} {
		opt := &Options{Metric: metric, Threads: 2}
		g32, err := Search(a, 8, opt)
		if err != nil {
			t.Fatal(err)
		}
		g64, err := Search(b, 8, opt)
		if err != nil {
			t.Fatal(err)
		}
		sameGraph(t, g32, g64)
		rows := []int{0, 3, 5, 7, 9, 20, 50, 51, 52, 100, 200, 399}
		s32, err := g32.Subset(a, rows, 2, opt)
		if err != nil {
			t.Fatal(err)
		}
		s64, err := g64.Subset(b, rows, 2, opt)
		if err != nil {
			t.Fatal(err)
		}
		sameGraph(t, s32, s64)
	}
	u32, u64 := FindDuplicates(a), FindDuplicates(b)
	if u32.Removed() != 1 || u64.Removed() != 1 || u32.Group[5] != u32.Group[7] {
		t.Errorf("duplicates: float32 %d removed, float64 %d", u32.Removed(), u64.Removed())
	}
	if got, want := bruteForce(view(a), 3, 1), bruteF(x64, n, d, 3, 1); math.Float64bits(got.Dist[10]) != math.Float64bits(want.Dist[10]) {
		t.Errorf("brute force: %v != %v", got.Dist[10], want.Dist[10])
	}
}
