package estimate

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/intdim/intdim/cloud"
)

// KNNResult is the outcome of KNN.
type KNNResult struct {
	ID       int       // the dimension m of the best fit
	Residual float64   // ε(m), scikit-dimension's residual_
	Lengths  []float64 // L(p, j), row-major over the sample sizes p and the M repetitions
}

// KNN is the k-nearest-neighbour graph-length estimate of Carter, Raich &
// Hero ("On local intrinsic dimension estimation and its applications",
// IEEE Trans. Signal Process. 58, 2010), as scikit-dimension 0.3.4 computes
// it (after Johnsson's intrinsicDimension R package, without block
// bootstrapping). For each sample size p in ps and each of M repetitions, p
// row indices are drawn uniformly with replacement, and the graph length is
//
//	L(p) = Σ over the p drawn points x of Σⱼ₌₁..ₖ T_j(x)^γ,
//
// T_j(x) the j-th smallest distance from x to the drawn points, the
// smallest (x itself, 0) left out. A graph length grows like c·p^((m−γ)/m)
// on an m-dimensional manifold; for m = 1…D (D the number of columns)
// with α = (m − γ)/m,
//
//	ĉ(m) = Σ_p p^α Σ_j L(p, j) / (M Σ_p p^{2α}),   ε(m) = Σ_{p,j} (L(p, j) − ĉ p^α)²,
//
// and the estimate is the m of the smallest ε (the first if equal). The
// draws come from r, p calls of r.IntN(n) per sample, in the order of ps
// and then of the repetitions (scikit-dimension draws from numpy's global
// generator in the same order, so values agree in distribution, and
// exactly given numpy's draws); rows are as given (duplicates are kept, a
// drawn index may repeat).
func KNN(x *cloud.Matrix, k int, ps []int, M int, gamma float64, r Sampler) (*KNNResult, error) {
	n, D := x.N(), x.D()
	if k < 1 || M < 1 || !(gamma > 0) || math.IsInf(gamma, 0) || len(ps) == 0 {
		return nil, fmt.Errorf("%w: knn needs k ≥ 1, M ≥ 1, 0 < γ < ∞ and sample sizes (have %d, %d, %g, %v)",
			ErrBadParam, k, M, gamma, ps)
	}
	if slices.Min(ps) <= k || slices.Max(ps) > n {
		return nil, fmt.Errorf("sample sizes %v must satisfy k = %d < p ≤ n = %d", ps, k, n)
	}
	xf := x.Float64()
	L := make([]float64, len(ps)*M)
	for i, p := range ps {
		samp := make([]int, p)
		row := make([]float64, p)
		for j := range M {
			for a := range samp {
				samp[a] = r.IntN(n)
			}
			var sum float64
			for _, l := range samp {
				xl := xf[l*D : (l+1)*D]
				for b, m := range samp {
					var s float64
					for c, v := range xf[m*D : (m+1)*D] {
						d := v - xl[c]
						s += d * d
					}
					row[b] = math.Sqrt(s)
				}
				slices.Sort(row)
				for _, t := range row[1 : k+1] {
					sum += math.Pow(t, gamma)
				}
			}
			L[i*M+j] = sum
		}
	}
	best, bestEps := 0, math.Inf(1)
	pa := make([]float64, len(ps))
	for m := 1; m <= D; m++ {
		alpha := (float64(m) - gamma) / float64(m)
		var num, den float64
		for i, p := range ps {
			pa[i] = math.Pow(float64(p), alpha)
			var rowSum float64
			for j := range M {
				rowSum += L[i*M+j]
			}
			num += pa[i] * rowSum
			den += pa[i] * pa[i]
		}
		c := num / (den * float64(M))
		var eps float64
		for i := range ps {
			for j := range M {
				e := L[i*M+j] - c*pa[i]
				eps += e * e
			}
		}
		if math.IsNaN(eps) {
			// numpy's argmin returns the first NaN.
			return nil, fmt.Errorf("residual NaN at m = %d", m)
		}
		if eps < bestEps {
			best, bestEps = m, eps
		}
	}
	if best == 0 {
		return nil, errors.New("no finite residual")
	}
	return &KNNResult{ID: best, Residual: bestEps, Lengths: L}, nil
}

// Sampler draws uniform integers in [0, n); *rand.Rand is one.
type Sampler interface{ IntN(n int) int }

// knnSizes returns the sample sizes: ps, or k+1 … k+4 (scikit-dimension's
// default) when ps is empty.
func knnSizes(k int, ps []int) []int {
	if len(ps) > 0 {
		return ps
	}
	return []int{k + 1, k + 2, k + 3, k + 4}
}
