package estimate

import (
	"fmt"
	"math"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// LocalMLE returns the Levina–Bickel ID of every point from its k nearest
// neighbours (as scikit-dimension 0.3.4's MLE().fit(X, n_neighbors=k,
// smooth=False).dimension_pw_): with T₁ ≤ … ≤ T_k the distances of point i
// to its neighbours (i itself excluded, duplicates kept at distance 0),
//
//	mᵢ = (k − 1) / Σⱼ₌₁..ₖ log(T_k / T_j).
//
// A point with T₁ = 0 (an exact duplicate among its neighbours) gets 0, as
// there (log(T_k/0) = ∞), and one whose k distances are all equal gets +Inf.
// It needs 2 ≤ k ≤ g.K.
func LocalMLE(g *knn.Graph, k int) ([]float64, error) {
	if k < 2 || k > g.K {
		return nil, fmt.Errorf("%w: local MLE with k = %d on lists of %d neighbours (need 2 ≤ k)", ErrBadParam, k, g.K)
	}
	out := make([]float64, g.N)
	_ = logSums(g, k, func(i int, s float64) error {
		if g.Dist[i*g.K] != 0 { // else 0
			out[i] = float64(k-1) / s // +Inf when s = 0
		}
		return nil
	})
	return out, nil
}

// LocalMethods are the methods of Local, in the order of MethodNames.
var LocalMethods = []Method{MethodMLE, MethodMOM, MethodTLE, MethodMADA, MethodESS, MethodLPCAFO, MethodTwoNN}

// Local returns the ID of every point from its k nearest neighbours in g
// (the point excluded) by method meth, scikit-dimension 0.3.4's
// dimension_pw_ of E().fit(X, n_neighbors=k, smooth=False) (lpca-fo:
// lPCA(ver="FO").fit_pw): LocalMLE, MOMPoints, TLEPoints (epsilon
// s.TLEEpsilon), MADAPoints, ESSPoints or LPCAPoints; twonn is LocalTwoNN
// (not in scikit-dimension). x, the rows g was
// searched on, is needed by tle, ess and lpca-fo, and by mada when a point
// has duplicates among its neighbours (mada's neighbours are at nonzero
// distances: the list is searched again, longer); it may be nil otherwise.
func Local(x *cloud.Matrix, g *knn.Graph, meth Method, k int, s SkdimOptions, threads int) ([]float64, error) {
	if k < 2 || k > g.K {
		return nil, fmt.Errorf("%w: local %s with k = %d on lists of %d neighbours (need 2 ≤ k)", ErrBadParam, meth, k, g.K)
	}
	s = s.withDefaults()
	if x == nil && meth != MethodMLE && meth != MethodMOM && meth != MethodMADA {
		return nil, fmt.Errorf("%w: local %s needs the rows, not only neighbour lists", ErrBadParam, meth)
	}
	switch meth {
	case MethodMLE:
		return LocalMLE(g, k)
	case MethodMOM:
		return MOMPoints(g, k), nil
	case MethodTLE:
		return TLEPoints(x, g, k, s.TLEEpsilon, threads)
	case MethodMADA:
		if z := g.MaxZeros(); z > 0 && k+z > g.K && x != nil {
			var err error
			if g, err = knn.Search(x, min(k+z, g.N-1), nil); err != nil {
				return nil, err
			}
		}
		return MADAPoints(g, k)
	case MethodESS:
		return ESSPoints(x, g, k, threads), nil
	case MethodLPCAFO:
		return LPCAPoints(x, g, k, MethodLPCAFO, s)
	case MethodTwoNN:
		return LocalTwoNN(g, k)
	}
	return nil, fmt.Errorf("%w: no local method %q (have mle, mom, tle, mada, ess, lpca-fo, twonn)", ErrBadParam, meth)
}

// LocalGlobal combines the pointwise values v of Local into the global
// estimate as scikit-dimension 0.3.4's fit does (its comb default): for mle
// the harmonic combination 1/mean(1/mᵢ) of MLE(comb="mle") (Levina &
// Bickel's estimate of 1/m averaged, MacKay & Ghahramani's correction; a
// zero mᵢ, from a duplicate, makes it 0), for mom, tle, mada and ess the
// mean (comb="mean"), and for lpca-fo, whose fit_pw sets no global value,
// and twonn, the mean too.
func LocalGlobal(meth Method, v []float64) float64 {
	if meth != MethodMLE {
		return meanOf(v)
	}
	var s float64
	for _, m := range v {
		s += 1 / m
	}
	return 1 / (s / float64(len(v)))
}

// LocalTwoNN returns a TwoNN ID of every point i from the ratios
// μⱼ = r₂(j)/r₁(j) (Ratios; Facco et al., Sci. Rep. 7, 2017) of i and of its
// k nearest neighbours: TwoNNML's unbiased estimate on those k + 1 ratios,
//
//	dᵢ = k / Σ_{j ∈ {i} ∪ N_k(i)} log μⱼ.
//
// Where the ratios are independent and Pareto distributed with exponent d
// (log μ ~ Exp(d), the TwoNN model), Σ log μⱼ ~ Gamma(k + 1, d) and
// E[dᵢ] = d exactly, with standard deviation d/√(k − 1). Neighbouring
// points share ratios, so the dᵢ are correlated over about k points. dᵢ
// is 0 where some μⱼ is +Inf (r₁ = 0 < r₂: a duplicate), NaN where some is
// NaN (r₁ = r₂ = 0) and +Inf where all k + 1 ratios are 1. It needs
// 2 ≤ k ≤ g.K.
func LocalTwoNN(g *knn.Graph, k int) ([]float64, error) {
	if k < 2 || k > g.K {
		return nil, fmt.Errorf("%w: local TwoNN with k = %d on lists of %d neighbours (need 2 ≤ k)", ErrBadParam, k, g.K)
	}
	lmu := Ratios(g)
	for i, m := range lmu {
		lmu[i] = math.Log(m)
	}
	out := make([]float64, g.N)
	for i := range g.N {
		s := lmu[i]
		for _, j := range g.Index[i*g.K : i*g.K+k] {
			s += lmu[j]
		}
		out[i] = float64(k) / s
	}
	return out, nil
}
