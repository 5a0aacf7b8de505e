package estimate

import (
	"fmt"
	"math"

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
// MiND_MLk, returned, is the maximiser over (0, D], found here by
// bisection on ℓ′ to full precision (D when ℓ′(D) ≥ 0).
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
		logr[i] = math.Log(rho)
	}
	kf, nf := float64(k), float64(n)
	grad := func(d float64) float64 {
		s := nf / d
		for _, l := range logr {
			rd := math.Exp(d * l)
			s += l - (kf-1)*rd*l/(1-rd)
		}
		return s
	}
	Df := float64(D)
	if grad(Df) >= 0 {
		return Df, nil
	}
	lo, hi := 0.0, Df
	for range 200 {
		m := (lo + hi) / 2
		if m == lo || m == hi {
			break
		}
		if grad(m) > 0 {
			lo = m
		} else {
			hi = m
		}
	}
	return (lo + hi) / 2, nil
}
