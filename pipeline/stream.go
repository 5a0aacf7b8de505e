package pipeline

import (
	"errors"
	"fmt"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/profile"
)

// errNeedRows is returned by estimateStreamed when the streamed graph
// cannot give the loaded result and the file fits in memory.
var errNeedRows = errors.New("the rows are needed")

// estimateStreamed estimates a .npy layer from one streamed pass over its
// columns: the neighbour graph (and the Gram matrix of the z-scored columns
// for PC-ID), the estimators working from those alone. Where the result
// would differ from the loaded one (exact duplicates under the collapse
// policy, subsets the lists cannot answer) it returns errNeedRows when
// loading fits in mem, and otherwise the graph's answer with a warning.
func estimateStreamed(path string, p plan, mem int64, opt *estimate.Options, pca bool) (*estimate.Report, *int, error) {
	rep, pcid, _, err := estimateStreamedGraph(path, p, mem, opt, pca, 0)
	return rep, pcid, err
}

// estimateStreamedGraph is estimateStreamed searching at least keepK
// neighbours (the profile keeps them for the overlap and the imbalance),
// and returns the graph with the report.
func estimateStreamedGraph(path string, p plan, mem int64, opt *estimate.Options, pca bool, keepK int) (*estimate.Report, *int, *knn.Graph, error) {
	search := func(k int, kopt *knn.Options) (*knn.FileSearch, error) {
		return SearchFile(path, max(k, keepK), kopt, mem, pca)
	}
	var g *knn.Graph
	rep, pcid, err := streamEstimate(path, search, p, mem, opt, pca, &g)
	return rep, pcid, g, err
}

// streamEstimate is estimateStreamed with the search given: a file's
// (SearchFile) or points' in memory (knn.SearchColumns over their rows).
// When graph is not nil, *graph is set to the searched graph on success.
func streamEstimate(path string, search func(k int, kopt *knn.Options) (*knn.FileSearch, error), p plan, mem int64, opt *estimate.Options, pca bool, graph **knn.Graph) (*estimate.Report, *int, error) {
	if p.n < 3 {
		return nil, nil, fmt.Errorf("%s: %d rows: at least 3 points are needed", path, p.n)
	}
	k, err := estimate.NeighboursNeeded(p.n, opt)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	fits := p.fits
	fsr, err := search(max(k, 1), &knn.Options{Metric: opt.Metric, Threads: opt.Threads, Search: opt.Search})
	var zn *knn.ZeroNormError
	if errors.As(err, &zn) && opt.ZeroRows == "drop" {
		// Rows of zero norm are left out of the loaded layer only.
		if fits {
			return nil, nil, errNeedRows
		}
		return nil, nil, fmt.Errorf("%s: %w; they cannot be left out of a layer streamed from disk (it does not fit in the memory budget)", path, err)
	}
	if errors.Is(err, knn.ErrExtremeScale) {
		// The loaded layer is rescaled by a power of two first.
		if fits {
			return nil, nil, errNeedRows
		}
		return nil, nil, fmt.Errorf("%w; it does not fit in the memory budget to be loaded: give a larger budget or rescale the data", err)
	}
	if err != nil {
		return nil, nil, err
	}
	if !fsr.Streamed {
		return nil, nil, errNeedRows // knn loaded it after all: estimate the rows
	}
	if fits && (opt.Duplicates == "" || opt.Duplicates == "collapse") && hasZero(fsr.Graph) {
		return nil, nil, errNeedRows
	}
	var pc *estimate.PCA
	var pcid *int
	if pca {
		if pc, err = estimate.PCIDGram(fsr.ZGram, fsr.N, fsr.ZDim, 0.9); err != nil {
			return nil, nil, fmt.Errorf("%s: pc-id: %w", path, err)
		}
		v := pc.ID
		pcid = &v
	}
	rep, err := estimate.FromGraph(fsr.Graph, fsr.N, fsr.D, pc, opt)
	if err != nil {
		if fits && errors.Is(err, knn.ErrShortLists) {
			return nil, nil, errNeedRows
		}
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	rep.Input = path
	if graph != nil {
		*graph = fsr.Graph
	}
	if !fits {
		rep.Warnings = append(rep.Warnings, estimate.Warnf(estimate.WarnStreamed, "streamed from disk: %d×%d does not fit in the memory budget of %d bytes", fsr.N, fsr.D, mem))
	}
	return rep, pcid, nil
}

// hasZero reports whether some point's nearest neighbour is at distance 0.
func hasZero(g *knn.Graph) bool {
	for i := range g.N {
		if g.Dist[i*g.K] == 0 {
			return true
		}
	}
	return false
}

// memColumns is points in memory as a knn.ColumnSource: column blocks are
// read from the rows in place, so streaming them holds only the blocks.
type memColumns struct{ x *cloud.Matrix }

func (c memColumns) Dims() (n, d int) { return c.x.N(), c.x.D() }

func (c memColumns) ReadColumns(c0, c1 int, dst []float64) error {
	n, d, w := c.x.N(), c.x.D(), c1-c0
	if c0 < 0 || c1 > d || c0 > c1 || len(dst) != n*w {
		return fmt.Errorf("columns [%d, %d) of %d×%d into %d values", c0, c1, n, d, len(dst))
	}
	if c.x.Elem() == cloud.Float32 {
		v := c.x.F32()
		for i := range n {
			row, out := v[i*d+c0:i*d+c1], dst[i*w:(i+1)*w]
			for j, f := range row {
				out[j] = float64(f)
			}
		}
		return nil
	}
	v := c.x.F64()
	for i := range n {
		copy(dst[i*w:(i+1)*w], v[i*d+c0:i*d+c1])
	}
	return nil
}

// estimatePointsStreamed estimates points in memory that knn.Streams would
// stream from a file (wide ones) by the same streamed search over their
// columns, which holds the column blocks only, not a packed copy of the
// rows (knn.Search's). errNeedRows (the streamed lists cannot give the
// loaded result) means: estimate the rows.
func estimatePointsStreamed(name string, x *cloud.Matrix, mem int64, opt *estimate.Options, pca bool) (*estimate.Report, *int, error) {
	search := func(k int, kopt *knn.Options) (*knn.FileSearch, error) {
		res, err := knn.SearchColumns(memColumns{x}, k, kopt, mem, pca)
		if err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
		return res, nil
	}
	p := plan{stream: true, n: x.N(), d: x.D(), elem: x.Elem().Size(), fits: true}
	rep, pcid, err := streamEstimate(name, search, p, mem, opt, pca, nil)
	if err != nil {
		return nil, nil, err
	}
	rep.Input = name
	return rep, pcid, nil
}

// streamsPoints reports whether points in memory are searched streamed
// (estimatePointsStreamed): when knn.StreamsSampled would stream them from
// a file.
func streamsPoints(x *cloud.Matrix, mem int64, pca bool, search knn.SearchMode) bool {
	streams, _ := streamsPointsSampled(x, mem, pca, search)
	return streams
}

// streamsPointsSampled is streamsPoints with the verdict of
// knn.StreamsSampled's sample test (nil when none ran), for the search of
// the rows when they are not streamed (estimate.Options.Sampled).
func streamsPointsSampled(x *cloud.Matrix, mem int64, pca bool, search knn.SearchMode) (bool, *knn.SampleTest) {
	if x.N() < 3 {
		return false, nil
	}
	streams, sampled, _ := knn.StreamsSampled(x.N(), x.D(), x.Elem().Size(), mem, pca, search, func(idx []int) (*cloud.Matrix, error) {
		return gather(x, idx)
	})
	return streams, sampled
}

// AddPoints adds the layer l of points in memory to b (profile.Builder.Add)
// under opt's memory budget: a wide layer that knn.Streams would stream
// from a file is searched streamed over its columns in place, with the
// same estimate and PC-ID, holding the column blocks instead of a packed
// copy of the rows (not when b keeps graphs for the overlap: the rows are
// searched in memory then). A failure is in the profile with Add's error.
func AddPoints(b *profile.Builder, l profile.Layer, opt *Options) {
	x := l.Points
	if x != nil && b.OverlapK() == 0 && streamsPoints(x, opt.mem(), b.PCA(), b.Options().Search) && x.Finite() == nil {
		o := b.Options()
		rep, pcid, err := estimatePointsStreamed(l.Name, x, opt.mem(), &o, b.PCA())
		if err == nil {
			b.AddReport(l.Name, l.Depth, rep, pcid)
			return
		}
		// Otherwise the rows: the in-memory search, or Add's own error.
	}
	b.Add(l) // a failure is in the profile
}
