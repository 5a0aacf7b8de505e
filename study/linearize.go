package study

import (
	"errors"
	"fmt"
	"github.com/intdim/intdim/cloud"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
	"gonum.org/v1/gonum/mat"
)

// Linearization is the result of Linearize, in the JSON shape of
// 'intdim linearize'. DataIDs[i] and SurrogateIDs[i] are the mean TwoNN ID
// over Blocks[i] disjoint random blocks of Sizes[i] points, and the errors
// their standard deviations (0 with a single block).
type Linearization struct {
	Kind          string    `json:"kind"`    // "linearize"
	Version       int       `json:"version"` // DocVersion (0 in files written before it)
	Input         string    `json:"input"`
	N             int       `json:"n"`
	Dim           int       `json:"dim"`
	Seed          uint64    `json:"seed"`
	Method        string    `json:"method"`
	Sizes         []int     `json:"sizes"`
	Blocks        []int     `json:"blocks"`
	DataIDs       []float64 `json:"data_ids"`
	DataErrs      []float64 `json:"data_errs"`
	SurrogateIDs  []float64 `json:"surrogate_ids"`
	SurrogateErrs []float64 `json:"surrogate_errs"`
	Warnings      []string  `json:"warnings"`
}

// LinearizeOptions configures Linearize. A nil pointer means the defaults.
type LinearizeOptions struct {
	// Sizes are the numbers of points at which both IDs are measured, each
	// between 10 and N; nil means DefaultSizes(N).
	Sizes []int
	// Blocks is the largest number of disjoint blocks averaged at one
	// size (fewer when N/size is smaller); 0 means 5.
	Blocks int
	// Estimate configures the TwoNN fits (its Method is forced to twonn,
	// and Resample to none); its Seed seeds the surrogate and the blocks.
	// With Metric Cosine the rows are L2-normalised first, and the
	// surrogate is drawn from the normalised rows.
	Estimate estimate.Options
	// Progress, if not nil, is called after every fit with the fits done
	// and their total.
	Progress func(done, total int)
}

// DefaultSizes returns the sizes at which Linearize measures by default:
// 500, 1000, 2000, … below n, then n (starting lower when n < 4000, so that
// there are at least four sizes).
func DefaultSizes(n int) []int {
	s0 := 500
	for s0 > 10 && s0*8 > n {
		s0 /= 2
	}
	var sizes []int
	for s := s0; s < n; s *= 2 {
		if s >= 10 {
			sizes = append(sizes, s)
		}
	}
	return append(sizes, n)
}

// Linearize runs the control of Ansuini et al. (2019, Figure 5B) on the n×d
// row-major data x: it draws an "artificially linearized" surrogate, n
// points of the Gaussian with the data's mean and covariance, and measures
// the TwoNN ID of data and surrogate on subsets of increasing size. On a
// curved manifold of low ID, the data's ID stays flat while the surrogate's,
// which fills every direction of the covariance, grows with N.
//
// The surrogate is drawn as
//
//	x = x̄ + Xcᵀw / √(n − 1),  w ~ N(0, I_n),
//
// with Xc the centred data: its covariance is XcᵀXc/(n − 1), the sample
// covariance Σ, exactly. This is the same distribution as x̄ + Σᵢ √λᵢ zᵢ vᵢ
// over the eigenpairs (λᵢ, vᵢ) of Σ, without forming the d×d matrix (nor the
// n×n Gram matrix) when d is large.
func Linearize(x []float64, n, d int, opt *LinearizeOptions) (*Linearization, error) {
	if len(x) != n*d {
		panic(fmt.Sprintf("study: len(x) = %d, want n·d = %d·%d", len(x), n, d))
	}
	var o LinearizeOptions
	if opt != nil {
		o = *opt
	}
	if o.Blocks == 0 {
		o.Blocks = 5
	}
	if o.Blocks < 0 {
		return nil, fmt.Errorf("blocks %d is negative", o.Blocks)
	}
	if n < 20 {
		return nil, fmt.Errorf("%d points: linearize needs at least 20", n)
	}
	sizes := o.Sizes
	if sizes == nil {
		sizes = DefaultSizes(n)
	}
	sizes = slices.Clone(sizes)
	slices.Sort(sizes)
	sizes = slices.Compact(sizes)
	for _, s := range sizes {
		if s < 10 || s > n {
			return nil, fmt.Errorf("size %d outside [10, %d] (the number of points)", s, n)
		}
	}
	eo := o.Estimate
	eo.Method, eo.Resample = "twonn", 0
	if eo.Metric == knn.Cosine {
		// The chord distance is the Euclidean one between normalised rows:
		// the surrogate is drawn from, and measured like, those rows.
		xn, err := knn.Normalize(cloud.Must64(x, n, d))
		if err != nil {
			return nil, err
		}
		x, eo.Metric = xn.Float64(), knn.Euclidean
	}
	rng := rand.New(rand.NewPCG(eo.Seed, 0x6c696e656172697a)) // "linearize"
	sur := Surrogate(x, n, d, n, rng)

	l := &Linearization{
		Kind: "linearize", Version: DocVersion, N: n, Dim: d, Seed: eo.Seed, Method: "twonn",
		Sizes: sizes, Warnings: []string{},
	}
	warned := map[string]bool{}
	fits, total := 0, 0
	for _, s := range sizes {
		total += 2 * max(1, min(o.Blocks, n/s))
	}
	for _, s := range sizes {
		b := max(1, min(o.Blocks, n/s))
		l.Blocks = append(l.Blocks, b)
		for _, src := range []struct {
			x        []float64
			ids, err *[]float64
			what     string
		}{
			{x, &l.DataIDs, &l.DataErrs, "data"},
			{sur, &l.SurrogateIDs, &l.SurrogateErrs, "surrogate"},
		} {
			perm := rng.Perm(n)
			var ids []float64
			for k := 0; k < b; k++ {
				rows := perm[k*s : (k+1)*s]
				rep, err := estimate.Points(cloud.Must64(gather(src.x, d, rows), s, d), &eo)
				if fits++; o.Progress != nil {
					o.Progress(fits, total)
				}
				if err != nil {
					if errors.Is(err, estimate.ErrDegenerate) || errors.Is(err, estimate.ErrTooFewPoints) {
						continue
					}
					return nil, fmt.Errorf("%s, %d points: %w", src.what, s, err)
				}
				for _, w := range rep.Warnings {
					if !warned[w.Msg] {
						warned[w.Msg] = true
						l.Warnings = append(l.Warnings, src.what+": "+w.Msg)
					}
				}
				ids = append(ids, rep.Results[0].ID)
			}
			if len(ids) == 0 {
				return nil, fmt.Errorf("%s, %d points: no block could be fitted (degenerate distances)", src.what, s)
			}
			m, sd := meanStd(ids)
			*src.ids = append(*src.ids, m)
			*src.err = append(*src.err, sd)
		}
	}
	return l, nil
}

// Surrogate returns m points (an m×d row-major matrix) of the Gaussian with
// the mean and covariance of the n×d data x: x̄ + Xcᵀw/√(n − 1) with
// w ~ N(0, I_n) drawn from rng. See Linearize.
func Surrogate(x []float64, n, d, m int, rng *rand.Rand) []float64 {
	if len(x) != n*d || n < 2 || m < 0 {
		panic(fmt.Sprintf("study: Surrogate of %d values as %d×%d (need n ≥ 2), m = %d", len(x), n, d, m))
	}
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j, v := range x[i*d : (i+1)*d] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	xc := make([]float64, n*d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			xc[i*d+j] = x[i*d+j] - mean[j]
		}
	}
	w := make([]float64, m*n)
	scale := 1 / math.Sqrt(float64(n-1))
	for i := range w {
		w[i] = rng.NormFloat64() * scale
	}
	out := make([]float64, m*d)
	if m == 0 {
		return out
	}
	dst := mat.NewDense(m, d, out)
	dst.Mul(mat.NewDense(m, n, w), mat.NewDense(n, d, xc))
	for i := 0; i < m; i++ {
		for j := 0; j < d; j++ {
			out[i*d+j] += mean[j]
		}
	}
	return out
}

func gather(x []float64, d int, rows []int) []float64 {
	y := make([]float64, 0, len(rows)*d)
	for _, r := range rows {
		y = append(y, x[r*d:(r+1)*d]...)
	}
	return y
}

// meanStd returns the mean and the sample standard deviation (0 for one
// value) of a non-empty v.
func meanStd(v []float64) (float64, float64) {
	var m float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	if len(v) == 1 {
		return m, 0
	}
	var ss float64
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(v)-1))
}
