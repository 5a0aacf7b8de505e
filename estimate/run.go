package estimate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/knn"
)

// Points estimates the intrinsic dimension of the point cloud x with the methods of opt, after handling duplicate rows as opt says:
//
//   - "collapse" (default): exact duplicate rows are collapsed to one and the
//     number removed is reported in Report.Duplicates;
//   - "drop": points whose nearest neighbour is at distance 0 are left out
//     of the TwoNN fits (the convention of Ansuini et al.'s code);
//   - "keep": nothing is done, and an estimate that duplicates break
//     returns an error wrapping ErrDuplicates.
//
// One neighbour search serves every method and every resampling. With
// opt.Resample = R > 0 the ID and Err of twonn, twonn-ml and mle are the
// mean and standard deviation over R random subsets of ⌊Fraction·N⌋ points
// (Ansuini et al. 2019), drawn from a generator seeded with opt.Seed.
// The result does not depend on opt.Threads.
func Points(x *cloud.Matrix, opt *Options) (*Report, error) {
	p, err := Prepare(x, opt)
	if err != nil {
		return nil, err
	}
	var g *knn.Graph
	if p.K() > 0 {
		if g, err = knn.Search(p.Rows(), p.K(), p.SearchOptions()); err != nil {
			return nil, err
		}
	}
	return p.Finish(g)
}

// searchK is the number of neighbours Points searches for: what the
// methods need and, for mada with duplicates kept (or dropped, which keeps
// them in the graph), as many more as the largest group of equal rows has
// copies, since mada skips the neighbours at distance 0: the one search
// then serves it too.
func (e *engine) searchK(methods []string) int {
	k := e.neighboursFor(methods, false)
	if e.o.Duplicates != "collapse" && slices.Contains(methods, string(MethodMADA)) {
		if z := slices.Max(knn.FindDuplicates(e.x).Count) - 1; z > 0 {
			k = max(k, e.o.Skdim.MADAK+z)
		}
	}
	return k
}

// NeighboursNeeded returns how many neighbours per point FromGraph needs in
// its graph of n points with opt. With resampling, a subset's k nearest
// members must be in every point's list, since there are no rows to search:
// K = ⌈(k + 6√k + 6)/f⌉ for subsets of a fraction f (a margin of six
// binomial standard deviations and more), at most n − 1.
func NeighboursNeeded(n int, opt *Options) (int, error) {
	o := opt.withDefaults()
	methods, err := parseMethods(o.Method)
	if err != nil {
		return 0, err
	}
	e := &engine{n: n, o: o}
	if err := e.drawSubsets(); err != nil {
		return 0, err
	}
	return min(e.neighboursFor(methods, true), n-1), nil
}

// neighboursFor is the number of neighbours the methods need, including
// what resampling needs to answer its subsets from the lists: usually
// (knn.SubsetK; Subset searches the rows directly where a list runs out) or,
// with strict, always (see NeighboursNeeded).
func (e *engine) neighboursFor(methods []string, strict bool) int {
	k, kSub := 0, 0
	for _, m := range methods {
		k = max(k, e.neighbours(m))
		if m != "gride" && m != "gride-auto" && !isSkdim(m) {
			kSub = max(kSub, e.neighbours(m))
		}
	}
	if len(e.subsets) > 0 && kSub > 0 {
		if strict {
			f := float64(len(e.subsets[0])) / float64(e.n)
			kk := float64(kSub)
			k = max(k, int(math.Ceil((kk+6*math.Sqrt(kk)+6)/f)))
		} else {
			k = max(k, knn.SubsetK(e.n, len(e.subsets[0]), kSub))
		}
	}
	return k
}

// FromGraph estimates the ID from a neighbour graph g of n points in d
// dimensions computed elsewhere, such as knn.SearchColumns on a layer
// larger than memory; g.K must be at least NeighboursNeeded(n, opt). The
// rows themselves are not needed: resampling answers its subsets from the
// lists, and PC-ID comes from pca (nil if not computed); "every" leaves
// out, with a warning, the scikit-dimension methods that need the rows
// (all but mom, mada and mind-ml). Exact duplicates
// cannot be collapsed without the rows: under the default policy the points
// at distance 0 from their nearest neighbour are dropped instead, with a
// warning.
func FromGraph(g *knn.Graph, n, d int, pca *PCA, opt *Options) (*Report, error) {
	o := opt.withDefaults()
	methods, err := parseMethods(o.Method)
	if err != nil {
		return nil, err
	}
	if g.N != n {
		panic(fmt.Sprintf("estimate: FromGraph: graph of %d points, n = %d", g.N, n))
	}
	rep := &Report{N: n, Dim: d, NUsed: n, Seed: o.Seed, Warnings: []Warning{}}
	zero := 0
	for i := range g.N {
		if g.Dist[i*g.K] == 0 {
			zero++
		}
	}
	if zero > 0 && o.Duplicates == "collapse" {
		o.Duplicates = "drop"
		rep.Warnings = append(rep.Warnings, Warnf(WarnDuplicatesDropped,
			"%d points have an exact duplicate: without the rows in memory they are dropped, not collapsed", zero))
	}
	if o.Method == MethodEvery {
		var w []Warning
		methods, w = withoutRowMethods(methods)
		rep.Warnings = append(rep.Warnings, w...)
	}
	e := &engine{n: n, d: d, o: o, kopt: o.knnOptions(), g: g, pca: pca}
	if err := e.drawSubsets(); err != nil {
		return nil, err
	}
	if need := min(e.neighboursFor(methods, false), n-1); g.K < need {
		return nil, fmt.Errorf("the graph keeps %d neighbours per point, %d are needed", g.K, need)
	}
	return e.finish(rep, methods)
}

// countDropped records in rep the points the TwoNN fits leave out: under
// the "drop" policy those at distance 0 from their nearest neighbour, and
// in the paper's convention (when twonn, a TwoNN fit, runs) also those
// with r₁ = r₂, as the code of Ansuini et al. does.
func (e *engine) countDropped(rep *Report, twonn bool) {
	paper := e.o.Paper && twonn
	if (e.o.Duplicates != "drop" && !paper) || e.g == nil || e.g.K == 0 {
		return
	}
	z := 0
	for i := range e.g.N {
		r1 := e.g.Dist[i*e.g.K]
		if r1 == 0 || (paper && e.g.K > 1 && r1 == e.g.Dist[i*e.g.K+1]) {
			z++
		}
	}
	if z == 0 {
		return
	}
	rep.Dropped = z
	rep.NUsed -= z
	why := "at distance 0 from their nearest neighbour"
	if paper {
		why = "with r1 = 0 or r1 = r2 (the paper's convention)"
	}
	rep.Warnings = append(rep.Warnings, Warnf(WarnDropped,
		"dropped %d points %s: the TwoNN fits use %d of %d points", z, why, rep.NUsed, rep.N))
}

// finish runs every method on the searched engine.
func (e *engine) finish(rep *Report, methods []string) (*Report, error) {
	e.countDropped(rep, slices.Contains(methods, "twonn"))
	for _, meth := range methods {
		if meth == string(MethodDANCo) && e.o.Method == MethodEvery {
			if err := e.dancoTooLarge(); err != nil {
				e.warnings = append(e.warnings, Warnf(WarnSkipped, "danco left out of every: %v", err))
				continue
			}
		}
		res, err := e.run(meth)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", meth, err)
		}
		rep.Results = append(rep.Results, *res)
	}
	rep.Warnings = append(rep.Warnings, e.warnings...)
	return rep, nil
}

// prepare validates the options, normalises rows for the cosine metric and
// collapses duplicates, returning the engine and the report's header.
func prepare(x *cloud.Matrix, o Options) (*engine, *Report, error) {
	n, d := x.N(), x.D()
	if err := checkOptions(o); err != nil {
		return nil, nil, err
	}
	rep := &Report{N: n, Dim: d, NUsed: n, Seed: o.Seed, Warnings: []Warning{}}
	if o.ZeroRows != "" && o.ZeroRows != "drop" {
		return nil, nil, fmt.Errorf("unknown zero-rows policy %q (want drop, or empty for an error)", o.ZeroRows)
	}
	x = rescale(x)
	if o.Metric == knn.Cosine {
		y, err := knn.Normalize(x)
		var zn *knn.ZeroNormError
		if errors.As(err, &zn) && o.ZeroRows == "drop" {
			x = x.Rows(without(n, zn.Rows))
			rep.ZeroRows, rep.NUsed = len(zn.Rows), n-len(zn.Rows)
			rep.Warnings = append(rep.Warnings, Warnf(WarnZeroRows,
				"left out %d rows of zero norm (the cosine distance is undefined): %d of %d rows used", len(zn.Rows), rep.NUsed, n))
			y, err = knn.Normalize(x)
		}
		if err != nil {
			return nil, nil, err
		}
		x = y
	}
	if o.Duplicates == "collapse" && !o.Distinct {
		if keep := knn.DistinctRows(x); keep != nil {
			r := x.N() - len(keep)
			x = x.Rows(keep)
			rep.Duplicates = r
			rep.Warnings = append(rep.Warnings,
				Warnf(WarnDuplicates, "collapsed %d duplicate rows (%d distinct of %d)", r, len(keep), rep.NUsed))
			rep.NUsed = len(keep)
		}
	}
	m := rep.NUsed
	if m < 3 {
		return nil, nil, fmt.Errorf("%d distinct points of %d rows (%d duplicates, %d of zero norm): at least 3 are needed",
			m, rep.N, rep.Duplicates, rep.ZeroRows)
	}
	if m < 100 {
		rep.Warnings = append(rep.Warnings, Warnf(WarnFewPoints, "only %d points: the estimate is unreliable", m))
	}
	// Rows are already normalised for cosine: search them as Euclidean.
	e := &engine{x: x, n: m, d: d, o: o, kopt: o.knnOptions()}
	return e, rep, nil
}

// checkOptions validates the duplicates policy, the fraction and the discard.
func checkOptions(o Options) error {
	if o.Duplicates != "collapse" && o.Duplicates != "drop" && o.Duplicates != "keep" {
		return fmt.Errorf("unknown duplicates policy %q (want collapse, drop or keep)", o.Duplicates)
	}
	if o.Fraction <= 0 || o.Fraction > 1 {
		return fmt.Errorf("fraction %g outside (0, 1]", o.Fraction)
	}
	if d := *o.Discard; !(d >= 0 && d < 1) {
		return fmt.Errorf("discard %g outside [0, 1)", d)
	}
	if err := o.KStar.Check(); err != nil {
		return err
	}
	return o.Skdim.check()
}

// without returns 0..n-1 less the sorted rows drop.
func without(n int, drop []int) []int {
	keep := make([]int, 0, n-len(drop))
	for i := range n {
		if len(drop) > 0 && drop[0] == i {
			drop = drop[1:]
			continue
		}
		keep = append(keep, i)
	}
	return keep
}

// rescale returns x multiplied by a power of two 2ᵉ that brings its largest
// magnitude into [0.5, 1) when that magnitude lies outside [2⁻²⁰⁰, 2²⁰⁰]
// (only float64 data can), and x itself otherwise. Every estimator is
// invariant under scaling (the ID depends on ratios of distances, PC-ID on
// z-scores), and scaling by a power of two is exact; but squared distances
// of data near 2⁻⁵³⁰ are subnormal and lose digits (TwoNN 6.09038 instead
// of 6.09033), and those of data near 10³⁰¹ overflow, so that distinct rows
// would look like duplicates.
func rescale(x *cloud.Matrix) *cloud.Matrix {
	if x.Elem() != cloud.Float64 {
		return x
	}
	// The largest magnitude from the bits (big is NaN if a value is).
	big := math.Float64frombits(kernel.MaxAbsBits64(x.F64()))
	if big == 0 || (big >= 0x1p-200 && big <= 0x1p200) || math.IsInf(big, 0) || math.IsNaN(big) {
		return x
	}
	_, e := math.Frexp(big)
	y := make([]float64, len(x.F64()))
	for i, v := range x.F64() {
		y[i] = math.Ldexp(v, -e)
	}
	return cloud.Must64(y, x.N(), x.D())
}

// parseMethods returns the names of the methods m runs.
func parseMethods(m Method) ([]string, error) {
	if m == MethodAll {
		out := make([]string, len(Methods))
		for i, v := range Methods {
			out[i] = string(v)
		}
		return out, nil
	}
	if m == MethodEvery {
		out := make([]string, 0, len(Methods)+len(SkdimMethods))
		for _, v := range slices.Concat(Methods, SkdimMethods) {
			out = append(out, string(v))
		}
		return out, nil
	}
	if slices.Contains(Methods, m) || slices.Contains(SkdimMethods, m) || m == MethodBinomial || m == MethodGRIDEAuto {
		return []string{string(m)}, nil
	}
	return nil, fmt.Errorf("unknown method %q (want %s)", m, MethodNames)
}

// engine holds the data and the one neighbour graph shared by all methods.
type engine struct {
	x        *cloud.Matrix // nil when only the graph is known (FromGraph)
	n, d     int
	o        Options
	kopt     *knn.Options
	g        *knn.Graph
	subsets  [][]int // resampling subsets, drawn once
	blocks   [][]int // numbers of blocks of each scale analysis
	pca      *PCA    // PC-ID computed elsewhere (FromGraph)
	warnings []Warning
}

// neighbours returns the number of neighbours a method needs.
func (e *engine) neighbours(meth string) int {
	switch meth {
	case "twonn", "twonn-ml":
		return 2
	case "mle":
		return e.o.K
	case "gride":
		return e.maxRank()
	case "binomial":
		return e.o.Binomial.K
	case "gride-auto":
		return e.o.KStar.MaxK
	}
	return e.skdimNeighbours(meth)
}

// maxRank is the largest power of two ≤ min(MaxRank, n − 1).
func (e *engine) maxRank() int {
	r := 2
	for r*2 <= e.o.MaxRank && r*2 <= e.n-1 && (e.g == nil || r*2 <= e.g.K) {
		r *= 2
	}
	return r
}

// drawSubsets draws the resampling subsets, once, from the seed.
func (e *engine) drawSubsets() error {
	if e.o.Resample <= 0 {
		return nil
	}
	size := int(math.Floor(e.o.Fraction * float64(e.n)))
	if size < 3 {
		return fmt.Errorf("resampling subsets of %d points: at least 3 are needed", size)
	}
	r := rand.New(rand.NewPCG(e.o.Seed, 0x1d1d))
	for range e.o.Resample {
		rows := r.Perm(e.n)[:size]
		slices.Sort(rows)
		e.subsets = append(e.subsets, rows)
	}
	return nil
}

// search finds k neighbours of every point (capped at n − 1).
func (e *engine) search(k int) error {
	if k == 0 {
		return nil
	}
	k = min(k, e.n-1)
	g, err := knn.Search(e.x, k, e.kopt)
	e.g = g
	return err
}

func (e *engine) run(meth string) (*Result, error) {
	if isSkdim(meth) {
		return e.runSkdim(meth)
	}
	res := &Result{Method: meth}
	switch meth {
	case "gride":
		s, err := GRIDE(e.g, e.maxRank())
		if err != nil {
			return nil, err
		}
		res.Scales, res.IDs, res.Errs = s.Scales, s.IDs, s.Errs
		res.ID, res.Err = s.IDs[0], ptr(s.Errs[0])
		return res, nil
	case "gride-auto":
		start, err := e.twonn(e.g)
		if err != nil {
			return nil, err
		}
		ko := e.o.KStar
		ko.MaxK = min(ko.MaxK, e.g.K)
		if ko.MaxK < e.o.KStar.MaxK && ko.MaxK >= e.n-1 {
			// DADApy caps maxk at N − 1 too, silently: say it.
			e.warnings = append(e.warnings, Warnf(WarnKStarCapped,
				"gride-auto: maxk %d capped at %d = N − 1 (N = %d points): k* may reach nearly every point",
				e.o.KStar.MaxK, ko.MaxK, e.n))
		}
		f, err := GRIDEAuto(e.g, start, &ko)
		if err != nil {
			return nil, err
		}
		st := Summarise(f.KStar)
		res.ID, res.Err, res.KStar, res.Iterations = f.ID, ptr(f.Err), &st, f.Iterations
		return res, nil
	case "pca":
		p := e.pca
		if e.x != nil {
			var err error
			if p, err = PCID(e.x, 0.9); err != nil {
				return nil, err
			}
		} else if p == nil {
			return nil, errors.New("PC-ID needs the rows or their Gram matrix")
		}
		res.ID = float64(p.ID)
		res.Spectrum = p.Spectrum
		return res, nil
	}
	one := func(g *knn.Graph) (id, stderr, lo, hi float64, err error) {
		stderr, lo, hi = math.NaN(), math.NaN(), math.NaN()
		switch meth {
		case "twonn":
			id, err = e.twonn(g)
		case "twonn-ml":
			mu, drop := e.ratios(g)
			_ = drop
			var f *TwoNNMLFit
			if f, err = TwoNNML(mu, Confidence); err == nil {
				id, stderr, lo, hi = f.ID, f.StdErr, f.Lo, f.Hi
			}
		case "mle":
			id, err = MLE(g, e.o.K)
		case "binomial":
			var f *BinomialFit
			if f, err = Binomial(g, e.o.Binomial.K, e.o.Binomial.R); err == nil {
				id, stderr = f.ID, f.Err
			}
		}
		return
	}
	id, stderr, lo, hi, err := one(e.g)
	if err != nil {
		return nil, err
	}
	res.ID = id
	if !math.IsNaN(stderr) {
		res.Err = ptr(stderr)
	}
	if !math.IsNaN(lo) {
		res.Lo, res.Hi = ptr(lo), ptr(hi)
	}
	if len(e.subsets) > 0 {
		k := e.neighbours(meth)
		ids := make([]float64, 0, len(e.subsets))
		for _, rows := range e.subsets {
			sg, err := e.g.Subset(e.x, rows, k, e.kopt)
			if err != nil {
				return nil, err
			}
			v, _, _, _, err := one(sg)
			if err != nil {
				return nil, fmt.Errorf("resampling: %w", err)
			}
			ids = append(ids, v)
		}
		mean, std := meanStd(ids)
		res.ID, res.Err = mean, ptr(std)
		res.Lo, res.Hi = nil, nil
	}
	return res, nil
}

// ratios returns μ = r₂/r₁ of every point, without the points at r₁ = 0
// under the "drop" policy (and how many were dropped).
func (e *engine) ratios(g *knn.Graph) ([]float64, int) {
	mu := Ratios(g)
	if e.o.Duplicates != "drop" {
		return mu, 0
	}
	kept := mu[:0:0]
	for i := 0; i < g.N; i++ {
		if g.Dist[i*g.K] > 0 {
			kept = append(kept, mu[i])
		}
	}
	return kept, len(mu) - len(kept)
}

func (e *engine) twonn(g *knn.Graph) (float64, error) {
	f, err := e.twonnFit(g)
	if err != nil {
		return 0, err
	}
	return f.ID, nil
}

// twonnFit is the TwoNN fit of g under the options: the paper's convention
// or TwoNN with Discard, duplicates as the policy says.
func (e *engine) twonnFit(g *knn.Graph) (*TwoNNFit, error) {
	if e.o.Paper {
		r1 := make([]float64, g.N)
		r2 := make([]float64, g.N)
		for i := range g.N {
			r1[i], r2[i] = g.Dist[i*g.K], g.Dist[i*g.K+1]
		}
		return TwoNNPaper(r1, r2)
	}
	mu, _ := e.ratios(g)
	f, err := TwoNN(mu, *e.o.Discard)
	if err != nil {
		if errors.Is(err, ErrDuplicates) && e.o.Duplicates == "keep" {
			return nil, fmt.Errorf("%w: collapse or drop them (duplicates policy collapse or drop)", err)
		}
		return nil, err
	}
	return f, nil
}

// meanStd returns the mean and the population standard deviation (as
// numpy.std, used by Ansuini et al.).
func meanStd(v []float64) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}

func ptr(v float64) *float64 { return &v }
