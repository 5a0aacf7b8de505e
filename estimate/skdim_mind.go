package estimate

import (
	"fmt"
	"math"

	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/knn"
)

// MiNDML is the MiND_MLk estimate (Rozza, Lombardi, Ceruti, Casiraghi &
// Campadelli, "Novel high intrinsic dimensionality estimators", Machine
// Learning 89, 2012) in scikit-dimension's form. With ρᵢ = r₁/r_{k+1} the
// ratio of a point's distances to its nearest and its (k+1)-th neighbour,
// the log-likelihood of the dimension d is
//
//	ℓ(d) = N log(k d) + (d − 1) Σ log ρᵢ + (k − 1) Σ log(1 − ρᵢᵈ),
//
// strictly concave in d. MiND_MLi is the integer d in 1…D maximising it;
// MiND_MLk, returned, is the maximiser over (0, D] (D when ℓ′(D) ≥ 0),
// the root of the decreasing
//
//	ℓ′(d) = N/d + Σ log ρᵢ − (k − 1) Σ ρᵢᵈ log ρᵢ / (1 − ρᵢᵈ),
//	ℓ″(d) = −N/d² − (k − 1) Σ ρᵢᵈ (log ρᵢ)² / (1 − ρᵢᵈ)²,
//
// found to full precision by Newton's method kept inside a bracket of the
// root (a bisection step where Newton's leaves it): a handful of passes
// over the points where bisection took about fifty.
//
// scikit-dimension 0.3.4 maximises with scipy's L-BFGS-B started at
// MiND_MLi; on bm_M1_Sphere, bm_M10a_Cubic, bm_M2_Affine_3to5 and
// bm_M12_Norm it reaches this maximiser (to 1e-8), but on the swiss rolls
// and the helix it returns its starting point (2.0, 2.0, 1.0) where the
// maximiser is 1.942, 1.925 and 0.996: those values are not matched.
// A point with r₁ = 0 (a kept duplicate) makes ℓ = −∞: an error.
func MiNDML(g *knn.Graph, k, D int) (float64, error) {
	checkK(g, k+1, "MiNDML")
	n := g.N
	logr := make([]float64, n)
	for i := range n {
		rho := g.Dist[i*g.K] / g.Dist[i*g.K+k]
		if !(rho > 0) {
			return 0, fmt.Errorf("point %d has r1 = 0 (a duplicate): collapse duplicates", i)
		}
		if rho >= 1 {
			return 0, fmt.Errorf("point %d has its %d nearest neighbours at equal distances", i, k+1)
		}
		logr[i] = rho
	}
	kernel.Log64(logr, logr) // math.Log's, bit for bit
	kf, nf := float64(k), float64(n)
	// Each pass's terms, eight at a time where the CPU allows (the
	// exponentials as math.Exp's, bit for bit), summed in point order.
	t1, t2 := make([]float64, n), make([]float64, n)
	derivs := func(d float64) (g, h float64) {
		g, h = nf/d, -nf/(d*d)
		kernel.MiNDTerms64(logr, d, kf-1, t1, t2)
		for i := range t1 {
			g += t1[i]
			h -= t2[i]
		}
		return g, h
	}
	Df := float64(D)
	if g, _ := derivs(Df); g >= 0 {
		return Df, nil
	}
	// ℓ′ > 0 near 0 (N/d dominates) and ℓ′(D) < 0.
	lo, hi := 0.0, Df
	d := Df / 2
	for range 200 {
		g, h := derivs(d)
		switch {
		case g > 0:
			lo = d
		case g < 0:
			hi = d
		default:
			return d, nil
		}
		next := d - g/h
		if !(next > lo && next < hi) {
			next = lo + (hi-lo)/2
		}
		if next == lo || next == hi || math.Abs(next-d) <= 0x1p-52*d {
			return next, nil
		}
		d = next
	}
	return d, nil
}
