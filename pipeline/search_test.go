package pipeline

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/tensorio/npy"
)

func writeNpy(t *testing.T, shape []int, data any) string {
	t.Helper()
	return writeNPY(t, "x.npy", shape, data)
}

func randMatrix(n, d int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, n*d)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

func sameGraph(t *testing.T, got, want *knn.Graph) {
	t.Helper()
	if got.N != want.N || got.K != want.K {
		t.Fatalf("graph %d×%d, want %d×%d", got.N, got.K, want.N, want.K)
	}
	for i := range want.Index {
		if got.Index[i] != want.Index[i] || got.Dist[i] != want.Dist[i] {
			t.Fatalf("entry %d (row %d): got (%d, %g), want (%d, %g)", i, i/want.K,
				got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
		}
	}
}

// TestSearchFileStreamsExactly: with a budget of a few KiB the file is
// streamed in 64-column blocks; the graph equals knn.Search on the loaded
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
	for _, data := range []any{x, f32(x)} {
		path := writeNpy(t, []int{n, c, hh}, data)
		_, loaded, err := npy.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, metric := range []knn.Metric{knn.Euclidean, knn.Cosine} {
			for _, th := range []int{1, 3} {
				opt := &knn.Options{Metric: metric, Threads: th}
				want, err := knn.Search(cloud.Must64(loaded, n, d), 6, opt)
				if err != nil {
					t.Fatal(err)
				}
				got, err := SearchFile(path, 6, opt, 4096, false)
				if err != nil {
					t.Fatal(err)
				}
				if got.N != n || got.D != d || !got.Streamed {
					t.Fatalf("shape %d×%d streamed %v, want %d×%d streamed", got.N, got.D, got.Streamed, n, d)
				}
				sameGraph(t, got.Graph, want)
				got, err = SearchFile(path, 6, opt, 1<<30, false) // loads
				if err != nil || got.Streamed {
					t.Fatalf("loaded: %v, streamed %v", err, got != nil && got.Streamed)
				}
				sameGraph(t, got.Graph, want)
			}
		}
	}
}

func TestSearchFileErrors(t *testing.T) {
	path := writeNpy(t, []int{10, 4}, make([]float64, 40))
	if _, err := SearchFile(path, 10, nil, 0, false); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("k = n: %v", err)
	}
	zero := writeNpy(t, []int{10, 100}, make([]float32, 1000))
	if _, err := SearchFile(zero, 2, &knn.Options{Metric: knn.Cosine}, 1024, false); err == nil || !strings.Contains(err.Error(), "zero norm") {
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
	_, err = SearchFile(short, 2, nil, 1024, false)
	if err == nil || !strings.Contains(err.Error(), short) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("truncated file: %v", err)
	}
	// Too many points for an n×n accumulator in the budget.
	many := writeNpy(t, []int{3000, 3}, make([]float32, 9000)) // 72 MB accumulator
	if _, err := SearchFile(many, 2, nil, 100000, false); err == nil || !strings.Contains(err.Error(), "accumulator") || !strings.Contains(err.Error(), many) {
		t.Fatalf("n×n over budget: %v", err)
	}
	if _, err := SearchFile(filepath.Join(t.TempDir(), "missing.npy"), 2, nil, 0, false); err == nil {
		t.Fatal("missing file accepted")
	}
}

// TestSearchFileZGram: the z-score Gram accumulated while streaming equals
// the one of the loaded matrix (to float64 rounding), constant columns
// dropped, and the graph is unchanged; Euclidean and cosine.
func TestSearchFileZGram(t *testing.T) {
	n, d := 70, 200
	x := randMatrix(n, d, 8)
	for i := 0; i < n; i++ {
		x[i*d+5] = 3    // constant column
		x[i*d+150] = -1 // another, in a later block
		x[i*d+7] *= 1e4 // a wide one
	}
	path := writeNpy(t, []int{n, d}, x)
	for _, opt := range []*knn.Options{nil, {Metric: knn.Cosine}} {
		streamed, err := SearchFile(path, 3, opt, 2048, true)
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := SearchFile(path, 3, opt, 1<<30, true)
		if err != nil {
			t.Fatal(err)
		}
		if !streamed.Streamed || loaded.Streamed {
			t.Fatalf("streamed %v, loaded %v", streamed.Streamed, loaded.Streamed)
		}
		if opt == nil && (streamed.ZDim != d-2 || loaded.ZDim != d-2) {
			t.Fatalf("ZDim %d and %d, want %d", streamed.ZDim, loaded.ZDim, d-2)
		}
		sameGraph(t, streamed.Graph, loaded.Graph)
		for i, v := range loaded.ZGram {
			if math.Abs(streamed.ZGram[i]-v) > 1e-12*float64(d) {
				t.Fatalf("%v: ZGram[%d] = %v streamed, %v loaded", opt, i, streamed.ZGram[i], v)
			}
		}
	}
}

// A .npy layer is searched from disk; with a budget smaller than the
// matrix it is streamed in column blocks, with the same result.
func ExampleSearchFile() {
	dir, err := os.MkdirTemp("", "knn")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "layer.npy")
	f, err := os.Create(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := make([]float32, 4*100) // 4 points, 100 features
	for i := 0; i < 4; i++ {
		for j := 0; j < 100; j++ {
			x[i*100+j] = float32(i * i)
		}
	}
	if err := npy.Write(f, []int{4, 100}, x); err != nil {
		fmt.Println(err)
		return
	}
	f.Close()
	r, err := SearchFile(path, 1, nil, 1024, false) // 1 KiB: streamed
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.N, r.D, r.Streamed, r.Graph.Index, r.Graph.Dist)
	// Output: 4 100 true [1 0 1 2] [10 10 30 50]
}

// TestStreamedExtremeScale: a float64 layer beyond 2^±200 is rescaled by a
// power of two when loaded (the estimate equals that of the unscaled
// layer) and refused when streamed, with the reason, rather than searched
// differently; at 2^150 both paths give the same estimate.
func TestStreamedExtremeScale(t *testing.T) {
	n, d := 300, 48
	x := synth.Hypercube(n, 5, d, 3)
	plain, err := Estimate(File(writeNPY(t, "plain.npy", []int{n, d}, x)), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []int{300, -300, 150} {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = math.Ldexp(v, e)
		}
		path := writeNPY(t, fmt.Sprintf("x%d.npy", e), []int{n, d}, y)
		loaded, err := Estimate(File(path), nil)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := results(t, loaded), results(t, plain); a != b {
			t.Errorf("2^%d loaded: %s, want %s", e, a, b)
		}
		streamed, err := Estimate(File(path), &Options{Mem: 4096})
		if e == 150 {
			if err != nil {
				t.Fatal(err)
			}
			if a, b := results(t, streamed), results(t, loaded); a != b {
				t.Errorf("2^150 streamed: %s, loaded %s", a, b)
			}
			continue
		}
		if !errors.Is(err, knn.ErrExtremeScale) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "memory budget") {
			t.Errorf("2^%d streamed: %v, want a refusal naming the file and the reason", e, err)
		}
	}
}
