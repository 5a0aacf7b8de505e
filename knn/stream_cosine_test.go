package knn

import (
	"math"
	"testing"

	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
)

// TestSearchFileZGramCosine: under Cosine the z-score Gram is that of the
// normalised rows (as PC-ID in memory measures them), streamed or loaded
// (issue 9: PC-ID was 33 in memory and 35 streamed).
func TestSearchFileZGramCosine(t *testing.T) {
	n, d := 60, 150
	x := randMatrix(n, d, 11)
	for i := 0; i < n; i++ {
		s := float64(1 + i%7) // rows of different norms
		for j := 0; j < d; j++ {
			x[i*d+j] *= s
		}
	}
	path := writeNpy(t, []int{n, d}, x)
	opt := &Options{Metric: Cosine}
	streamed, err := SearchFileWith(path, 3, opt, 2048, true)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := SearchFileWith(path, 3, opt, 1<<30, true)
	if err != nil {
		t.Fatal(err)
	}
	if !streamed.Streamed || loaded.Streamed {
		t.Fatalf("streamed %v, loaded %v", streamed.Streamed, loaded.Streamed)
	}
	u, err := Normalize(m64(x, n, d))
	if err != nil {
		t.Fatal(err)
	}
	z, dz := linalg.ZScore(u.F64(), n, d)
	want := kernel.Gram64(z, n, dz, 1)
	for i, v := range want {
		if math.Abs(streamed.ZGram[i]-v) > 1e-12*float64(d) || math.Abs(loaded.ZGram[i]-v) > 1e-12*float64(d) {
			t.Fatalf("ZGram[%d] = %v streamed, %v loaded, want %v", i, streamed.ZGram[i], loaded.ZGram[i], v)
		}
	}
	sameGraph(t, streamed.Graph, loaded.Graph)
}
