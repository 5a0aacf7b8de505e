package estimate

import (
	"fmt"
	"math"

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
	for i := range g.N {
		t := g.Dist[i*g.K : i*g.K+k]
		if t[0] == 0 {
			continue // 0
		}
		lk := math.Log(t[k-1])
		var s float64
		for _, tj := range t[:k-1] {
			s += lk - math.Log(tj)
		}
		out[i] = float64(k-1) / s // +Inf when s = 0
	}
	return out, nil
}
