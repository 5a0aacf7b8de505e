package study

import (
	"math"
	"testing"
)

// Anscombe's quartet, set I (Anscombe 1973, "Graphs in statistical
// analysis"): r = 0.81642, y = 3.0001 + 0.5001 x.
var anscombeX = []float64{10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5}
var anscombeY = []float64{8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68}

func TestPearsonAnscombe(t *testing.T) {
	c, err := Pearson(anscombeX, anscombeY)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(c.R-0.81642) > 5e-5 {
		t.Errorf("r = %.6f, want 0.81642", c.R)
	}
	if math.Abs(c.Slope-0.5001) > 5e-5 || math.Abs(c.Intercept-3.0001) > 5e-5 {
		t.Errorf("line y = %.5f + %.5f x, want 3.0001 + 0.5001 x", c.Intercept, c.Slope)
	}
	// Anscombe reports t = 4.24 for the slope (9 degrees of freedom), and
	// p = 0.00217 two-sided (the regression F-test, F = 17.99 on 1 and 9).
	if math.Abs(c.T-4.241) > 2e-3 {
		t.Errorf("t = %.4f, want 4.241", c.T)
	}
	if math.Abs(c.P-0.00217) > 1e-5 {
		t.Errorf("p = %.6f, want 0.00217", c.P)
	}
}

// With 2 degrees of freedom (N = 4) Student's t has the closed-form CDF
// F(t) = 1/2 + t/(2√(2+t²)), so p = 1 − |t|/√(2+t²); with 1 (N = 3) it is
// the Cauchy distribution, p = 1 − (2/π)·atan|t|.
func TestPearsonClosedForm(t *testing.T) {
	for _, tc := range []struct {
		x, y []float64
		p    func(t float64) float64
	}{
		{[]float64{1, 2, 3, 4}, []float64{1, 3, 2, 5}, func(t float64) float64 { return 1 - math.Abs(t)/math.Sqrt(2+t*t) }},
		{[]float64{0, 1, 2, 3}, []float64{2, -1, 0.5, -3}, func(t float64) float64 { return 1 - math.Abs(t)/math.Sqrt(2+t*t) }},
		{[]float64{1, 2, 4}, []float64{2, 1, 7}, func(t float64) float64 { return 1 - 2/math.Pi*math.Atan(math.Abs(t)) }},
	} {
		c, err := Pearson(tc.x, tc.y)
		if err != nil {
			t.Fatal(err)
		}
		if want := tc.p(c.T); math.Abs(c.P-want) > 1e-12 {
			t.Errorf("%v %v: p = %.15f, want %.15f", tc.x, tc.y, c.P, want)
		}
		if want := c.R * math.Sqrt(float64(c.N-2)/(1-c.R*c.R)); math.Abs(c.T-want) > 1e-12 {
			t.Errorf("t = %g, want %g", c.T, want)
		}
	}
	// x = 1..4, y = 1,3,2,5: Σdxdy = 5.5, Σdx² = 5, Σdy² = 8.75.
	c, _ := Pearson([]float64{1, 2, 3, 4}, []float64{1, 3, 2, 5})
	if want := 5.5 / math.Sqrt(5*8.75); math.Abs(c.R-want) > 1e-15 {
		t.Errorf("r = %.16f, want %.16f", c.R, want)
	}
}

func TestPearsonPerfectAndErrors(t *testing.T) {
	c, err := Pearson([]float64{1, 2, 3}, []float64{6, 4, 2})
	if err != nil || c.R != -1 || c.P != 0 || c.T != -math.MaxFloat64 {
		t.Errorf("perfect anticorrelation: %+v, %v", c, err)
	}
	if _, err := Pearson([]float64{1, 2}, []float64{1, 2}); err == nil {
		t.Error("2 pairs: no error")
	}
	if _, err := Pearson([]float64{1, 1, 1}, []float64{1, 2, 3}); err != ErrConstant {
		t.Errorf("constant x: %v", err)
	}
	if _, err := Pearson([]float64{1, math.NaN(), 3}, []float64{1, 2, 3}); err == nil {
		t.Error("NaN: no error")
	}
}
