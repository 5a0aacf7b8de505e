package pipeline

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/tensorio/npy"
)

// TestSampleRows: the rows knn.StreamsSampled reads for its sample test
// are those of the loaded layer (of a class's rows, mapped), in the
// layer's element type; none in Fortran order.
func TestSampleRows(t *testing.T) {
	n, d := 50, 7
	x := synth.Gaussian(n, 3, d, 5)
	for _, data := range []any{x, f32(x)} {
		path := writeNPY(t, "s.npy", []int{n, d}, data)
		f, err := npy.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, c := range []struct {
			rows, idx, want []int
		}{
			{nil, []int{3, 0, 49, 3}, []int{3, 0, 49, 3}},
			{[]int{10, 20, 30, 40}, []int{2, 0, 3}, []int{30, 10, 40}},
		} {
			m, err := sampleRows(f, c.rows)(c.idx)
			if err != nil {
				t.Fatal(err)
			}
			if m.N() != len(c.want) || m.D() != d || (m.Elem() == cloud.Float32) != f.Narrow() {
				t.Fatalf("%T: %d×%d %v", data, m.N(), m.D(), m.Elem())
			}
			for t2, i := range c.want {
				for j := 0; j < d; j++ {
					want := x[i*d+j]
					if f.Narrow() {
						want = float64(float32(want))
					}
					if got := m.At(t2, j); got != want {
						t.Fatalf("%T: row %d (file row %d) column %d: %v, want %v", data, t2, i, j, got, want)
					}
				}
			}
		}
		f.Fortran = true
		if sampleRows(f, nil) != nil {
			t.Errorf("%T: a sample read in Fortran order", data)
		}
	}
}

// TestSearchFileWideAuto: end to end through a real file, the memory rule
// with its sample test (knn.StreamsSampled). A wide float32 layer of
// 2,000 × 14,400 (loading it costs ≈ 346 MB, over the 256 MiB above which
// a wide layer streams, and streaming less than half of that; 2,000 rows,
// as few as auto plans a pruned search for) that fits the budget is loaded
// by auto and pruned when it is low-rank, with brute force's graph bit for
// bit (brute force streams it); isotropic rows of the same size stream.
// About 230 MB of temporary files: not under -short.
func TestSearchFileWideAuto(t *testing.T) {
	if testing.Short() {
		t.Skip("writes two 115 MB layers")
	}
	n, d := 2000, 14400
	// Rank 12 (synth.Gaussian's 12-dimensional subspace), and isotropic.
	low := f32(synth.Gaussian(n, 12, d, 7))
	iso := make([]float32, n*d)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range iso {
		iso[i] = float32(rng.NormFloat64())
	}
	const budget = 4 << 30
	lowPath := writeNPY(t, "low.npy", []int{n, d}, low)
	auto, err := SearchFile(lowPath, 2, nil, budget, false)
	if err != nil {
		t.Fatal(err)
	}
	brute, err := SearchFile(lowPath, 2, &knn.Options{Search: knn.SearchBrute}, budget, false)
	if err != nil {
		t.Fatal(err)
	}
	if auto.Streamed || auto.Graph.Search != knn.SearchPruned || !brute.Streamed {
		t.Fatalf("low rank: auto streamed %v searched by %v; brute streamed %v", auto.Streamed, auto.Graph.Search, brute.Streamed)
	}
	for i := range brute.Graph.Index {
		if auto.Graph.Index[i] != brute.Graph.Index[i] || math.Float64bits(auto.Graph.Dist[i]) != math.Float64bits(brute.Graph.Dist[i]) {
			t.Fatalf("entry %d: auto (%d, %v), brute (%d, %v)", i, auto.Graph.Index[i], auto.Graph.Dist[i], brute.Graph.Index[i], brute.Graph.Dist[i])
		}
	}
	isoRes, err := SearchFile(writeNPY(t, "iso.npy", []int{n, d}, iso), 2, nil, budget, false)
	if err != nil {
		t.Fatal(err)
	}
	if !isoRes.Streamed {
		t.Fatalf("isotropic: loaded (searched by %v), want streamed", isoRes.Graph.Search)
	}
}
