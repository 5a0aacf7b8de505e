package pipeline

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
)

// Local mada with duplicates kept searches once: the lists are k + z long
// from the start (z the most duplicates of one point), long enough that
// estimate.Local would not search again, and the IDs are those of the
// old path (a search of k, then estimate.Local's second search), bit for
// bit. Without duplicates the lists are k long, as for the other methods.
func TestLocalMADASearchesOnce(t *testing.T) {
	const n, d, k = 300, 6, 10
	r := rand.New(rand.NewPCG(7, 8))
	x := make([]float64, 0, (n+6)*d)
	for range n {
		a, b := r.NormFloat64(), r.NormFloat64()
		for j := range d {
			x = append(x, a*float64(j+1)+b*float64(j*j%4)+0.01*r.NormFloat64())
		}
	}
	for _, row := range []int{5, 5, 5, 9, 9, 40} { // row 5 four times in all
		x = append(x, x[row*d:(row+1)*d]...)
	}
	m := cloud.Must64(x, n+6, d)
	for _, c := range []struct {
		m     *cloud.Matrix
		wantK int
	}{{m, k + 3}, {m.Rows(seq(n)), k}} {
		s, err := searchSourceMore(Points("x", c.m), k, false, nil, localMore(estimate.MethodMADA, k))
		if err != nil {
			t.Fatal(err)
		}
		if s.g.K != c.wantK || !madaServed(s.g, k) {
			t.Errorf("%d points: searched %d neighbours (served %v), want %d", c.m.N(), s.g.K, madaServed(s.g, k), c.wantK)
		}
		got, err := Local(Points("x", c.m), k, estimate.MethodMADA, estimate.SkdimOptions{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		g, err := knn.Search(c.m, k, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := estimate.Local(c.m, g, estimate.MethodMADA, k, estimate.SkdimOptions{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d points: IDs differ from the two-search path", c.m.N())
		}
	}
	if localMore(estimate.MethodMLE, k) != nil {
		t.Error("mle searches more than k")
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
