package estimate

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// TestTLEThreads: TLE's pointwise values, and the point its error names,
// do not depend on the number of goroutines.
func TestTLEThreads(t *testing.T) {
	const n, d, k = 300, 4, 6
	rng := rand.New(rand.NewPCG(7, 11))
	x := make([]float64, n*d)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	m, err := cloud.New64(x, n, d)
	if err != nil {
		t.Fatal(err)
	}
	g, err := knn.Search(m, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	one, err := TLEPoints(m, g, k, 1e-4, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range []int{0, 2, 3, 7, 1000} {
		v, err := TLEPoints(m, g, k, 1e-4, th)
		if err != nil {
			t.Fatal(err)
		}
		for i := range v {
			if math.Float64bits(v[i]) != math.Float64bits(one[i]) {
				t.Fatalf("threads %d: point %d: %v, one thread %v", th, i, v[i], one[i])
			}
		}
	}

	// Two groups of k+1 equal rows: their points' k distances are all zero.
	// The error names the first such point whatever the thread count.
	y := append([]float64(nil), x...)
	for _, start := range []int{250, 40} {
		for i := start; i <= start+k; i++ {
			copy(y[i*d:(i+1)*d], x[start*d:(start+1)*d])
		}
	}
	my, _ := cloud.New64(y, n, d)
	gy, err := knn.Search(my, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range []int{1, 2, 3, 5, 0} {
		_, err := TLEPoints(my, gy, k, 1e-4, th)
		if err == nil || !strings.HasPrefix(err.Error(), "point 40:") {
			t.Fatalf("threads %d: error %v, want one naming point 40", th, err)
		}
	}
}
