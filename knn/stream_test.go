package knn

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/tensorio/npy"
)

func writeNpy(t *testing.T, shape []int, data any) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.npy")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.Write(f, shape, data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSearchFileStreamsExactly: with a budget of a few KiB the file is
// streamed in 64-column blocks; the graph equals Search on the loaded
// matrix bit for bit (Euclidean and cosine, float32 and float64 files,
// a 3-axis array, near-duplicate rows with a large common offset).
func TestSearchFileStreamsExactly(t *testing.T) {
	n, c, hh := 90, 3, 50 // 150 columns: blocks of 64, 64, 22
	d := c * hh
	x := randMatrix(n, d, 5)
	for i := range x {
		x[i] += 300
	}
	copy(x[7*d:8*d], x[3*d:4*d])
	x[7*d+100] += 1e-9
	x32 := make([]float32, len(x))
	for i, v := range x {
		x32[i] = float32(v)
	}
	for _, data := range []any{x, x32} {
		path := writeNpy(t, []int{n, c, hh}, data)
		_, loaded, err := npy.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if w := streamWidth(n, d, 4096); w != 64 {
			t.Fatalf("streamWidth = %d, want 64", w)
		}
		for _, metric := range []Metric{Euclidean, Cosine} {
			for _, th := range []int{1, 3} {
				opt := &Options{Metric: metric, Threads: th}
				want, err := Search(m64(loaded, n, d), 6, opt)
				if err != nil {
					t.Fatal(err)
				}
				got, gn, gd, err := SearchFile(path, 6, opt, 4096)
				if err != nil {
					t.Fatal(err)
				}
				if gn != n || gd != d {
					t.Fatalf("shape %d×%d, want %d×%d", gn, gd, n, d)
				}
				sameGraph(t, got, want)
				got, _, _, err = SearchFile(path, 6, opt, 1<<30) // loads
				if err != nil {
					t.Fatal(err)
				}
				sameGraph(t, got, want)
			}
		}
	}
}

func TestSearchFileErrors(t *testing.T) {
	path := writeNpy(t, []int{10, 4}, make([]float64, 40))
	if _, _, _, err := SearchFile(path, 10, nil, 0); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("k = n: %v", err)
	}
	zero := writeNpy(t, []int{10, 100}, make([]float32, 1000))
	if _, _, _, err := SearchFile(zero, 2, &Options{Metric: Cosine}, 1024); err == nil || !strings.Contains(err.Error(), "zero norm") {
		t.Fatalf("zero rows under cosine: %v", err)
	}
	// Truncated file.
	b, err := os.ReadFile(zero)
	if err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(t.TempDir(), "short.npy")
	if err := os.WriteFile(short, b[:len(b)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, _, err = SearchFile(short, 2, nil, 1024)
	if err == nil || !strings.Contains(err.Error(), short) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("truncated file: %v", err)
	}
	// Too many points for an n×n accumulator in the budget.
	many := writeNpy(t, []int{3000, 3}, make([]float32, 9000)) // 72 MB accumulator
	if _, _, _, err := SearchFile(many, 2, nil, 100000); err == nil || !strings.Contains(err.Error(), "accumulator") || !strings.Contains(err.Error(), many) {
		t.Fatalf("n×n over budget: %v", err)
	}
	if _, _, _, err := SearchFile(filepath.Join(t.TempDir(), "missing.npy"), 2, nil, 0); err == nil {
		t.Fatal("missing file accepted")
	}
}

// TestSearchFileZGram: the z-score Gram accumulated while streaming equals
// the one of the loaded matrix (to float64 rounding), constant columns
// dropped, and the graph is unchanged.
func TestSearchFileZGram(t *testing.T) {
	n, d := 70, 200
	x := randMatrix(n, d, 8)
	for i := 0; i < n; i++ {
		x[i*d+5] = 3    // constant column
		x[i*d+150] = -1 // another, in a later block
		x[i*d+7] *= 1e4 // a wide one
	}
	path := writeNpy(t, []int{n, d}, x)
	streamed, err := SearchFileWith(path, 3, nil, 2048, true)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := SearchFileWith(path, 3, nil, 1<<30, true)
	if err != nil {
		t.Fatal(err)
	}
	if !streamed.Streamed || loaded.Streamed {
		t.Fatalf("streamed %v, loaded %v", streamed.Streamed, loaded.Streamed)
	}
	if streamed.ZDim != d-2 || loaded.ZDim != d-2 {
		t.Fatalf("ZDim %d and %d, want %d", streamed.ZDim, loaded.ZDim, d-2)
	}
	sameGraph(t, streamed.Graph, loaded.Graph)
	for i, v := range loaded.ZGram {
		if math.Abs(streamed.ZGram[i]-v) > 1e-12*float64(d) {
			t.Fatalf("ZGram[%d] = %v streamed, %v loaded", i, streamed.ZGram[i], v)
		}
	}
	// Diagonal: Σ z² over a row; the trace is n·dz.
	var tr float64
	for i := 0; i < n; i++ {
		tr += streamed.ZGram[i*n+i]
	}
	if math.Abs(tr-float64(n*(d-2))) > 1e-8*tr {
		t.Fatalf("trace %v, want %d", tr, n*(d-2))
	}
}
