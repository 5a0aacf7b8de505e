package geometry_test

import (
	"testing"

	"github.com/intdim/intdim/geometry"
	"github.com/intdim/intdim/knn"
)

// The measures against the neighbour search they read (the baseline, in the
// same run): BENCHMARKS.md reports the ratios.
func benchInputs(b *testing.B) (gx, gy *knn.Graph) {
	x := load(b, "../testdata/refs/bm_M10a_Cubic.npy")
	y := load(b, "../testdata/geometry/bm_M10a_Cubic_Y.npy")
	return search(b, x, 30), search(b, y, 30)
}

func BenchmarkSearchK30(b *testing.B) {
	x := load(b, "../testdata/refs/bm_M10a_Cubic.npy")
	for b.Loop() {
		if _, err := knn.Search(x, 30, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOverlapK30(b *testing.B) {
	gx, gy := benchInputs(b)
	for b.Loop() {
		if _, err := geometry.Overlap(gx, gy, 30); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImbalance(b *testing.B) {
	gx, gy := benchInputs(b)
	y := load(b, "../testdata/geometry/bm_M10a_Cubic_Y.npy")
	for b.Loop() {
		if _, err := geometry.Imbalance(gx, gy, y); err != nil {
			b.Fatal(err)
		}
	}
}
