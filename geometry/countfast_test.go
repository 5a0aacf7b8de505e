package geometry

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// countRows is CountRanks by exact rows only (the reference).
func countRows(x *cloud.Matrix, targets [][]int32) [][]int {
	ranks := make([][]int, len(targets))
	for s := range ranks {
		ranks[s] = make([]int, x.N())
	}
	row := make([]float64, x.N())
	for i := range x.N() {
		countRow(x, i, row, targets, ranks)
	}
	return ranks
}

// The kernel path counts the exact ranks: on a grid with duplicates (many
// exactly tied distances), on near-duplicates (distances below the
// kernel's error), in float64 and float32, for every thread count.
func TestCountGramEqualsExact(t *testing.T) {
	const d = 3
	var a []float64
	for i := range 9 {
		for j := range 9 {
			a = append(a, float64(i), float64(j), float64((i*j)%4))
		}
	}
	a = append(a, a[:30]...) // 10 exact duplicates
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 { // near-duplicates of row 5
		a = append(a, a[15]+1e-9*r.NormFloat64(), a[16], a[17]+1e-9*r.NormFloat64())
	}
	n := len(a) / d
	f32 := make([]float32, len(a))
	for i, v := range a {
		f32[i] = float32(v * 0.37)
	}
	for _, x := range []*cloud.Matrix{cloud.Must64(a, n, d), cloud.Must32(f32, n, d)} {
		targets := make([][]int32, 3)
		for s := range targets {
			targets[s] = make([]int32, n)
			for i := range targets[s] {
				targets[s][i] = int32(r.IntN(n))
				if int(targets[s][i]) == i || r.IntN(5) == 0 {
					targets[s][i] = -1
				}
			}
		}
		want := countRows(x, targets)
		var queries []int
		for i := range n {
			if targets[0][i] >= 0 || targets[1][i] >= 0 || targets[2][i] >= 0 {
				queries = append(queries, i)
			}
		}
		if len(queries) < gramMin || !float32Safe(x) {
			t.Fatalf("%d queries: the kernel path is not taken", len(queries))
		}
		for _, threads := range []int{1, 3} {
			got := CountRanks(x, targets, threads)
			for s := range want {
				for i := range want[s] {
					if got[s][i] != want[s][i] {
						t.Fatalf("elem %d, threads %d, set %d, point %d: rank %d, exact %d", x.Elem().Size(), threads, s, i, got[s][i], want[s][i])
					}
				}
			}
		}
	}
	// Values beyond float32's range: the exact path.
	if float32Safe(cloud.Must64([]float64{1e200, 0, 1, 2, 3, 4}, 3, 2)) || float32Safe(cloud.Must64(make([]float64, 6), 3, 2)) {
		t.Error("float32Safe accepts 1e200 or all zeros")
	}
	if !float32Safe(cloud.Must64([]float64{1, 2, 3, math.Pi, 0, 1}, 3, 2)) {
		t.Error("float32Safe refuses ordinary values")
	}
}

// Column chunks and query blocks smaller than the layer (a small
// gramBlockBytes) give the exact ranks too.
func TestCountGramChunks(t *testing.T) {
	const n, d = 150, 200
	r := rand.New(rand.NewPCG(3, 4))
	a := make([]float64, n*d)
	for i := range a {
		a[i] = math.Round(r.NormFloat64() * 2) // coarse: ties
	}
	copy(a[d:2*d], a[:d]) // a duplicate
	x := cloud.Must64(a, n, d)
	targets := [][]int32{make([]int32, n)}
	for i := range n {
		targets[0][i] = int32((i + 1 + r.IntN(n-1)) % n)
	}
	want := countRows(x, targets)
	defer func(v int) { gramBlockBytes = v }(gramBlockBytes)
	gramBlockBytes = 8 * n * 70 // chunks of 70 features, blocks of 70 points
	got := CountRanks(x, targets, 2)
	for i := range want[0] {
		if got[0][i] != want[0][i] {
			t.Fatalf("point %d: rank %d, exact %d", i, got[0][i], want[0][i])
		}
	}
}
