package result

import (
	"math"
	"testing"
)

// NewHistogram counts every finite value once in ⌈√n⌉ (5 to 50) equal bins
// spanning the values, leaves NaN and ±Inf out, and gives one bin to a
// single value and nil to none.
func TestNewHistogram(t *testing.T) {
	v := []float64{math.NaN(), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, math.Inf(1), 10, 0.1}
	h := NewHistogram(v)
	if len(h.Counts) != 5 || len(h.Edges) != 6 || h.Edges[0] != 0 || h.Edges[5] != 10 {
		t.Fatalf("%+v", h)
	}
	want := []int{3, 2, 2, 2, 4} // [0,2) [2,4) [4,6) [6,8) [8,10]
	for i, c := range want {
		if h.Counts[i] != c {
			t.Errorf("bin %d: %d, want %d (%+v)", i, h.Counts[i], c, h)
		}
	}
	big := make([]float64, 10000)
	for i := range big {
		big[i] = float64(i%997) * 0.37
	}
	if h := NewHistogram(big); len(h.Counts) != 50 || sum(h.Counts) != 10000 {
		t.Errorf("10000 values: %d bins, %d counted", len(h.Counts), sum(h.Counts))
	}
	if h := NewHistogram([]float64{3, 3, math.NaN()}); len(h.Counts) != 1 || h.Counts[0] != 2 || h.Edges[0] != 2.5 {
		t.Errorf("one value: %+v", h)
	}
	if h := NewHistogram([]float64{-math.MaxFloat64, math.MaxFloat64, 0}); sum(h.Counts) != 3 || h.Counts[0] != 1 || h.Counts[4] != 1 {
		t.Errorf("extremes: %+v", h)
	}
	if h := NewHistogram([]float64{math.NaN(), math.Inf(-1)}); h != nil {
		t.Errorf("no finite value: %+v", h)
	}
}

func sum(c []int) int {
	s := 0
	for _, v := range c {
		s += v
	}
	return s
}
