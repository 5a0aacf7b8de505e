package pipeline

import (
	"fmt"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/geometry"
	"github.com/intdim/intdim/knn"
)

// The measures of package geometry and the pointwise IDs on sources: each
// source read (Spec) or taken (Points) whole, under opt.Estimate.Metric
// (cosine: rows normalised, as knn does), and searched once.

// geoSource is one source read for geometry: its points under the metric
// (unit rows for cosine) and its neighbour graph.
type geoSource struct {
	name    string
	x       *cloud.Matrix
	g       *knn.Graph
	release func()
}

// searchSource reads src (a file per opt's token mode, or points in
// memory) and searches k neighbours; with clamp, at most N − 1. Errors
// begin with the source's name.
func searchSource(src Source, k int, clamp bool, opt *Options) (*geoSource, error) {
	return searchSourceMore(src, k, clamp, opt, nil)
}

// searchSourceMore is searchSource with more(x) neighbours added to k
// (at most N − 1 in all), x the points as searched; more may be nil.
func searchSourceMore(src Source, k int, clamp bool, opt *Options, more func(x *cloud.Matrix) int) (*geoSource, error) {
	name := src.name()
	x, release := src.Points, func() {}
	if x == nil {
		var err error
		if x, release, _, err = load(src.Spec, opt); err != nil {
			return nil, err
		}
	} else if err := x.Finite(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &geoSource{name: name, x: x, release: release}
	if clamp {
		k = min(k, x.N()-1)
	}
	if k > x.N()-1 {
		release()
		return nil, fmt.Errorf("%s: %d points, too few for k = %d neighbours (need k < N)", name, x.N(), k)
	}
	eo := opt.estimate()
	if eo.Metric == knn.Cosine {
		var err error
		if s.x, err = knn.Normalize(x); err != nil {
			release()
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if more != nil {
		k = min(k+more(s.x), s.x.N()-1)
	}
	g, err := knn.Search(s.x, k, &knn.Options{Threads: eo.Threads, Search: eo.Search})
	if err != nil {
		release()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.g = g
	return s, nil
}

// searchPair reads two representations of the same points.
func searchPair(a, b Source, k int, clamp bool, opt *Options) (*geoSource, *geoSource, error) {
	ga, err := searchSource(a, k, clamp, opt)
	if err != nil {
		return nil, nil, err
	}
	gb, err := searchSource(b, k, clamp, opt)
	if err != nil {
		ga.release()
		return nil, nil, err
	}
	if ga.x.N() != gb.x.N() {
		ga.release()
		gb.release()
		return nil, nil, fmt.Errorf("%s has %d points, %s has %d: not representations of the same points", ga.name, ga.x.N(), gb.name, gb.x.N())
	}
	return ga, gb, nil
}

// OverlapResult is what Overlap measures: the neighbourhood overlap of two
// representations (nil with one) and the label overlap of the first (nil
// without labels), at K neighbours of N points.
type OverlapResult struct {
	N, K                   int
	Overlap                *float64
	LabelOverlap           *float64 // class-weighted (geometry.LabelOverlap)
	LabelOverlapUnweighted *float64 // the mean over points
	NClasses               int
}

// Overlap measures, at k neighbours, the neighbourhood overlap of a and b
// (geometry.Overlap; b nil: none) and, with labels (one per point of a;
// opt.LabelsFrom names them in errors), a's label overlap
// (geometry.LabelOverlap). Each source is searched once.
func Overlap(a Source, b *Source, labels []int, k int, opt *Options) (*OverlapResult, error) {
	if k < 1 {
		return nil, fmt.Errorf("k = %d: need at least 1", k)
	}
	if b == nil && labels == nil {
		return nil, fmt.Errorf("%s: one representation needs labels (label overlap)", a.name())
	}
	res := &OverlapResult{K: k}
	var ga *geoSource
	var err error
	if b != nil {
		var gb *geoSource
		if ga, gb, err = searchPair(a, *b, k, false, opt); err != nil {
			return nil, err
		}
		defer gb.release()
		v, err := geometry.Overlap(ga.g, gb.g, k)
		if err != nil {
			ga.release()
			return nil, err
		}
		res.Overlap = &v
	} else if ga, err = searchSource(a, k, false, opt); err != nil {
		return nil, err
	}
	defer ga.release()
	res.N = ga.x.N()
	if labels != nil {
		if len(labels) != res.N {
			from := "labels"
			if opt != nil && opt.LabelsFrom != "" {
				from = opt.LabelsFrom
			}
			return nil, fmt.Errorf("%s: %d labels, but %s has %d points", from, len(labels), ga.name, res.N)
		}
		w, u, err := geometry.LabelOverlap(ga.g, labels, k)
		if err != nil {
			return nil, err
		}
		res.LabelOverlap, res.LabelOverlapUnweighted = &w, &u
		res.NClasses = Classes(labels)
	}
	return res, nil
}

// ImbalanceK is the number of neighbours Imbalance searches: ranks are read
// from lists this long where they reach and counted over the rows
// otherwise (geometry.Ranks); the result does not depend on it.
const ImbalanceK = 30

// ImbalanceResult is what Imbalance measures on N points: Δ(A→B), Δ(B→A).
type ImbalanceResult struct {
	N                int
	DeltaAB, DeltaBA float64
}

// Imbalance measures the information imbalances Δ(a→b) and Δ(b→a)
// (geometry.Imbalance, rank 1) of two representations of the same points.
func Imbalance(a, b Source, opt *Options) (*ImbalanceResult, error) {
	ga, gb, err := searchPair(a, b, ImbalanceK, true, opt)
	if err != nil {
		return nil, err
	}
	defer ga.release()
	defer gb.release()
	res := &ImbalanceResult{N: ga.x.N()}
	if res.DeltaAB, err = geometry.Imbalance(ga.g, gb.g, gb.x); err != nil {
		return nil, err
	}
	if res.DeltaBA, err = geometry.Imbalance(gb.g, ga.g, ga.x); err != nil {
		return nil, err
	}
	return res, nil
}

// Local returns the ID of every point of src from its k nearest neighbours
// by the pointwise method (estimate.Local; duplicates kept: a duplicate
// neighbour gives 0 or a non-finite value, as the method says).
//
// The search is one: mada, whose neighbours are the k nearest at a nonzero
// distance, searches k + z neighbours at once, z the most duplicates of
// one point (at most k, as estimate.Local extends the lists).
func Local(src Source, k int, method estimate.Method, so estimate.SkdimOptions, opt *Options) ([]float64, error) {
	s, err := searchSourceMore(src, k, false, opt, localMore(method, k))
	if err != nil {
		return nil, err
	}
	defer s.release()
	var ids []float64
	if method == estimate.MethodMADA && madaServed(s.g, k) {
		ids, err = estimate.MADAPoints(s.g, k)
	} else {
		ids, err = estimate.Local(s.x, s.g, method, k, so, opt.estimate().Threads)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", s.name, method, err)
	}
	return ids, nil
}

// localMore returns the neighbours Local searches beyond k for method
// (nil: none): for mada, the most duplicates of one point, at most k.
func localMore(method estimate.Method, k int) func(*cloud.Matrix) int {
	if method != estimate.MethodMADA {
		return nil
	}
	return func(x *cloud.Matrix) int { return min(mostDuplicates(x), k) }
}

// madaServed reports whether g holds every list that estimate.Local's
// mada would search again for: k plus the zeros at the head of a list (at
// most k) fit in g.K, or the lists hold every other point already.
func madaServed(g *knn.Graph, k int) bool {
	return k >= 2 && k <= g.K && (k+min(g.MaxZeros(), k) <= g.K || g.K == g.N-1)
}

// mostDuplicates returns the most rows of x that duplicate one other row:
// the largest count of equal rows, less one.
func mostDuplicates(x *cloud.Matrix) int {
	m := 1
	for _, c := range knn.FindDuplicates(x).Count {
		m = max(m, c)
	}
	return m - 1
}
