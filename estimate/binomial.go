package estimate

import (
	"errors"
	"fmt"
	"math"

	"github.com/intdim/intdim/knn"
)

// MethodBinomial is the binomial estimator (Binomial) as a method of
// Points: --method binomial, with Options.Binomial. It is not among
// Methods, so "all" and "every" do not run it.
const MethodBinomial Method = "binomial"

// BinomialOptions are the binomial estimator's k and r (DADApy's
// compute_id_binomial_k arguments); zero fields mean DefaultBinomial's.
type BinomialOptions struct {
	K int     // neighbour rank of the outer radius R_k
	R float64 // ratio of the inner radius to R_k, in (0, 1)
}

// DefaultBinomial is k = 10, r = 0.5.
var DefaultBinomial = BinomialOptions{K: 10, R: 0.5}

func (b BinomialOptions) withDefaults() BinomialOptions {
	if b.K == 0 {
		b.K = DefaultBinomial.K
	}
	if b.R == 0 {
		b.R = DefaultBinomial.R
	}
	return b
}

// BinomialFit is the binomial ID estimate of Binomial.
type BinomialFit struct {
	ID    float64 // d
	Err   float64 // the Cramér–Rao bound: sqrt((r^−d − 1) / ((k − 1)·N·log²r))
	Scale float64 // 0.5·(mean R_k + r·mean R_k), DADApy's intrinsic_dim_scale
	MeanN float64 // mean over points of nᵢ (the point itself counted)
}

// ErrEmptyShells is returned by Binomial when no point has a neighbour in
// its inner shell (mean n = 1: the ID is too high for r, or k too small).
var ErrEmptyShells = errors.New("no point has a neighbour within r·R_k; increase k or r")

// Binomial is the binomial ID estimator at fixed k (Macocco et al. 2023,
// "Intrinsic dimension estimation for discrete metrics", PRL; DADApy's
// compute_id_binomial_k with bayes=False). With R_k(i) the distance of point
// i to its k-th nearest neighbour, nᵢ counts the points within r·R_k(i), the
// point itself included (distance ≤ r·R_k(i)); the counts are binomial with
// success probability r^d, whence the maximum-likelihood estimate
//
//	d = log((mean n − 1)/(k − 1)) / log r,
//
// with the Cramér–Rao error sqrt((r^−d − 1)/((k − 1)·N·log²r)). Exact
// duplicates count as neighbours at distance 0, as in DADApy. It needs
// 2 ≤ k ≤ g.K and 0 < r < 1, and returns ErrEmptyShells when mean n = 1
// (DADApy then returns a bare 0).
func Binomial(g *knn.Graph, k int, r float64) (*BinomialFit, error) {
	if k < 2 || k > g.K {
		return nil, fmt.Errorf("k = %d outside [2, %d] (the neighbours searched)", k, g.K)
	}
	if !(r > 0 && r < 1) {
		return nil, fmt.Errorf("r = %g outside (0, 1)", r)
	}
	if g.N < 1 {
		return nil, fmt.Errorf("%w: binomial on an empty point set", ErrTooFewPoints)
	}
	var sumN, sumR float64
	for i := range g.N {
		d := g.Dist[i*g.K : i*g.K+k]
		rk := d[k-1]
		rn := r * rk
		n := 1 // the point itself
		for _, v := range d {
			if v > rn {
				break // ascending
			}
			n++
		}
		sumN += float64(n)
		sumR += rk
	}
	N := float64(g.N)
	meanN := sumN / N
	if math.Abs(meanN-1) <= 1e-9 { // math.isclose(mean n, 1), as DADApy
		return nil, ErrEmptyShells
	}
	id := math.Log((meanN-1)/float64(k-1)) / math.Log(r)
	lr := math.Log(r)
	return &BinomialFit{
		ID:    id,
		Err:   math.Sqrt((math.Pow(r, -id) - 1) / (float64(k-1) * N * lr * lr)),
		Scale: 0.5 * (sumR/N + r*sumR/N),
		MeanN: meanN,
	}, nil
}
