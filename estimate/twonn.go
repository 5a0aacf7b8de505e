package estimate

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/intdim/intdim/knn"
)

// Sentinel errors of the estimators; match them with errors.Is.
var (
	// ErrDuplicates: some point has a duplicate, so its first-neighbour
	// distance r₁ is 0 and its ratio μ = r₂/r₁ is undefined. The error
	// returned wraps it in a *DuplicatesError carrying the count.
	ErrDuplicates = errors.New("points have a duplicate (r1 = 0)")
	// ErrTooFewPoints: the estimator needs more points than it was given.
	ErrTooFewPoints = errors.New("too few points")
	// ErrDegenerate: the data carry no scale information (e.g. every
	// μ = 1, or all neighbour distances equal), so the ID is undefined.
	ErrDegenerate = errors.New("degenerate neighbour distances")
	// ErrConstant: every column of the data is constant.
	ErrConstant = errors.New("all columns are constant")
	// ErrBadParam: a parameter is out of its documented range.
	ErrBadParam = errors.New("parameter out of range")
)

// DuplicatesError reports how many points have r₁ = 0. It matches
// ErrDuplicates under errors.Is.
type DuplicatesError struct {
	Count int // points whose first-neighbour distance is 0
}

func (e *DuplicatesError) Error() string {
	return fmt.Sprintf("%d points have a duplicate (r1 = 0): collapse duplicates first", e.Count)
}

// Is reports whether target is ErrDuplicates.
func (e *DuplicatesError) Is(target error) bool { return target == ErrDuplicates }

// Ratios returns μᵢ = r₂/r₁, the ratio of the second to the first
// neighbour distance of every point of g (Facco et al. 2017). It is +Inf
// where r₁ = 0 and NaN where r₁ = r₂ = 0 (duplicate points). Ratios panics
// if g.K < 2.
func Ratios(g *knn.Graph) []float64 {
	if g.K < 2 {
		panic("estimate: Ratios needs g.K >= 2")
	}
	mu := make([]float64, g.N)
	for i := range mu {
		r1, r2 := g.Dist[i*g.K], g.Dist[i*g.K+1]
		mu[i] = r2 / r1
	}
	return mu
}

// TwoNNFit is a TwoNN fit, kept for the fit-diagnostic plot.
//
// X holds log μ sorted ascending for all N points and Y[i] = −log(1 − (i+1)/N)
// (so Y[N−1] = +Inf: a plot must leave the last point out); the first NFit
// points were fitted by a line through the origin of slope ID.
type TwoNNFit struct {
	ID      float64
	N, NFit int
	X, Y    []float64
}

// checkRatios returns an error for ratios that r₂/r₁ of sorted distances
// cannot produce, and a *DuplicatesError for r₁ = 0.
func checkRatios(mu []float64) error {
	dup := 0
	for i, m := range mu {
		switch {
		case math.IsNaN(m) || math.IsInf(m, 1):
			dup++
		case m < 1:
			return fmt.Errorf("%w: μ = %g < 1 at point %d (want r2/r1 with r1 <= r2)", ErrBadParam, m, i)
		}
	}
	if dup > 0 {
		return &DuplicatesError{Count: dup}
	}
	return nil
}

// TwoNN estimates the intrinsic dimension from the ratios μ = r₂/r₁
// (Facco, d'Errico, Rodriguez & Laio, Sci. Rep. 7, 12140, 2017).
//
// Under local uniformity μ is Pareto distributed, F(μ) = 1 − μ^(−d), so
// −log(1 − F(μ)) = d·log μ. With μ₍₁₎ ≤ … ≤ μ₍N₎ sorted, xᵢ = log μ₍ᵢ₎ and
// yᵢ = −log(1 − i/N), the ID is the least-squares slope through the origin
//
//	d = Σ xᵢyᵢ / Σ xᵢ²,  i = 1 … n,  n = ⌊N·(1 − discard)⌋,
//
// discarding the largest μ (n is capped at N − 1, where y is finite). This is
// the convention of DADApy compute_id_2NN() and scikit-dimension TwoNN(),
// which Ansuini et al. (NeurIPS 2019) use with discard = 0.1.
//
// It returns a *DuplicatesError (errors.Is ErrDuplicates) if any μ is +Inf or
// NaN (r₁ = 0), ErrTooFewPoints for fewer than 3 ratios, and ErrDegenerate if
// every fitted μ is 1.
func TwoNN(mu []float64, discard float64) (*TwoNNFit, error) {
	if !(discard >= 0 && discard < 1) {
		return nil, fmt.Errorf("%w: TwoNN discard = %g, want 0 <= discard < 1", ErrBadParam, discard)
	}
	if err := checkRatios(mu); err != nil {
		return nil, err
	}
	n := len(mu)
	if n < 3 {
		return nil, fmt.Errorf("%w: TwoNN needs at least 3 points, have %d", ErrTooFewPoints, n)
	}
	nfit := int(math.Floor(float64(n) * (1 - discard)))
	nfit = min(nfit, n-1)
	if nfit < 1 {
		return nil, fmt.Errorf("%w: TwoNN keeps no point with %d points and discard %g", ErrTooFewPoints, n, discard)
	}
	f := newFit(mu, n)
	f.NFit = nfit
	if err := f.slope(); err != nil {
		return nil, err
	}
	return f, nil
}

// newFit sorts log μ into X and fills Y[i] = −log(1 − (i+1)/den).
func newFit(mu []float64, den int) *TwoNNFit {
	f := &TwoNNFit{N: len(mu), X: make([]float64, len(mu)), Y: make([]float64, len(mu))}
	for i, m := range mu {
		f.X[i] = math.Log(m)
	}
	slices.Sort(f.X)
	for i := range f.Y {
		f.Y[i] = -math.Log(1 - float64(i+1)/float64(den))
	}
	return f
}

// slope sets ID to Σxy/Σx² over the first NFit points.
func (f *TwoNNFit) slope() error {
	var sxy, sxx float64
	for i := 0; i < f.NFit; i++ {
		sxy += f.X[i] * f.Y[i]
		sxx += f.X[i] * f.X[i]
	}
	if sxx == 0 {
		return fmt.Errorf("%w: all %d fitted ratios r2/r1 equal 1", ErrDegenerate, f.NFit)
	}
	f.ID = sxy / sxx
	return nil
}

// TwoNNPaper is TwoNN as in the code of Ansuini, Laio, Macke & Zoccolan
// (NeurIPS 2019, IDNN/intrinsic_dimension.py, estimate(D, fraction=0.9)).
// Given the first and second neighbour distances r1[i] ≤ r2[i], it drops the
// points with r₁ = 0 (duplicates) and with r₁ = r₂ (ties, which include every
// point whose nearest neighbour has a duplicate), sets N to the points left,
// sorts μ = r₂/r₁ and fits
//
//	d = Σ xᵢyᵢ / Σ xᵢ²,  xᵢ = log μ₍ᵢ₎,  yᵢ = −log(1 − i/N),
//
// over the first min(⌊0.9·N⌋, N − 2) points (the code leaves out the last two
// μ). X and Y of the result hold all N points.
func TwoNNPaper(r1, r2 []float64) (*TwoNNFit, error) {
	if len(r1) != len(r2) {
		panic(fmt.Sprintf("estimate: TwoNNPaper: len(r1) = %d != len(r2) = %d", len(r1), len(r2)))
	}
	mu := make([]float64, 0, len(r1))
	for i := range r1 {
		a, b := r1[i], r2[i]
		if math.IsNaN(a) || math.IsNaN(b) || a < 0 || b < a || math.IsInf(b, 0) {
			return nil, fmt.Errorf("%w: neighbour distances r1 = %g, r2 = %g at point %d (want 0 <= r1 <= r2 < Inf)", ErrBadParam, a, b, i)
		}
		if a == 0 || a == b {
			continue
		}
		mu = append(mu, b/a)
	}
	n := len(mu)
	if n < 3 {
		return nil, fmt.Errorf("%w: TwoNN (paper) needs at least 3 points with 0 < r1 < r2, have %d of %d", ErrTooFewPoints, n, len(r1))
	}
	f := newFit(mu, n)
	f.NFit = min(int(math.Floor(float64(n)*0.9)), n-2)
	if err := f.slope(); err != nil {
		return nil, err
	}
	return f, nil
}

// TwoNNML is the maximum-likelihood TwoNN estimate (Facco et al. 2017; the
// "ml" algorithm of DADApy compute_id_2NN): with S = Σ log μᵢ over all N
// ratios,
//
//	d = (N − 1) / S.
//
// Since log μ ~ Exp(d), S ~ Gamma(shape N, rate d), so d·S ~ Gamma(N, 1) is a
// pivot and [q₍₁₋c₎/₂ / S, q₍₁₊c₎/₂ / S], with q the Gamma(N, 1) quantiles and
// c = conf, is an exact confidence interval for d (Lo, Hi). d itself is the
// unbiased estimator (ID); StdErr is its exact standard deviation, d/√(N − 2), evaluated at
// the estimate.
//
// It returns a *DuplicatesError (errors.Is ErrDuplicates) if any μ is +Inf or
// NaN, ErrTooFewPoints for fewer than 3 ratios and ErrDegenerate if every
// μ = 1. conf must lie in (0, 1).
func TwoNNML(mu []float64, conf float64) (*TwoNNMLFit, error) {
	if !(conf > 0 && conf < 1) {
		return nil, fmt.Errorf("%w: confidence %g, want 0 < conf < 1", ErrBadParam, conf)
	}
	if err := checkRatios(mu); err != nil {
		return nil, err
	}
	n := len(mu)
	if n < 3 {
		return nil, fmt.Errorf("%w: TwoNN-ML needs at least 3 points, have %d", ErrTooFewPoints, n)
	}
	var s float64
	for _, m := range mu {
		s += math.Log(m)
	}
	if s == 0 {
		return nil, fmt.Errorf("%w: all %d ratios r2/r1 equal 1", ErrDegenerate, n)
	}
	f := &TwoNNMLFit{ID: float64(n-1) / s, N: n, Conf: conf}
	f.StdErr = f.ID / math.Sqrt(float64(n-2))
	g := distuv.Gamma{Alpha: float64(n), Beta: 1}
	f.Lo = g.Quantile((1-conf)/2) / s
	f.Hi = g.Quantile((1+conf)/2) / s
	return f, nil
}

// TwoNNMLFit is the result of TwoNNML: the estimate ID, its standard error
// StdErr, the exact interval [Lo, Hi] at confidence Conf, from N ratios.
type TwoNNMLFit struct {
	ID, StdErr, Lo, Hi float64
	Conf               float64
	N                  int
}
