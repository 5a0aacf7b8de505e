package estimate

import (
	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/linalg"
	"math"
	"math/rand/v2"
	"testing"
)

// TestPCIDGramEqualsPCID: PC-ID from the z-score Gram matrix (as a layer
// streamed from disk provides it) equals PCID on the matrix.
func TestPCIDGramEqualsPCID(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	n, d := 60, 150
	x := make([]float64, n*d)
	for i := range x {
		x[i] = r.NormFloat64() * math.Exp(-float64(i%d)/20)
	}
	want, err := PCID(cloud.Must64(x, n, d), 0.9)
	if err != nil {
		t.Fatal(err)
	}
	z, dz := linalg.ZScore(x, n, d)
	got, err := PCIDGram(gram(z, n, dz, 1), n, dz, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID || len(got.Spectrum) != len(want.Spectrum) {
		t.Fatalf("PCIDGram ID %d (%d components), PCID %d (%d)", got.ID, len(got.Spectrum), want.ID, len(want.Spectrum))
	}
	for i, v := range want.Spectrum {
		if math.Abs(got.Spectrum[i]-v) > 1e-12 {
			t.Fatalf("spectrum[%d] = %v, want %v", i, got.Spectrum[i], v)
		}
	}
	if _, err := PCIDGram(make([]float64, 4), 2, 0, 0.9); err == nil {
		t.Fatal("no columns accepted")
	}
}
