package pipeline

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/tensorio"
)

// MetricError reports a metric other than the Euclidean one asked of
// precomputed neighbour lists (Lists) or a distance matrix, which fix the
// distance already.
type MetricError struct {
	Path  string
	Lists bool
}

func (e *MetricError) Error() string {
	if e.Lists {
		return e.Path + ": the neighbour lists fix the distance already: a metric does not apply"
	}
	return e.Path + ": the distance matrix fixes the distance already: a metric does not apply"
}

// EstimateNeighbours estimates the ID from precomputed neighbour lists:
// path is an .npz file with arrays "distances" and "indices", both N × k,
// as scikit-learn's NearestNeighbors.kneighbors(X) returns them (column 0
// the point itself), or without the self column when lists.NoSelf is set
// (FAISS-style). The lists are validated (knn.FromLists) and the methods
// that the lists suffice for give the estimates of the points themselves
// (estimate.FromLists); the others are refused by name. Errors begin with
// path.
func EstimateNeighbours(path string, lists *knn.ListsOptions, opt *Options) (*estimate.Report, error) {
	eo := opt.estimate()
	if eo.Metric != knn.Euclidean {
		return nil, &MetricError{Path: path, Lists: true}
	}
	read := func(name string) (*tensorio.Array, error) {
		arrays, err := tensorio.OpenWith(path+":"+name, tensorio.Options{MaxBytes: opt.budget()})
		if err != nil {
			return nil, err
		}
		a := arrays[0]
		if len(a.Shape) != 2 {
			return nil, fmt.Errorf("%s: array %q has shape %s, want N × k", path, name, formatShape(a.Shape))
		}
		return a, nil
	}
	da, err := read("distances")
	if err != nil {
		return nil, err
	}
	defer da.Close()
	ia, err := read("indices")
	if err != nil {
		return nil, err
	}
	defer ia.Close()
	if !slices.Equal(da.Shape, ia.Shape) {
		return nil, fmt.Errorf("%s: distances have shape %s, indices %s: want the same N × k", path, formatShape(da.Shape), formatShape(ia.Shape))
	}
	if ia.Data32 != nil || ia.DType == "bool" {
		return nil, fmt.Errorf("%s: indices are %s, want integers", path, ia.DType)
	}
	n, k := da.Shape[0], da.Shape[1]
	if err := opt.check(n); err != nil {
		return nil, err
	}
	idx := make([]int64, len(ia.Data))
	for i, v := range ia.Data {
		if v != math.Trunc(v) || math.Abs(v) > 1<<62 {
			return nil, fmt.Errorf("%s: indices: element %d is %v, not an integer", path, i, v)
		}
		idx[i] = int64(v)
	}
	g, err := knn.FromLists(idx, da.Float64(), n, k, lists)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rep, err := estimate.FromLists(g, &eo)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rep.Input = path
	return rep, nil
}

// EstimateDistances estimates the ID from an N × N distance matrix (spec:
// FILE or FILE:NAME, any array type): finite, non-negative, symmetric,
// zero on the diagonal (knn.CheckMatrix). Under the default duplicates
// policy the points at distance 0 from an earlier one are collapsed, as
// equal rows are; then each point's neighbours are taken from the matrix,
// as many as the methods need (estimate.NeighboursNeeded; every other point
// when resampling needs it), and the estimates are those of the points
// (estimate.FromLists; pca is refused). Errors begin with the file.
func EstimateDistances(spec string, opt *Options) (*estimate.Report, error) {
	eo := opt.estimate()
	if eo.Metric != knn.Euclidean {
		return nil, &MetricError{Path: spec}
	}
	a, err := tensorio.OpenMatrixWith(spec, tensorio.Options{MaxBytes: opt.budget()})
	if err != nil {
		return nil, err
	}
	defer a.Close()
	name := spec
	if a.Source != "" {
		name = a.Source
	}
	if len(a.Shape) != 2 || a.Shape[0] != a.Shape[1] {
		return nil, fmt.Errorf("%s: shape %s, want a square N × N distance matrix", name, formatShape(a.Shape))
	}
	n := a.Shape[0]
	if err := opt.check(n); err != nil {
		return nil, err
	}
	d := a.Float64()
	if err := knn.CheckMatrix(d, n); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var keep []int
	removed := 0
	if eo.Duplicates == "" || eo.Duplicates == "collapse" {
		keep, removed = knn.MatrixDuplicates(d, n)
	}
	m := n - removed
	if m < 3 {
		return nil, fmt.Errorf("%s: %d distinct points: at least 3 are needed", name, m)
	}
	k, err := estimate.NeighboursNeeded(m, &eo)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	k = min(max(k, 2), m-1)
	fits := func(k int) bool { return 12*float64(m)*float64(k) <= float64(opt.mem()) }
	if !fits(k) {
		return nil, fmt.Errorf("%s: lists of %d neighbours for %d points need %d bytes, more than the memory budget of %d", name, k, m, 12*m*k, opt.mem())
	}
	rep, err := estimate.FromLists(knn.FromMatrix(d, n, keep, k), &eo)
	if errors.Is(err, knn.ErrShortLists) && k < m-1 && fits(m-1) {
		// Resampling: some subset needs more of a list; take whole rows.
		rep, err = estimate.FromLists(knn.FromMatrix(d, n, keep, m-1), &eo)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if removed > 0 {
		rep.N, rep.Duplicates = n, removed
		rep.Warnings = append([]estimate.Warning{estimate.Warnf(estimate.WarnDuplicates, "collapsed %d duplicate points (at distance 0; %d distinct of %d)", removed, m, n)}, rep.Warnings...)
	}
	rep.Input = name
	return rep, nil
}

// formatShape writes a shape as 3×4.
func formatShape(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = strconv.Itoa(v)
	}
	return "(" + strings.Join(parts, "×") + ")"
}
