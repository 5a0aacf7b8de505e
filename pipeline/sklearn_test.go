package pipeline

import (
	"testing"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
)

// TestSklearnNeighbours: lists written by scikit-learn 1.2
// (scripts/sklearn_neighbours.py: int64 indices, float64 distances, a point
// with duplicates listed after one of them in column 0) give the estimates
// of the points themselves at 1e-12, with the self column and without.
func TestSklearnNeighbours(t *testing.T) {
	for _, o := range []estimate.Options{
		{Method: "twonn"},
		{Method: "twonn", Paper: true},
		{Method: "twonn", Duplicates: "drop"},
		{Method: "twonn-ml"},
		{Method: "mle", K: 5},
		{Method: "gride", MaxRank: 8},
	} {
		want, err := Estimate(File("testdata/sk_points.npy"), &Options{Estimate: o})
		if err != nil {
			t.Fatal(err)
		}
		if o.Duplicates == "" && want.Duplicates != 2 {
			t.Fatalf("the points have %d duplicates, want 2", want.Duplicates)
		}
		got, err := EstimateNeighbours("testdata/sk_neighbours.npz", nil, &Options{Estimate: o})
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		sameResults(t, "sklearn "+string(o.Method), got, want)
		got, err = EstimateNeighbours("testdata/sk_faiss.npz", &knn.ListsOptions{NoSelf: true}, &Options{Estimate: o})
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		sameResults(t, "sklearn no self "+string(o.Method), got, want)
	}
}
