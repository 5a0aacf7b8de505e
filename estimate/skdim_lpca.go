package estimate

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
	"github.com/intdim/intdim/knn"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// LPCAResult is the outcome of LPCA.
type LPCAResult struct {
	ID       float64   // the estimate: a count, except for lpca-pr
	Gap      float64   // scikit-dimension's gap_: λ_ID/λ_ID+1 (the last ratio if ID is the last component)
	Spectrum []float64 // explained-variance ratios λᵢ/Σλ, descending
}

// LPCA is scikit-dimension's lPCA (after Johnsson's intrinsicDimension R
// package): a version ver of the global PCA estimate of the n×d rows x.
// λ₁ ≥ … ≥ λ_m (m = min(n, d)) are the explained variances of
// scikit-learn's PCA, the eigenvalues of the covariance with divisor n − 1
// of the centred rows (no scaling), and
//
//   - lpca-fo (Fukunaga & Olsen 1971): #{i : λᵢ > AlphaFO·λ₁};
//   - lpca-fan (Fan et al. 2010): with r the first index (0-based) where
//     Σⱼ≤ᵣλⱼ/Σλ > PFan and σ = mean(λᵣ…λ_m), μᵢ = λᵢ − σ: one plus the first
//     index i where μᵢ/μᵢ₊₁ > AlphaFan or Σⱼ≤ᵢμⱼ/Σμ > BetaFan;
//   - lpca-maxgap: the 1-based position of the largest λᵢ/λᵢ₊₁;
//   - lpca-ratio: #{i : Σⱼ≤ᵢλⱼ/Σλ < AlphaRatio} + 1;
//   - lpca-pr: the participation ratio (Σλ)²/Σλ² (Gao et al. 2017), a real number;
//   - lpca-kaiser (Kaiser 1960): #{i : λᵢ > mean λ} (0.3.4 has no + 1,
//     whatever its documentation says);
//   - lpca-brokenstick (Jackson 1993; Cangelosi & Goriely 2007): the
//     1-based index of the first i with λᵢ/Σλ below the broken stick
//     bᵢ = (1/m)Σⱼ₌ᵢ..ₘ 1/j, 0 if none is.
//
// These are scikit-dimension 0.3.4's definitions, quirks included (ratio's
// + 1, brokenstick's first index below the stick). Eigenvalues below the
// rounding floor m·d·ε·λ₁ (numerical zeros, e.g. of data on an affine
// subspace) are raised to it, so that ratios between them are 1 and not
// rounding noise; scikit-learn's SVD leaves them of comparable size too.
func LPCA(x *cloud.Matrix, ver Method, s SkdimOptions) (*LPCAResult, error) {
	s = s.withDefaults()
	n, d := x.N(), x.D()
	if n < 2 || d < 2 {
		return nil, fmt.Errorf("%w: lPCA needs at least 2 points and 2 columns, have %d×%d", ErrTooFewPoints, n, d)
	}
	if err := x.Finite(); err != nil {
		return nil, fmt.Errorf("%w: lPCA: %v", ErrBadParam, err)
	}
	ev, err := explainedVariance(x)
	if err != nil {
		return nil, err
	}
	total := 0.0
	for _, v := range ev {
		total += v
	}
	res := &LPCAResult{Spectrum: make([]float64, len(ev))}
	for i, v := range ev {
		res.Spectrum[i] = v / total
	}
	gaps := func(l []float64) []float64 {
		g := make([]float64, len(l)-1)
		for i := range g {
			g[i] = l[i] / l[i+1]
		}
		return g
	}
	g := gaps(ev)
	de := 0
	switch ver {
	case MethodLPCAFO:
		for _, v := range ev {
			if v > s.AlphaFO*ev[0] {
				de++
			}
		}
	case MethodLPCAFan:
		var cum float64
		r := -1
		for i, v := range ev {
			cum += v
			if r < 0 && cum/total > s.PFan {
				r = i
			}
		}
		if r < 0 {
			return nil, fmt.Errorf("lpca-fan: no component reaches PFan = %g of the variance", s.PFan)
		}
		var sigma float64
		for _, v := range ev[r:] {
			sigma += v
		}
		sigma /= float64(len(ev) - r)
		mu := make([]float64, len(ev))
		var mtot float64
		for i, v := range ev {
			mu[i] = v - sigma
			mtot += mu[i]
		}
		g = gaps(mu)
		first := math.MaxInt
		for i, v := range g {
			if v > s.AlphaFan {
				first = i
				break
			}
		}
		cum = 0
		for i, v := range mu {
			cum += v
			if cum/mtot > s.BetaFan {
				first = min(first, i)
				break
			}
		}
		if first == math.MaxInt {
			return nil, fmt.Errorf("lpca-fan: neither threshold is reached")
		}
		de = 1 + first
	case MethodLPCAMaxGap:
		best := math.Inf(-1)
		for i, v := range g {
			if v > best { // first maximum, NaN skipped (numpy.nanargmax)
				best, de = v, i+1
			}
		}
	case MethodLPCARatio:
		var cum float64
		for _, v := range ev {
			cum += v
			if cum/total < s.AlphaRatio {
				de++
			}
		}
		de++
	case MethodLPCAPR:
		var sq float64
		for _, v := range ev {
			sq += v * v
		}
		res.ID = total * total / sq
		de = int(res.ID)
	case MethodLPCAKaiser:
		mean := total / float64(len(ev))
		for _, v := range ev {
			if v > mean {
				de++
			}
		}
	case MethodLPCABrokenStick:
		m := len(ev)
		for i := range m {
			var b float64
			for j := i; j < m; j++ {
				b += 1 / float64(j+1)
			}
			if b/float64(m) > ev[i]/total {
				de = i + 1
				break
			}
		}
	default:
		return nil, fmt.Errorf("%w: unknown lPCA version %q", ErrBadParam, ver)
	}
	if ver != MethodLPCAPR {
		res.ID = float64(de)
	}
	switch {
	case len(g) == 0:
		res.Gap = math.NaN()
	case de-1 >= 0 && de-1 < len(g):
		res.Gap = g[de-1]
	default:
		res.Gap = g[len(g)-1] // numpy's g[-1], also for de = 0
	}
	if math.IsNaN(res.Gap) || math.IsInf(res.Gap, 0) {
		res.Gap = 0 // JSON has no NaN or infinity
	}
	return res, nil
}

// explainedVariance returns scikit-learn's PCA().explained_variance_ of x:
// the min(n, d) eigenvalues, descending, of the covariance (divisor n − 1)
// of the centred rows, from the d×d covariance or, when n ≤ d, the n×n
// Gram matrix of the centred rows.
func explainedVariance(x *cloud.Matrix) ([]float64, error) {
	n, d := x.N(), x.D()
	var g []float64
	var m int
	if n <= d {
		g, m = gram(centredRows(x), n, d, 2), n
	} else {
		xf := x.Float64()
		g, m = kernel.GramCols64(xf, n, d, columnMeans(xf, n, d), 2), d
	}
	linalg.Install()
	// LAPACK's dsyev on g itself (upper triangle, no vectors), with the
	// workspace it asks for: mat.EigenSym's call, without its copies.
	vals := make([]float64, m)
	a := blas64.Symmetric{N: m, Stride: m, Data: g, Uplo: blas.Upper}
	work := []float64{0}
	lapack64.Syev(lapack.EVNone, a, vals, work, -1)
	work = make([]float64, int(work[0]))
	if !lapack64.Syev(lapack.EVNone, a, vals, work, len(work)) {
		return nil, fmt.Errorf("lPCA: eigenvalue decomposition did not converge")
	}
	slices.Reverse(vals)
	if !(vals[0] > 0) {
		return nil, fmt.Errorf("%w: lPCA: the points have no variance", ErrConstant)
	}
	floor := float64(m) * float64(d) * 2.220446049250313e-16 * vals[0]
	for i := range vals {
		vals[i] = max(vals[i], floor) / float64(n-1)
	}
	return vals, nil
}

// LPCAPoints returns the lPCA version ver of every point from the rows of
// its k nearest neighbours in g, the point itself not included, as
// scikit-dimension 0.3.4's lPCA(ver=...).fit_pw(X, n_neighbors=k,
// smooth=False).dimension_pw_: LPCA applied to the k×d matrix of those rows.
// A point whose k neighbours are all equal (duplicates) gets 0 for lpca-fo,
// as there (no eigenvalue exceeds AlphaFO·λ₁ = 0); for the other versions
// that is an error.
func LPCAPoints(x *cloud.Matrix, g *knn.Graph, k int, ver Method, s SkdimOptions) ([]float64, error) {
	checkK(g, k, "lPCA")
	xf, d := x.Float64(), x.D()
	out := make([]float64, g.N)
	rows := make([]float64, k*d)
	for i := range g.N {
		for a, j := range g.Index[i*g.K : i*g.K+k] {
			copy(rows[a*d:(a+1)*d], xf[int(j)*d:(int(j)+1)*d])
		}
		l, err := LPCA(cloud.Must64(rows, k, d), ver, s)
		if errors.Is(err, ErrConstant) && ver == MethodLPCAFO {
			continue // 0
		}
		if err != nil {
			return nil, fmt.Errorf("point %d: %w", i, err)
		}
		out[i] = l.ID
	}
	return out, nil
}

// columnMeans returns the means of the columns of the n×d rows xf, each
// the sum in row order over n.
func columnMeans(xf []float64, n, d int) []float64 {
	mean := kernel.ColumnSums64(xf, n, d)
	for j := range mean {
		mean[j] /= float64(n)
	}
	return mean
}

// centredRows returns a copy of the rows of x (row-major float64) less
// their column means.
func centredRows(x *cloud.Matrix) []float64 {
	n, d := x.N(), x.D()
	xc := slices.Clone(x.Float64())
	mean := columnMeans(xc, n, d)
	for i := range n {
		row := xc[i*d : (i+1)*d]
		for j := range row {
			row[j] -= mean[j]
		}
	}
	return xc
}
