package estimate

import (
	"fmt"
	"math"
	"slices"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
	"gonum.org/v1/gonum/mat"
)

// PCA is the outcome of PCID.
type PCA struct {
	ID       int       // components needed for the threshold
	Spectrum []float64 // explained-variance ratios, descending, every nonzero component
}

// PCID is the linear estimate of Ansuini et al. (NeurIPS 2019): the number of
// principal components that explain a fraction threshold (they use 0.9) of the
// variance. Each column of the n×d matrix x (float32 or float64) is z-scored (mean 0, population
// standard deviation 1, as scikit-learn's StandardScaler); constant columns
// are dropped. With λ₁ ≥ λ₂ ≥ … the eigenvalues of the covariance of the
// z-scores and rₖ = λₖ/Σλ, the ID is the smallest m with r₁ + … + r_m >
// threshold. (Their script printed m − 1.)
//
// When n ≤ d the nonzero eigenvalues are those of the n×n Gram matrix ZZᵀ of
// the centred data, so the d×d covariance is never formed; otherwise the d×d
// matrix ZᵀZ is used. Eigenvalues below n·d·ε·λ₁ are numerical zeros and left
// out of Spectrum and of Σλ.
//
// It returns ErrTooFewPoints for n < 2, ErrConstant if every column is
// constant, and ErrBadParam for a NaN or infinite value or unless
// 0 < threshold < 1.
func PCID(x *cloud.Matrix, threshold float64) (*PCA, error) {
	n := x.N()
	if !(threshold > 0 && threshold < 1) {
		return nil, fmt.Errorf("%w: PCA threshold %g, want 0 < threshold < 1", ErrBadParam, threshold)
	}
	if n < 2 {
		return nil, fmt.Errorf("%w: PCA needs at least 2 points, have %d", ErrTooFewPoints, n)
	}
	if err := x.Finite(); err != nil {
		return nil, fmt.Errorf("%w: PCA: %v", ErrBadParam, err)
	}
	zs := zscores(x)
	dz := zs.Dz()
	if dz == 0 {
		return nil, fmt.Errorf("%w: PCA has no variance to explain", ErrConstant)
	}
	var g []float64
	var m int
	if n <= dz {
		z := make([]float64, n*dz)
		for i := range n {
			zs.Row(i, z[i*dz:(i+1)*dz])
		}
		g, m = gram(z, n, dz, 2), n
	} else {
		// ZᵀZ packed from Z's rows as they are computed: Gram64 of Zᵀ
		// bit for bit, without Zᵀ or Z in memory (131 MB for 32,000 ×
		// 512, each a pass that wrote it and page faults in a fresh
		// process: intdim merge).
		g, m = kernel.GramColsFunc64(n, dz, zs.Row, 2), dz
	}
	return pcidFromGram(g, m, n, dz, threshold)
}

// zscores is linalg.NewZScores of the matrix in its own element type.
func zscores(x *cloud.Matrix) linalg.ZRows {
	if x.Elem() == cloud.Float32 {
		return linalg.NewZScores(x.F32(), x.N(), x.D())
	}
	return linalg.NewZScores(x.F64(), x.N(), x.D())
}

// PCIDGram is PCID from the n×n Gram matrix g = ZZᵀ of the z-scored
// columns (dz of them, constant columns dropped), as knn.SearchFileWith
// accumulates it for a layer streamed from disk; g is overwritten.
func PCIDGram(g []float64, n, dz int, threshold float64) (*PCA, error) {
	if len(g) != n*n {
		panic(fmt.Sprintf("estimate: PCIDGram: len(g) = %d, want %d²", len(g), n))
	}
	if !(threshold > 0 && threshold < 1) {
		return nil, fmt.Errorf("%w: PCA threshold %g, want 0 < threshold < 1", ErrBadParam, threshold)
	}
	if n < 2 {
		return nil, fmt.Errorf("%w: PCA needs at least 2 points, have %d", ErrTooFewPoints, n)
	}
	if dz == 0 {
		return nil, fmt.Errorf("%w: PCA has no variance to explain", ErrConstant)
	}
	return pcidFromGram(g, n, n, dz, threshold)
}

// pcidFromGram finishes PCID from the m×m Gram or covariance matrix g of
// the n×dz z-scores.
func pcidFromGram(g []float64, m, n, dz int, threshold float64) (*PCA, error) {
	linalg.Install() // two-thread tridiagonal reduction (internal/linalg)
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(m, g), false) {
		return nil, fmt.Errorf("PCA: eigenvalue decomposition did not converge")
	}
	vals := eig.Values(nil)
	slices.Reverse(vals) // descending
	if !(vals[0] > 0) || math.IsInf(vals[0], 0) {
		return nil, fmt.Errorf("%w: PCA variance is %g", ErrConstant, vals[0])
	}
	zero := float64(n) * float64(dz) * 2.220446049250313e-16 * vals[0]
	var total float64
	k := 0
	for k < len(vals) && vals[k] > zero {
		total += vals[k]
		k++
	}
	p := &PCA{Spectrum: make([]float64, k)}
	var cum float64
	for i, v := range vals[:k] {
		p.Spectrum[i] = v / total
		cum += p.Spectrum[i]
		if p.ID == 0 && cum > threshold {
			p.ID = i + 1
		}
	}
	if p.ID == 0 { // rounding left the sum just under a threshold near 1
		p.ID = k
	}
	return p, nil
}

// gram returns the symmetric n×n matrix A·Aᵀ of the n×d row-major matrix a
// (both triangles filled), computed by threads goroutines with the blocked
// float64 kernel (internal/kernel.Gram64: each symmetric block once, fused
// multiply-adds in a fixed order), so the result does not depend on threads.
func gram(a []float64, n, d, threads int) []float64 {
	return kernel.Gram64(a, n, d, threads)
}
