package estimate

import (
	"errors"
	"fmt"
	"slices"

	"github.com/intdim/intdim/knn"
)

// FromLists estimates the ID from neighbour lists alone, with neither rows
// nor dimension: g holds every point's K nearest others (knn.FromLists
// builds it from scikit-learn or FAISS output, knn.FromMatrix from a
// distance matrix), sorted by distance with ties broken by the smaller
// index, as knn.Search sorts them. The estimates then equal those of
// Points on the rows for every method the lists suffice for:
//
//   - twonn, twonn-ml and the paper's TwoNN need 2 neighbours, mle K;
//   - gride runs up to the largest power of two n₂ ≤ min(MaxRank, K)
//     (with a warning when the rows would have allowed more);
//   - resampling finds each subset's neighbours inside the lists
//     (knn.Graph.Subset) and fails, wrapping knn.ErrShortLists, where a
//     list runs out;
//   - pca needs the rows and is refused; "all" runs the other methods,
//     with a warning; "every" also leaves out, with a warning, the
//     scikit-dimension methods that need the rows (all but mom, mada and
//     mind-ml).
//
// Duplicates are the points at distance 0: under the default policy each
// group joined by zero distances is collapsed to its first point, as Points
// collapses equal rows (the lists lose the entries of the removed points);
// a group the lists do not show whole is dropped instead, with a warning.
// Report.Dim is 0 (unknown).
func FromLists(g *knn.Graph, opt *Options) (*Report, error) {
	o := opt.withDefaults()
	if err := checkOptions(o); err != nil {
		return nil, err
	}
	if o.Method == "pca" {
		return nil, errors.New("pca needs the rows (PC-ID is a PCA of the points): neighbour lists cannot give it")
	}
	methods, err := parseMethods(o.Method)
	if err != nil {
		return nil, err
	}
	n := g.N
	rep := &Report{N: n, NUsed: n, Seed: o.Seed, Warnings: []Warning{}}
	if o.Method == "all" || o.Method == MethodEvery {
		methods = slices.DeleteFunc(slices.Clone(methods), func(m string) bool { return m == "pca" })
		rep.Warnings = append(rep.Warnings, Warning{WarnPCALeftOut, "pca left out: PC-ID needs the rows, not neighbour lists"})
	}
	if o.Method == MethodEvery {
		var w []Warning
		methods, w = withoutRowMethods(methods)
		rep.Warnings = append(rep.Warnings, w...)
	}
	if o.Duplicates == "collapse" {
		cg, keep, removed := knn.CollapseZeros(g)
		if removed > 0 {
			g = cg
			rep.Duplicates, rep.NUsed = removed, len(keep)
			rep.Warnings = append(rep.Warnings,
				Warnf(WarnDuplicates, "collapsed %d duplicate points (at distance 0; %d distinct of %d)", removed, len(keep), n))
		}
		if hasZero(g) {
			o.Duplicates = "drop"
			rep.Warnings = append(rep.Warnings, Warning{WarnDuplicatesDropped,
				"some points are at distance 0 from a point their lists do not show whole: they are dropped, not collapsed"})
		}
	}
	m := g.N
	if m < 3 {
		return nil, fmt.Errorf("%d distinct points: at least 3 are needed", m)
	}
	if m < 100 {
		rep.Warnings = append(rep.Warnings, Warnf(WarnFewPoints, "only %d points: the estimate is unreliable", m))
	}
	e := &engine{n: m, o: o, kopt: o.knnOptions(), g: g}
	for _, meth := range methods {
		if meth == "mle" && o.K > m-1 {
			return nil, fmt.Errorf("mle: k = %d needs more than %d points", o.K, m)
		}
		need := min(e.neighbours(meth), m-1)
		if meth == "gride" {
			need = 2
		}
		if g.K < need {
			if meth == "mle" {
				return nil, &ShortListsError{Method: meth, K: o.K, Need: need, Have: g.K}
			}
			return nil, &ShortListsError{Method: meth, Need: need, Have: g.K}
		}
	}
	if slices.Contains(methods, "gride") {
		full := 2
		for full*2 <= o.MaxRank && full*2 <= m-1 {
			full *= 2
		}
		if r := e.maxRank(); r < full {
			rep.Warnings = append(rep.Warnings, Warnf(WarnShortLists,
				"gride stops at rank %d: the lists hold %d neighbours per point, the rows would allow rank %d", r, g.K, full))
		}
	}
	if err := e.drawSubsets(); err != nil {
		return nil, err
	}
	rep, err = e.finish(rep, methods)
	if errors.Is(err, knn.ErrShortLists) {
		return nil, fmt.Errorf("%w: resampling subsets of %.3g of the points need longer lists than %d neighbours", err, o.Fraction, g.K)
	}
	return rep, err
}

// hasZero reports whether some point's nearest neighbour is at distance 0.
func hasZero(g *knn.Graph) bool {
	for i := range g.N {
		if g.K > 0 && g.Dist[i*g.K] == 0 {
			return true
		}
	}
	return false
}

// ShortListsError reports neighbour lists shorter than a method needs:
// Need neighbours per point, Have in the lists. For mle, K is its k
// (Options.K), which lists of Have neighbours allow down to Have.
type ShortListsError struct {
	Method     string
	K          int
	Need, Have int
}

func (e *ShortListsError) Error() string {
	if e.K > 0 {
		return fmt.Sprintf("%s: k = %d needs %d neighbours per point, the lists hold %d", e.Method, e.K, e.Need, e.Have)
	}
	return fmt.Sprintf("%s needs %d neighbours per point, the lists hold %d", e.Method, e.Need, e.Have)
}
