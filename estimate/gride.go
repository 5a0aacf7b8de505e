package estimate

import (
	"fmt"
	"math"
	"slices"

	"github.com/intdim/intdim/knn"
)

// Scaling is an ID measured at several scales.
type Scaling struct {
	Scales []int     // GRIDE: the neighbour rank n₂ of each step (n₁ = n₂/2)
	IDs    []float64 // the ID at each scale
	Errs   []float64 // its standard error
	Radii  []float64 // GRIDE: mean over points of (r₍ₙ₁₎ + r₍ₙ₂₎)/2, the length scale
}

// GRIDE constants, as DADApy return_id_scaling_gride.
const (
	grideOutlier = 20                           // μ ≥ q₅₀ + 20·(q₉₅ − q₅₀) is dropped
	grideOne     = 1 + 10*2.220446049250313e-16 // μ = 1 becomes 1 + 10·ε
	grideFloor   = 1e-7                         // score: 1 − μ^(−d) floored at 2·grideFloor
	fisherFloor  = 5 * 2.220446049250313e-16    // Fisher information: 1 − μ^(−d) floored at 5·ε
	grideTol     = 1e-10                        // relative tolerance of the root
)

// GRIDE is the generalised-ratio ID estimator of Denti, Doimo, Laio & Mira
// (Sci. Rep. 12, 20005, 2022) at the ranks n₂ = 2, 4, 8, … ≤ maxRank, with
// n₁ = n₂/2 and μ = r₍ₙ₂₎/r₍ₙ₁₎ per point; see GRIDEScale for one scale. It
// follows DADApy return_id_scaling_gride (Radii are its rs_scaling).
//
// It returns a *DuplicatesError (errors.Is ErrDuplicates) if some point has
// r₁ = 0. It panics if maxRank < 2 or g.K is less than the largest n₂.
func GRIDE(g *knn.Graph, maxRank int) (*Scaling, error) {
	if maxRank < 2 {
		panic(fmt.Sprintf("estimate: GRIDE max rank %d < 2", maxRank))
	}
	var ranks []int
	for n2 := 2; n2 <= maxRank; n2 *= 2 {
		ranks = append(ranks, n2)
	}
	if last := ranks[len(ranks)-1]; g.K < last {
		panic(fmt.Sprintf("estimate: GRIDE up to rank %d on a graph of %d neighbours", last, g.K))
	}
	dup := 0
	for i := 0; i < g.N; i++ {
		if g.Dist[i*g.K] == 0 {
			dup++
		}
	}
	if dup > 0 {
		return nil, &DuplicatesError{Count: dup}
	}
	s := &Scaling{Scales: ranks}
	mu := make([]float64, g.N)
	for _, n2 := range ranks {
		n1 := n2 / 2
		var rsum float64
		for i := range mu {
			a, b := g.Dist[i*g.K+n1-1], g.Dist[i*g.K+n2-1]
			mu[i] = b / a
			rsum += a + b
		}
		id, se, err := GRIDEScale(mu, n1, n2)
		if err != nil {
			return nil, fmt.Errorf("GRIDE at n2 = %d: %w", n2, err)
		}
		s.IDs = append(s.IDs, id)
		s.Errs = append(s.Errs, se)
		s.Radii = append(s.Radii, rsum/float64(2*g.N))
	}
	return s, nil
}

// GRIDEScale is GRIDE at one scale: given μᵢ = r₍ₙ₂₎/r₍ₙ₁₎, the ID is the
// maximum of the likelihood of the density (Denti et al. 2022, eq. 4)
//
//	f(μ) = d (μᵈ − 1)^(n₂−n₁−1) / (B(n₂ − n₁, n₁) μ^((n₂−1)d+1)),
//
// found as the root, to 1e-10 relative, of the score
//
//	(N − 1)/d + Σᵢ [(n₂ − n₁ − 1)/(1 − μᵢ^(−d)) − (n₂ − 1)] log μᵢ,
//
// which decreases strictly in d, so the root is unique. As DADApy
// (_filter_mus and _argmax_loglik, whose log-likelihood starts (N − 1)·log d
// so that (1, 2) equals TwoNN-ML): μ = 1 becomes 1 + 10·ε; μ ≥ q₅₀ +
// 20·(q₉₅ − q₅₀) (percentiles linearly interpolated) is left out of the
// likelihood and N is the number of μ kept; 1 − μ^(−d) is floored at 2·10⁻⁷.
// The standard error is 1/√J with the Fisher information taken, as DADApy's
// _fisher_info_scaling, over all M ratios:
//
//	J = M/d² + (n₂ − n₁ − 1) Σᵢ μᵢ^(−d) (log μᵢ / (1 − μᵢ^(−d)))²
//
// (1 − μ^(−d) floored at 5·ε). It returns a *DuplicatesError for +Inf or NaN
// ratios, ErrTooFewPoints for fewer than 3 kept and ErrDegenerate if every
// μ = 1. It panics unless 1 ≤ n₁ < n₂.
func GRIDEScale(mu []float64, n1, n2 int) (id, stderr float64, err error) {
	if n1 < 1 || n2 <= n1 {
		panic(fmt.Sprintf("estimate: GRIDEScale with n1 = %d, n2 = %d", n1, n2))
	}
	if err := checkRatios(mu); err != nil {
		return 0, 0, err
	}
	if len(mu) < 3 {
		return 0, 0, fmt.Errorf("%w: GRIDE needs at least 3 points, have %d", ErrTooFewPoints, len(mu))
	}
	if slices.Max(mu) == 1 {
		return 0, 0, fmt.Errorf("%w: all %d ratios r%d/r%d equal 1", ErrDegenerate, len(mu), n2, n1)
	}
	// μ = 1 would put a pole in the score: as DADApy, it becomes 1 + 10·ε.
	r := make([]float64, len(mu))
	for i, m := range mu {
		if m == 1 {
			m = grideOne
		}
		r[i] = m
	}
	sorted := slices.Clone(r)
	slices.Sort(sorted)
	q50, q95 := percentile(sorted, 0.5), percentile(sorted, 0.95)
	cut := q50 + grideOutlier*(q95-q50)
	all := make([]float64, len(r))
	var kept []float64
	for i, m := range r {
		all[i] = math.Log(m)
		if m < cut {
			kept = append(kept, all[i])
		}
	}
	n := len(kept)
	if n < 3 {
		return 0, 0, fmt.Errorf("%w: GRIDE keeps %d points after the outlier cut", ErrTooFewPoints, n)
	}
	if slices.Max(kept) <= math.Log(grideOne) {
		return 0, 0, fmt.Errorf("%w: all %d ratios r%d/r%d equal 1", ErrDegenerate, n, n2, n1)
	}
	a, b := float64(n2-n1-1), float64(n2-1)
	p := grideProblem{logs: kept, a: a, b: b}
	id, err = p.root()
	if err != nil {
		return 0, 0, err
	}
	// The Fisher information is taken over all the ratios, outliers included.
	full := grideProblem{logs: all, a: a, b: b}
	return id, 1 / math.Sqrt(full.fisher(id)), nil
}

// grideProblem is the GRIDE score for fixed log μ: a = n₂ − n₁ − 1, b = n₂ − 1.
type grideProblem struct {
	logs []float64
	a, b float64
}

// score returns the derivative of the log-likelihood at d and its own
// derivative (both with DADApy's floor on 1 − μ^(−d)).
func (p *grideProblem) score(d float64) (s, ds float64) {
	n := float64(len(p.logs))
	s = (n - 1) / d
	ds = -(n - 1) / (d * d)
	for _, l := range p.logs {
		e := math.Exp(-d * l) // μ^(−d)
		u := 1 - e
		if u < 2*grideFloor {
			s += (p.a/(2*grideFloor) - p.b) * l
			continue
		}
		s += (p.a/u - p.b) * l
		ds -= p.a * l * l * e / (u * u)
	}
	return s, ds
}

// fisher returns the Fisher information at d (see GRIDEScale).
func (p *grideProblem) fisher(d float64) float64 {
	j := float64(len(p.logs)) / (d * d)
	for _, l := range p.logs {
		e := math.Exp(-d * l)
		u := max(1-e, fisherFloor)
		r := l / u
		j += p.a * e * r * r
	}
	return j
}

// root finds the zero of the decreasing score by Newton's method safeguarded
// with bisection inside a bracket.
func (p *grideProblem) root() (float64, error) {
	lo, hi := 1e-3, 1e3
	for s, _ := p.score(lo); s < 0; s, _ = p.score(lo) {
		if lo /= 1e3; lo < 1e-12 {
			return 0, fmt.Errorf("%w: GRIDE likelihood has no maximum above 1e-12", ErrDegenerate)
		}
	}
	for s, _ := p.score(hi); s > 0; s, _ = p.score(hi) {
		if hi *= 10; hi > 1e8 {
			return 0, fmt.Errorf("%w: GRIDE likelihood has no maximum below 1e8", ErrDegenerate)
		}
	}
	d := math.Sqrt(lo * hi)
	for it := 0; it < 500; it++ {
		s, ds := p.score(d)
		if s == 0 {
			return d, nil
		}
		if s > 0 {
			lo = d
		} else {
			hi = d
		}
		next := d - s/ds
		if !(next > lo && next < hi) || ds >= 0 {
			next = lo + (hi-lo)/2
		}
		if math.Abs(next-d) <= grideTol*next || hi-lo <= grideTol*lo {
			return next, nil
		}
		d = next
	}
	return d, nil
}

// percentile returns the q-quantile of sorted data with linear interpolation
// between order statistics (numpy's default method), position (n − 1)·q.
func percentile(sorted []float64, q float64) float64 {
	h := float64(len(sorted)-1) * q
	i := int(math.Floor(h))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	a, b, t := sorted[i], sorted[i+1], h-float64(i)
	if t >= 0.5 { // numpy's _lerp, exact at both ends
		return b - (b-a)*(1-t)
	}
	return a + (b-a)*t
}
