package estimate

import (
	"fmt"
	"math"

	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/knn"
)

// MLE is the maximum-likelihood estimator of Levina & Bickel (NIPS 2004)
// with the combination of MacKay & Ghahramani (2005), as scikit-dimension
// MLE() with its defaults (n_neighbors = k, comb = "mle"). With
// T₁ ≤ … ≤ T_k the distances of point x to its k nearest neighbours (x
// itself excluded),
//
//	m(x) = (k − 1) / Σⱼ₌₁..ₖ log(T_k / T_j),
//
// and the global estimate is the inverse of the mean inverse,
// 1 / mean(1/m(x)). A point whose k distances are all equal contributes
// 1/m(x) = 0, as in scikit-dimension.
//
// It returns a *DuplicatesError (errors.Is ErrDuplicates) if some T₁ = 0 and
// ErrDegenerate if every point has k equal distances. It panics if k < 2 or
// g.K < k.
func MLE(g *knn.Graph, k int) (float64, error) {
	if k < 2 {
		panic(fmt.Sprintf("estimate: MLE needs k >= 2, got %d", k))
	}
	if g.K < k {
		panic(fmt.Sprintf("estimate: MLE with k = %d on a graph of %d neighbours", k, g.K))
	}
	if g.N < 1 {
		return 0, fmt.Errorf("%w: MLE on an empty point set", ErrTooFewPoints)
	}
	dup := 0
	var sum float64 // Σ over points of 1/m(x)
	err := logSums(g, k, func(i int, s float64) error {
		t := g.Dist[i*g.K : i*g.K+k]
		if t[0] == 0 {
			dup++
			return nil
		}
		if math.IsNaN(t[0]) || math.IsInf(t[k-1], 0) {
			return fmt.Errorf("%w: neighbour distance is not finite at point %d", ErrBadParam, i)
		}
		sum += s / float64(k-1)
		return nil
	})
	if err != nil {
		return 0, err
	}
	if dup > 0 {
		return 0, &DuplicatesError{Count: dup}
	}
	if sum == 0 {
		return 0, fmt.Errorf("%w: every point has %d equidistant neighbours", ErrDegenerate, k)
	}
	return float64(g.N) / sum, nil
}

// logBlockRows is the most rows whose logarithms MLE and LocalMLE hold at
// once (logRows): 80 KB at k = 20, whatever the number of points.
const logBlockRows = 512

// logSums calls f(i, sᵢ) for every row i of g in order, with
// sᵢ = Σⱼ₌₁..ₖ₋₁ (log T_k − log T_j) of its first k distances (the sum
// of MLE's m(x)), or 0 where T₁ = 0 (a duplicate), and stops at f's first
// error. The logarithms are taken logBlockRows rows at a time (logRows).
func logSums(g *knn.Graph, k int, f func(i int, s float64) error) error {
	buf := make([]float64, min(g.N, logBlockRows)*k)
	for i0 := 0; i0 < g.N; i0 += logBlockRows {
		i1 := min(i0+logBlockRows, g.N)
		logs := logRows(g, k, i0, i1, buf)
		for i := i0; i < i1; i++ {
			var s float64
			if g.Dist[i*g.K] != 0 {
				l := logs[(i-i0)*k : (i-i0+1)*k]
				lk := l[k-1]
				for _, lj := range l[:k-1] {
					s += lk - lj
				}
			}
			if err := f(i, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// logRows sets buf to math.Log of the first k distances of rows i0 ≤ i < i1
// of g, row after row (k per row), bit for bit (kernel.Log64: eight at a
// time), and returns it; buf holds at least (i1 − i0)·k values.
func logRows(g *knn.Graph, k, i0, i1 int, buf []float64) []float64 {
	out := buf[:(i1-i0)*k]
	if k == g.K {
		kernel.Log64(g.Dist[i0*k:i1*k], out)
		return out
	}
	for i := i0; i < i1; i++ {
		kernel.Log64(g.Dist[i*g.K:i*g.K+k], out[(i-i0)*k:(i-i0+1)*k])
	}
	return out
}
