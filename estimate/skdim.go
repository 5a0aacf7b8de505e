package estimate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/intdim/intdim/knn"
)

// Estimators of scikit-dimension 0.3.4 (Bac et al., "Scikit-dimension: a
// Python package for intrinsic dimension estimation", Entropy 23, 2021),
// reimplemented to give its values: the global PCA versions (lpca-*), the
// local estimators mom, tle, mada and ess, MiND_ML, FisherS, the correlation dimension
// corrint, and the randomised knn (KNN) and danco (DANCo), which draw from Options.Seed. They run in Points from the one neighbour search like the other
// methods (mom, tle, mada, ess, mind-ml and corrint extend its k to theirs). Unlike
// scikit-dimension, duplicate rows are collapsed by default
// (Options.Duplicates); with "keep" a duplicate stays a neighbour at
// distance 0, as there. Resampling (Options.Resample) does not apply to them.
const (
	MethodLPCAFO          Method = "lpca-fo"
	MethodLPCAFan         Method = "lpca-fan"
	MethodLPCAMaxGap      Method = "lpca-maxgap"
	MethodLPCARatio       Method = "lpca-ratio"
	MethodLPCAPR          Method = "lpca-pr"
	MethodLPCAKaiser      Method = "lpca-kaiser"
	MethodLPCABrokenStick Method = "lpca-brokenstick"
	MethodMOM             Method = "mom"
	MethodTLE             Method = "tle"
	MethodMADA            Method = "mada"
	MethodCorrInt         Method = "corrint"
	MethodESS             Method = "ess"
	MethodMiNDML          Method = "mind-ml"
	MethodFisherS         Method = "fishers"
	MethodKNN             Method = "knn"
	MethodDANCo           Method = "danco"
	MethodEvery           Method = "every" // Methods, then SkdimMethods
)

// SkdimMethods lists the scikit-dimension estimators, in the order
// MethodEvery runs them after Methods.
var SkdimMethods = []Method{MethodLPCAFO, MethodLPCAFan, MethodLPCAMaxGap, MethodLPCARatio, MethodLPCAPR,
	MethodLPCAKaiser, MethodLPCABrokenStick, MethodMOM, MethodTLE, MethodMADA, MethodCorrInt, MethodESS, MethodMiNDML, MethodFisherS,
	MethodKNN, MethodDANCo}

// MethodNames lists the accepted method names, for messages.
const MethodNames = "twonn, twonn-ml, gride, mle, pca, all (these five), lpca-fo, lpca-fan, lpca-maxgap, " +
	"lpca-ratio, lpca-pr, lpca-kaiser, lpca-brokenstick, mom, tle, mada, corrint, ess, mind-ml, fishers, knn, danco, or every; binomial, gride-auto"

// SkdimOptions are the parameters of the scikit-dimension estimators, named
// as there; a zero field means scikit-dimension's default.
type SkdimOptions struct {
	AlphaFO    float64 // lpca-fo: components above AlphaFO·λ₁; default 0.05
	AlphaRatio float64 // lpca-ratio: fraction of the variance; default 0.05
	AlphaFan   float64 // lpca-fan: large-gap threshold; default 10
	BetaFan    float64 // lpca-fan: total-covariance threshold; default 0.8
	PFan       float64 // lpca-fan: covariance in the non-noise components; default 0.95
	MOMK       int     // mom neighbours; default 100
	TLEK       int     // tle neighbours; default 20
	TLEEpsilon float64 // tle: measurements below it are dropped; default 1e-4
	MADAK      int     // mada neighbours; default 20
	ESSK       int     // ess neighbours; default 100
	MiNDK      int     // mind-ml: ρ = r₁/r_{k+1}; default 20
	MiNDD      int     // mind-ml: largest dimension searched; default 10
	K1, K2     int     // corrint neighbour ranks of the two radii; default 10 and 20
	KNNK       int     // knn: neighbours per point of a sample (k); default 2
	KNNPs      []int   // knn: sample sizes (ps); default KNNK+1 … KNNK+4
	KNNM       int     // knn: samples of each size (M); default 1
	KNNGamma   float64 // knn: power of the edge lengths (gamma); default 2
	DANCoK     int     // danco neighbours (k); default 10
	DANCoD     int     // danco: largest dimension calibrated (D); default 0, the number of columns
	DANCoInt   bool    // danco: the integer estimate (fractal=False); default the fractal one
}

// DefaultSkdim holds scikit-dimension 0.3.4's defaults.
var DefaultSkdim = SkdimOptions{AlphaFO: 0.05, AlphaRatio: 0.05, AlphaFan: 10, BetaFan: 0.8, PFan: 0.95,
	MOMK: 100, TLEK: 20, TLEEpsilon: 1e-4, MADAK: 20, ESSK: 100, MiNDK: 20, MiNDD: 10, K1: 10, K2: 20,
	KNNK: 2, KNNM: 1, KNNGamma: 2, DANCoK: 10}

// withDefaults fills the zero fields of s.
func (s SkdimOptions) withDefaults() SkdimOptions {
	d := DefaultSkdim
	setF := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	setI := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	setF(&s.AlphaFO, d.AlphaFO)
	setF(&s.AlphaRatio, d.AlphaRatio)
	setF(&s.AlphaFan, d.AlphaFan)
	setF(&s.BetaFan, d.BetaFan)
	setF(&s.PFan, d.PFan)
	setI(&s.MOMK, d.MOMK)
	setI(&s.TLEK, d.TLEK)
	setF(&s.TLEEpsilon, d.TLEEpsilon)
	setI(&s.MADAK, d.MADAK)
	setI(&s.ESSK, d.ESSK)
	setI(&s.MiNDK, d.MiNDK)
	setI(&s.MiNDD, d.MiNDD)
	setI(&s.K1, d.K1)
	setI(&s.K2, d.K2)
	setI(&s.KNNK, d.KNNK)
	setI(&s.KNNM, d.KNNM)
	setF(&s.KNNGamma, d.KNNGamma)
	setI(&s.DANCoK, d.DANCoK)
	return s
}

// check validates the parameters (after withDefaults): a *ParamError
// naming the fields out of range, nil if none is. Written so that NaN
// fails every test.
func (s SkdimOptions) check() error {
	var k, c, m, eps, fan, pca paramCheck
	for _, f := range []struct {
		name string
		v    int
	}{{"MOMK", s.MOMK}, {"TLEK", s.TLEK}, {"MADAK", s.MADAK}, {"ESSK", s.ESSK}} {
		k.bad(f.v >= 2, f.name, float64(f.v))
	}
	if s.K1 < 1 || s.K2 <= s.K1 {
		c.bad(false, "K1", float64(s.K1))
		c.bad(false, "K2", float64(s.K2))
	}
	m.bad(s.MiNDK >= 1, "MiNDK", float64(s.MiNDK))
	m.bad(s.MiNDD >= 1, "MiNDD", float64(s.MiNDD))
	eps.bad(s.TLEEpsilon > 0, "TLEEpsilon", s.TLEEpsilon)
	for _, f := range []struct {
		name string
		v    float64
	}{{"AlphaFO", s.AlphaFO}, {"AlphaRatio", s.AlphaRatio}, {"BetaFan", s.BetaFan}, {"PFan", s.PFan}} {
		pca.bad(f.v > 0 && f.v < 1, f.name, f.v)
	}
	fan.bad(s.AlphaFan > 0, "AlphaFan", s.AlphaFan)
	var kk, ps, dk, dd paramCheck
	kk.bad(s.KNNK >= 1, "KNNK", float64(s.KNNK))
	kk.bad(s.KNNM >= 1 && s.KNNM <= maxKNNDraws, "KNNM", float64(s.KNNM))
	kk.bad(s.KNNGamma > 0 && !math.IsInf(s.KNNGamma, 0), "KNNGamma", s.KNNGamma)
	for _, p := range s.KNNPs {
		ps.bad(p > s.KNNK && p <= maxKNNDraws, "KNNPs", float64(p))
	}
	ps.bad(len(s.KNNPs) <= maxKNNDraws, "KNNPs", float64(len(s.KNNPs)))
	dk.bad(s.DANCoK >= 2, "DANCoK", float64(s.DANCoK))
	dd.bad(s.DANCoD >= 0, "DANCoD", float64(s.DANCoD))
	kkWant, psWant := "", "" // formatted only when needed (every call of Points checks)
	if len(kk.fields) > 0 {
		kkWant = fmt.Sprintf("k ≥ 1, 1 ≤ M ≤ %d and 0 < gamma < ∞", maxKNNDraws)
	}
	if len(ps.fields) > 0 {
		psWant = fmt.Sprintf("sample sizes above k = %d and at most %d", s.KNNK, maxKNNDraws)
	}
	for _, err := range []error{
		kk.err("knn", kkWant),
		ps.err("knn", psWant),
		dk.err("danco", "at least 2"),
		dd.err("danco", "at least 1 (0: the number of columns)"),
		k.err("mom, tle, mada and ess", "at least 2"),
		c.err("corrint", "1 ≤ k1 < k2"),
		m.err("mind-ml", "at least 1"),
		eps.err("tle", "a value above 0"),
		pca.err("lpca", "a value in (0, 1)"),
		fan.err("lpca-fan", "a value above 0"),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// CheckSkdim validates s (zero fields meaning the defaults): a *ParamError
// naming the fields out of range, nil if none is.
func CheckSkdim(s SkdimOptions) error { return s.withDefaults().check() }

// isSkdim reports whether meth is one of SkdimMethods.
func isSkdim(meth string) bool { return slices.Contains(SkdimMethods, Method(meth)) }

// skdimNeighbours is the number of neighbours a scikit-dimension method
// needs from the one search (0 for the PCA versions).
func (e *engine) skdimNeighbours(meth string) int {
	s := e.o.Skdim
	switch Method(meth) {
	case MethodMOM:
		return s.MOMK
	case MethodTLE:
		return s.TLEK
	case MethodMADA:
		return s.MADAK
	case MethodESS:
		return s.ESSK
	case MethodMiNDML:
		return s.MiNDK + 1
	case MethodCorrInt:
		return s.K2
	case MethodDANCo:
		return s.DANCoK + 1
	}
	return 0
}

// runSkdim runs a scikit-dimension method.
func (e *engine) runSkdim(meth string) (*Result, error) {
	res := &Result{Method: meth}
	m := Method(meth)
	if e.x == nil && m != MethodMOM && m != MethodMADA && m != MethodMiNDML {
		return nil, errors.New("needs the rows, not only neighbour lists")
	}
	if k := e.skdimNeighbours(meth); k > e.n-1 || (e.g != nil && k > e.g.K) {
		return nil, fmt.Errorf("k = %d needs more than %d points", k, e.n)
	}
	if m == MethodDANCo {
		if err := e.dancoTooLarge(); err != nil {
			return nil, err
		}
	}
	s := e.o.Skdim
	var err error
	switch m {
	case MethodMOM:
		res.ID, err = MOM(e.g, s.MOMK)
	case MethodTLE:
		res.ID, err = TLE(e.x, e.g, s.TLEK, s.TLEEpsilon, e.o.Threads)
	case MethodMADA:
		g := e.g
		if z := g.MaxZeros(); z > 0 && s.MADAK+z > g.K && e.x != nil {
			// Kept duplicates are not MADA's neighbours: a longer list.
			if g, err = knn.Search(e.x, min(s.MADAK+z, e.n-1), e.kopt); err != nil {
				return nil, err
			}
		}
		res.ID, err = MADA(g, s.MADAK)
	case MethodFisherS:
		res.ID, err = FisherS(e.x, 10)
	case MethodMiNDML:
		res.ID, err = MiNDML(e.g, s.MiNDK, s.MiNDD)
	case MethodESS:
		res.ID, err = ESS(e.x, e.g, s.ESSK, e.o.Threads)
	case MethodCorrInt:
		res.ID, err = CorrInt(e.x, e.g, s.K1, s.K2, e.o.Threads)
	case MethodKNN:
		var r *KNNResult
		r, err = KNN(e.x, s.KNNK, knnSizes(s.KNNK, s.KNNPs), s.KNNM, s.KNNGamma, rand.New(rand.NewPCG(e.o.Seed, 0x6b6e6e)))
		if err == nil {
			res.ID, res.Residual = float64(r.ID), ptr(r.Residual)
		}
	case MethodDANCo:
		var r *DANCoResult
		r, err = DANCo(e.x, e.g, s.DANCoK, e.dancoD(), !s.DANCoInt, e.o.Seed, e.o.Threads)
		if err == nil {
			res.ID, res.KL = r.ID, ptr(r.KL)
		}
	default:
		var l *LPCAResult
		l, err = LPCA(e.x, m, s)
		if err == nil {
			res.ID, res.Spectrum, res.Gap = l.ID, l.Spectrum, ptr(l.Gap)
		}
	}
	if err != nil {
		return nil, err
	}
	if math.IsNaN(res.ID) || math.IsInf(res.ID, 0) {
		return nil, fmt.Errorf("%w: the estimate is %v", ErrDegenerate, res.ID) // never NaN as an answer
	}
	return res, nil
}

// maxKNNDraws bounds knn's M and sample sizes (each draw costs p² distances).
const maxKNNDraws = 1 << 16

// dancoMaxWork bounds N²·D²/2, about the operations of DANCo's calibration
// (a neighbour search of N points in each dimension 1…D).
const dancoMaxWork = 1e12

// dancoD is DANCo's D: Skdim.DANCoD, or the number of columns.
func (e *engine) dancoD() int {
	if e.o.Skdim.DANCoD > 0 {
		return e.o.Skdim.DANCoD
	}
	return e.d
}

// dancoTooLarge reports, as an error, a DANCo calibration over the budget.
func (e *engine) dancoTooLarge() error {
	D, n := float64(e.dancoD()), float64(e.n)
	if w := n * n * D * D / 2; w > dancoMaxWork {
		return fmt.Errorf("calibrating D = %d dimensions on %d points is about %.2g operations (limit %.0g): "+
			"set --danco-d (the largest dimension tested) or use fewer points", e.dancoD(), e.n, w, dancoMaxWork)
	}
	return nil
}

// graphOnly lists the scikit-dimension methods that need only the
// neighbour graph; the others need the rows (a PCA of them, the
// neighbours' coordinates, all pairs or random samples of them).
var graphOnly = []Method{MethodMOM, MethodMADA, MethodMiNDML}

// withoutRowMethods returns methods less the scikit-dimension ones that
// need the rows, and a warning naming those left out (none: no warning).
// It serves "every" on a graph without its rows (FromGraph, FromLists).
func withoutRowMethods(methods []string) ([]string, []Warning) {
	var out, left []string
	for _, m := range methods {
		if isSkdim(m) && !slices.Contains(graphOnly, Method(m)) {
			left = append(left, m)
			continue
		}
		out = append(out, m)
	}
	if len(left) == 0 {
		return out, nil
	}
	return out, []Warning{Warnf(WarnSkipped, "left out of every: %s need the rows, not only the neighbour graph", strings.Join(left, ", "))}
}
