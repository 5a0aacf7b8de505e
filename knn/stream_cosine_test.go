package knn

import (
	"math"
	"testing"

	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
)

// TestSearchColumnsZGramCosine: under Cosine the streamed z-score Gram is
// that of the normalised rows, as PC-ID in memory measures them (issue 9:
// PC-ID was 33 in memory and 35 streamed; pipeline tests the file loaded).
func TestSearchColumnsZGramCosine(t *testing.T) {
	n, d := 60, 150
	x := randMatrix(n, d, 11)
	for i := 0; i < n; i++ {
		s := float64(1 + i%7) // rows of different norms
		for j := 0; j < d; j++ {
			x[i*d+j] *= s
		}
	}
	opt := &Options{Metric: Cosine}
	streamed, err := SearchColumns(&memColumns{x: x, n: n, d: d}, 3, opt, 2048, true)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Search(m64(x, n, d), 3, opt)
	if err != nil {
		t.Fatal(err)
	}
	u, err := Normalize(m64(x, n, d))
	if err != nil {
		t.Fatal(err)
	}
	z, dz := linalg.ZScore(u.F64(), n, d)
	want := kernel.Gram64(z, n, dz, 1)
	for i, v := range want {
		if math.Abs(streamed.ZGram[i]-v) > 1e-12*float64(d) {
			t.Fatalf("ZGram[%d] = %v streamed, want %v", i, streamed.ZGram[i], v)
		}
	}
	sameGraph(t, streamed.Graph, loaded)
}
