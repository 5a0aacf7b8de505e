package estimate

import (
	"fmt"
	"math"
	"slices"

	"github.com/intdim/intdim/knn"
)

// MethodGRIDEAuto is GRIDE at the scale chosen point by point by the k*
// likelihood-ratio test (GRIDEAuto), as a method of Points: --method
// gride-auto, with Options.KStar. It is not among Methods, so "all" and
// "every" do not run it.
const MethodGRIDEAuto Method = "gride-auto"

// KStarOptions are the parameters of GRIDEAuto, named as DADApy's
// return_ids_kstar_gride; zero fields mean DefaultKStar's.
type KStarOptions struct {
	Iterations int     // n_iter: GRIDE fits, each at the k* of the previous ID
	Alpha      float64 // significance of the k* test (threshold χ²₁ upper α quantile)
	MaxK       int     // neighbours searched; k* ≤ MaxK − 1 (capped at N − 1)
}

// DefaultKStar is DADApy's n_iter = 5, alpha = 1e-6, maxk = 100.
var DefaultKStar = KStarOptions{Iterations: 5, Alpha: 1e-6, MaxK: 100}

func (k KStarOptions) withDefaults() KStarOptions {
	if k.Iterations == 0 {
		k.Iterations = DefaultKStar.Iterations
	}
	if k.Alpha == 0 {
		k.Alpha = DefaultKStar.Alpha
	}
	if k.MaxK == 0 {
		k.MaxK = DefaultKStar.MaxK
	}
	return k
}

// Check reports bad parameters: Iterations ≥ 1, 0 < Alpha < 1, MaxK ≥ 2.
func (k KStarOptions) Check() error {
	k = k.withDefaults()
	if k.Iterations < 1 || k.Iterations > 1000 {
		return fmt.Errorf("k* iterations %d outside [1, 1000]", k.Iterations)
	}
	if !(k.Alpha > 0 && k.Alpha < 1) {
		return fmt.Errorf("k* alpha %g outside (0, 1)", k.Alpha)
	}
	if k.MaxK < 2 {
		return fmt.Errorf("k* maxk %d: need at least 2", k.MaxK)
	}
	return nil
}

// GRIDE bisection constants of DADApy's return_ids_kstar_gride (d0, d1, eps).
const (
	autoD0  = 0.001
	autoD1  = 1000
	autoEps = 1e-7
)

// KStarStats summarises per-point neighbour ranks: their mean, median
// (numpy's: the mean of the two middle values for an even count), least and
// largest.
type KStarStats struct {
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	Min    int     `json:"min"`
	Max    int     `json:"max"`
}

// Summarise returns the statistics of ks (which must not be empty).
func Summarise(ks []int) KStarStats {
	s := slices.Clone(ks)
	slices.Sort(s)
	var sum float64
	for _, k := range s {
		sum += float64(k)
	}
	n := len(s)
	med := float64(s[n/2])
	if n%2 == 0 {
		med = (float64(s[n/2-1]) + float64(s[n/2])) / 2
	}
	return KStarStats{Mean: sum / float64(n), Median: med, Min: s[0], Max: s[n-1]}
}

// Iteration is one step of GRIDEAuto. Step 0 is the starting TwoNN ID (no
// Err, LogLikelihood or Radius); step t ≥ 1 is the GRIDE fit at the ranks
// N2 of step t − 1. KStar summarises the k* of every point at this step's
// ID; N2, absent on the last step, the ranks n₂ = k* rounded up to even of
// the next fit.
type Iteration struct {
	ID            float64     `json:"id"`
	Err           *float64    `json:"err"`
	LogLikelihood *float64    `json:"log_likelihood"`
	Radius        *float64    `json:"radius,omitempty"` // mean over points of (r₍ₙ₁₎ + r₍ₙ₂₎)/2 of this fit
	KStar         KStarStats  `json:"kstar"`
	N2            *KStarStats `json:"n2,omitempty"`
}

// GRIDEAutoFit is the outcome of GRIDEAuto: the last fit's ID and error,
// the k* of every point at that ID (the chosen scale), and every step.
type GRIDEAutoFit struct {
	ID, Err    float64
	KStar      []int // k* of each point at ID
	MaxK       int   // neighbours the test could use (k* ≤ MaxK − 1)
	Iterations []Iteration
}

// KStar returns the k* of every point of g at intrinsic dimension id: the
// largest neighbourhood over which the density is constant by the
// likelihood-ratio test of Rodriguez, d'Errico, Laio (J. Chem. Theory
// Comput. 14, 2018) as DADApy's compute_kstar (Glielmo et al., Patterns 3,
// 2022). With rⱼ(i) the distance of i to its j-th neighbour, Vⱼ(i) =
// ω_d rⱼ(i)^d (ω_d = π^(d/2)/Γ(d/2 + 1)) and n the j-th neighbour of i,
// for j = 4, 5, …, maxk − 1 and k = j − 1:
//
//	D = −2k [log V_k(i) + log V_k(n) − 2 log(V_k(i) + V_k(n)) + log 4]
//	  = 4k log cosh(d·log(r_k(i)/r_k(n))/2),
//
// the deviance of "i and n have one density" against two; k* = j − 1 at
// the first j with D > χ²₁ upper α quantile, maxk − 1 if none (maxk − 1
// when maxk ≤ 4). The test is made in the second form, as
// |log r_k(i) − log r_k(n)| > 2 acosh(exp(χ²/(4k)))/d, with the logarithms
// of the distances taken once. g must hold maxk − 1 ≥ 1 neighbours per
// point, with no point at distance 0 (the caller checks).
func KStar(g *knn.Graph, id float64, maxk int, alpha float64) []int {
	if maxk < 2 || g.K < maxk-1 {
		panic(fmt.Sprintf("estimate: KStar with maxk %d on a graph of %d neighbours", maxk, g.K))
	}
	return kstarLogs(logDists(g, maxk), g, id, maxk, alpha)
}

// logDists returns log rₘ(p) for m = 1 … maxk − 2 (the ranks the k* test
// reads), at p·(maxk − 2) + m − 1.
func logDists(g *knn.Graph, maxk int) []float64 {
	w := max(maxk-2, 0)
	ld := make([]float64, g.N*w)
	for p := range g.N {
		for m := range w {
			ld[p*w+m] = math.Log(g.Dist[p*g.K+m])
		}
	}
	return ld
}

// kstarLogs is KStar from the logarithms of the distances (logDists).
func kstarLogs(ld []float64, g *knn.Graph, id float64, maxk int, alpha float64) []int {
	ks := make([]int, g.N)
	if maxk <= 4 {
		for i := range ks {
			ks[i] = maxk - 1
		}
		return ks
	}
	thr := chi2ISF1(alpha)
	w := maxk - 2
	tau := make([]float64, maxk) // tau[k]: the least |log r_k(i) − log r_k(n)| that fails the test
	for k := 3; k < maxk-1; k++ {
		tau[k] = 2 * math.Acosh(math.Exp(thr/(4*float64(k)))) / id
	}
	for i := range ks {
		j := 4
		for ; j < maxk; j++ {
			k := j - 1
			nb := int(g.Index[i*g.K+j-1])
			if math.Abs(ld[i*w+k-1]-ld[nb*w+k-1]) > tau[k] {
				break
			}
		}
		ks[i] = j - 1
	}
	return ks
}

// chi2ISF1 is the upper α quantile of χ² with one degree of freedom,
// (√2 erfc⁻¹(α))² (scipy's chi2.isf(α, 1)).
func chi2ISF1(alpha float64) float64 {
	z := math.Sqrt2 * math.Erfcinv(alpha)
	return z * z
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// GRIDEAuto is GRIDE (Denti, Doimo, Laio & Mira, Sci. Rep. 12, 20005,
// 2022) at a scale chosen for each point by the k* test (KStar), iterated
// as DADApy's return_ids_kstar_gride (Glielmo et al. 2022): starting from
// the ID start (TwoNN), each of opt.Iterations steps computes every
// point's k* at the current ID, sets n₂ᵢ = k*ᵢ rounded up to even and
// n₁ᵢ = n₂ᵢ/2, and fits one GRIDE likelihood over the points,
//
//	L(d) = Σᵢ log f(μᵢ | n₁ᵢ, n₂ᵢ, d),  μᵢ = r₍ₙ₂ᵢ₎/r₍ₙ₁ᵢ₎,
//
// with f as in GRIDEScale (μ = 1 becomes 1 + 10·ε, μ ≥ q₅₀ + 20·(q₉₅ − q₅₀)
// is left out, the first term is (N − 1)·log d), maximised by bisection of
// the score on [0.001, 1000] to 10⁻⁷ as DADApy; the error is 1/√J with the
// Fisher information J over all points. The ID is the last fit's.
//
// g must hold min(opt.MaxK, g.N − 1) neighbours per point. It returns a
// *DuplicatesError if some point has r₁ = 0 and ErrDegenerate if a fit
// has no maximum inside [0.001, 1000].
func GRIDEAuto(g *knn.Graph, start float64, opt *KStarOptions) (*GRIDEAutoFit, error) {
	var o KStarOptions
	if opt != nil {
		o = *opt
	}
	o = o.withDefaults()
	if err := o.Check(); err != nil {
		return nil, err
	}
	maxk := min(o.MaxK, g.N-1)
	if g.K < maxk {
		panic(fmt.Sprintf("estimate: GRIDEAuto with maxk %d on a graph of %d neighbours", maxk, g.K))
	}
	if g.N < 3 {
		return nil, fmt.Errorf("%w: gride-auto needs at least 3 points, have %d", ErrTooFewPoints, g.N)
	}
	dup := 0
	for i := range g.N {
		if g.Dist[i*g.K] == 0 {
			dup++
		}
	}
	if dup > 0 {
		return nil, &DuplicatesError{Count: dup}
	}
	id := start
	ld := logDists(g, maxk)
	ks := kstarLogs(ld, g, id, maxk, o.Alpha)
	fit := &GRIDEAutoFit{MaxK: maxk, Iterations: []Iteration{{ID: id, KStar: Summarise(ks)}}}
	mu := make([]float64, g.N)
	n1, n2 := make([]int, g.N), make([]int, g.N)
	var idErr float64
	for range o.Iterations {
		var rsum float64
		for i, k := range ks {
			n2[i] = k + k%2
			n1[i] = n2[i] / 2
			a, b := g.Dist[i*g.K+n1[i]-1], g.Dist[i*g.K+n2[i]-1]
			mu[i] = b / a
			rsum += a + b
		}
		last := &fit.Iterations[len(fit.Iterations)-1]
		s := Summarise(n2)
		last.N2 = &s
		var ll float64
		var err error
		id, idErr, ll, err = grideRanks(mu, n1, n2)
		if err != nil {
			return nil, err
		}
		ks = kstarLogs(ld, g, id, maxk, o.Alpha)
		radius := rsum / float64(2*g.N)
		fit.Iterations = append(fit.Iterations, Iteration{ID: id, Err: ptr(idErr), LogLikelihood: ptr(ll),
			Radius: ptr(radius), KStar: Summarise(ks)})
	}
	fit.ID, fit.Err, fit.KStar = id, idErr, ks
	return fit, nil
}

// grideRanks is the GRIDE fit with per-point ranks (DADApy's
// _compute_id_gride_single_scale with arrays n1, n2): the ID by bisection,
// its error from the Fisher information, and the log-likelihood at the ID.
// mu is modified (μ = 1 becomes 1 + 10·ε), as in DADApy.
func grideRanks(mu []float64, n1, n2 []int) (id, stderr, loglik float64, err error) {
	for i, m := range mu {
		if m == 1 {
			mu[i] = grideOne
		}
	}
	sorted := slices.Clone(mu)
	slices.Sort(sorted)
	q95, q50 := percentile(sorted, 0.95), percentile(sorted, 0.5)
	cut := 20*(q95-q50) + q50
	var kept []int
	for i, m := range mu {
		if m < cut {
			kept = append(kept, i)
		}
	}
	if len(kept) < 3 {
		return 0, 0, 0, fmt.Errorf("%w: gride-auto keeps %d points after the outlier cut", ErrTooFewPoints, len(kept))
	}
	n := float64(len(kept))
	lm := make([]float64, len(kept)) // log μ of the kept points
	for t, i := range kept {
		lm[t] = math.Log(mu[i])
	}
	// negScore is DADApy's _neg_dloglik_did: minus the score.
	negScore := func(d float64) float64 {
		var s float64
		for t, i := range kept {
			u := 1 - math.Exp(-d*lm[t]) // 1 − μ^(−d)
			if u < 2*grideFloor {
				u = 2 * grideFloor
			}
			s += (float64(1-n2[i]+n1[i])/u + float64(n2[i]) - 1) * lm[t]
		}
		return s - (n-1)/d
	}
	d0, d1 := autoD0, float64(autoD1)
	l1 := negScore(d1)
	for math.Abs(d0-d1) > autoEps {
		d2 := (d0 + d1) / 2
		if l2 := negScore(d2); l2*l1 > 0 {
			d1 = d2
		} else {
			d0 = d2
		}
	}
	id = (d0 + d1) / 2
	if id-autoD0 < 2*autoEps || autoD1-id < 2*autoEps {
		return 0, 0, 0, fmt.Errorf("%w: the gride-auto likelihood has no maximum inside [%g, %g]", ErrDegenerate, autoD0, float64(autoD1))
	}
	// Fisher information over all the points (DADApy's _fisher_info_scaling).
	j := float64(len(mu)) / (id * id)
	for i, m := range mu {
		e := math.Pow(m, -id)
		u := 1 - e
		if u < fisherFloor {
			u = fisherFloor
		}
		l := math.Log(m) / u
		j += float64(n2[i]-n1[i]-1) * l * l * e
	}
	// The log-likelihood over the kept points (DADApy's _neg_loglik).
	loglik = (n - 1) * math.Log(id)
	for _, i := range kept {
		a, b := n2[i]-n1[i], n1[i]
		lb := lgamma(float64(a)) + lgamma(float64(b)) - lgamma(float64(a+b))
		loglik += float64(a-1)*math.Log(math.Pow(mu[i], id)-1) - lb - (float64(n2[i]-1)*id+1)*math.Log(mu[i])
	}
	return id, 1 / math.Sqrt(j), loglik, nil
}
