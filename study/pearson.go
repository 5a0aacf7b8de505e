package study

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Correlation is Pearson's product-moment correlation between two samples,
// with the least-squares line y = Intercept + Slope·x.
//
//	r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²)
//	t = r √(N−2) / √(1−r²),  p = 2·(1 − F_t(|t|; N−2))
//
// where F_t is the CDF of Student's t with N − 2 degrees of freedom, so P is
// the two-sided p-value of the null hypothesis r = 0 for bivariate normal
// data (as scipy.stats.pearsonr). When |r| = 1, T is ±math.MaxFloat64 and P
// is 0.
type Correlation struct {
	N         int     `json:"n"`
	R         float64 `json:"r"`
	T         float64 `json:"t"`
	P         float64 `json:"p"`
	Slope     float64 `json:"slope"`
	Intercept float64 `json:"intercept"`
}

// ErrConstant is returned by Pearson when one sample has no variance.
var ErrConstant = errors.New("a sample is constant, the correlation is undefined")

// Pearson returns the correlation of x and y. It needs at least three pairs
// of finite values and panics if the lengths differ.
func Pearson(x, y []float64) (Correlation, error) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("study: Pearson of %d and %d values", len(x), len(y)))
	}
	n := len(x)
	if n < 3 {
		return Correlation{}, fmt.Errorf("a correlation needs at least 3 pairs, have %d", n)
	}
	var mx, my float64
	for i := range x {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return Correlation{}, fmt.Errorf("pair %d is not finite (%g, %g)", i, x[i], y[i])
		}
		mx += x[i]
		my += y[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxx, syy, sxy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxx += dx * dx
		syy += dy * dy
		sxy += dx * dy
	}
	if sxx == 0 || syy == 0 {
		return Correlation{}, ErrConstant
	}
	r := sxy / math.Sqrt(sxx*syy)
	r = math.Max(-1, math.Min(1, r))
	c := Correlation{N: n, R: r, Slope: sxy / sxx}
	c.Intercept = my - c.Slope*mx
	df := float64(n - 2)
	if 1-r*r == 0 {
		// t is infinite; JSON cannot hold that, so T saturates.
		c.T = math.Copysign(math.MaxFloat64, r)
		c.P = 0
		return c, nil
	}
	c.T = r * math.Sqrt(df/(1-r*r))
	// The survival function keeps precision for tiny p.
	c.P = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(c.T))
	c.P = math.Min(1, c.P)
	return c, nil
}
