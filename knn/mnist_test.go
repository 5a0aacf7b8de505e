package knn_test

import (
	"math"
	"testing"

	"github.com/intdim/intdim/data/mnist"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/nn/zoo"
)

// TestPrunedMNISTLayers: on the layers of the trained MNIST network (the
// demo's), the pruned search gives brute force's neighbours and distances
// bit for bit, Euclidean and cosine, for the k of the estimators.
func TestPrunedMNISTLayers(t *testing.T) {
	m, err := zoo.Open("mnist")
	if err != nil {
		t.Fatal(err)
	}
	n := 300
	if testing.Short() {
		n = 120
	}
	layers, err := m.Layers(mnist.Test(), n)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		ks := []int{2, 20}
		if l.Name == "pool2" || l.Name == "d1" {
			ks = append(ks, 3, 30, 100, min(256, n-1))
		}
		for _, k := range ks {
			for _, metric := range []knn.Metric{knn.Euclidean, knn.Cosine} {
				if metric == knn.Cosine && l.Name != "pool1" && l.Name != "d1" {
					continue
				}
				want, err := knn.Search(l.Points, k, &knn.Options{Metric: metric, Search: knn.SearchBrute})
				if err != nil {
					t.Fatal(err)
				}
				got, err := knn.Search(l.Points, k, &knn.Options{Metric: metric, Search: knn.SearchPruned})
				if err != nil {
					t.Fatal(err)
				}
				if got.Search != knn.SearchPruned {
					t.Fatalf("%s: pruned search not run", l.Name)
				}
				for i := range want.Index {
					if got.Index[i] != want.Index[i] || math.Float64bits(got.Dist[i]) != math.Float64bits(want.Dist[i]) {
						t.Fatalf("%s k=%d %v: entry %d differs: (%d, %v) against (%d, %v)", l.Name, k, metric, i,
							got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
					}
				}
			}
		}
	}
}
