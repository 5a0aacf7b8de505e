package profile

import (
	"errors"
	"fmt"
	"math"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
)

// Builder estimates layers one at a time, so that a caller can free each
// layer's activations before producing the next.
type Builder struct {
	opt    estimate.Options
	pca    bool
	layers []LayerResult
	// overlapK, labels and graphs: see Overlap; graphs[i] is layer i's
	// neighbour graph cut to overlapK, nil where none was kept.
	overlapK int
	labels   []int
	graphs   []*knn.Graph
	// imbalance and rows: see Imbalance.
	imbalance bool
	rows      Rows
}

// New returns a Builder that estimates every layer with opt (nil means the
// defaults: TwoNN). opt.Method must name a single method other than pca;
// the PC-ID of every layer is computed too unless SkipPCA is called.
func New(opt *estimate.Options) *Builder {
	b := &Builder{pca: true}
	if opt != nil {
		b.opt = *opt
	}
	if b.opt.Method == "" {
		b.opt.Method = "twonn"
	}
	return b
}

// checkMethod refuses the methods that are not one ID.
func (b *Builder) checkMethod() error {
	switch b.opt.Method {
	case "pca", "all":
		return fmt.Errorf("profile: method %q: a profile takes one ID method (twonn, twonn-ml, gride, mle, binomial, gride-auto or a scikit-dimension estimator)", b.opt.Method)
	}
	return nil
}

// SkipPCA turns off the PC-ID of every layer (it costs an N×N or D×D
// eigen-decomposition per layer).
func (b *Builder) SkipPCA() { b.pca = false }

// Add estimates one layer and appends it to the profile. A layer that
// cannot be estimated (too few distinct points, constant, zero-norm rows
// under the cosine metric, …) is appended as failed, with its error, and
// the error is returned: the caller may go on with the next layer.
func (b *Builder) Add(l Layer) error { return b.AddSearched(l, nil) }

// Search finds the neighbours of a layer's prepared rows: the graph of
// p.K() neighbours of every row of p.Rows(), as
// knn.Search(p.Rows(), p.K(), p.SearchOptions()) returns it. It is called
// for every layer that gets as far as its search; when p.K() is 0 no graph
// is needed and it returns nil.
type Search func(p *estimate.Prepared) (*knn.Graph, error)

// AddSearched is Add with the neighbour search done by search (nil: a
// knn.Search in this process), so that a search cut into pieces run
// elsewhere (intdim plan, run-task, merge) gives the layer Add would. An
// error of search makes the layer failed, as any other. It cannot be
// combined with Overlap.
func (b *Builder) AddSearched(l Layer, search Search) error {
	if search != nil && b.overlapK > 0 {
		panic("profile: AddSearched with a search of its own and the overlap")
	}
	if err := b.checkMethod(); err != nil {
		return err
	}
	n, d := 0, 0
	if l.Points != nil {
		n, d = l.Points.N(), l.Points.D()
	}
	fail := func(err error) error {
		b.AddFailed(l.Name, l.Depth, n, d, err)
		return fmt.Errorf("layer %s: %w", l.Name, err)
	}
	if l.Points == nil || n < 3 || d < 1 {
		return fail(fmt.Errorf("%d×%d: need at least 3 points of at least 1 dimension", n, d))
	}
	if l.Checked {
		// Checked before: no estimator scans the values again
		// (PC-ID's z-scores check them too).
		l.Points.MarkFinite()
	} else if err := l.Points.Finite(); err != nil {
		return fail(err)
	}
	var rep *estimate.Report
	var g *knn.Graph
	var err error
	if b.KeepK() > 0 {
		rep, g, err = b.searchOnce(l)
	} else if search == nil {
		rep, err = estimate.Points(l.Points, &b.opt)
	} else {
		rep, err = searchWith(l, &b.opt, search)
	}
	if err != nil {
		return fail(err)
	}
	var pcid *int
	var warn []estimate.Warning
	if b.pca {
		o := b.opt
		o.Method, o.Resample = "pca", 0
		o.Distinct = o.Distinct || l.Checked
		p, err := estimate.Points(l.Points, &o)
		if err != nil {
			warn = append(warn, estimate.Warning{Code: estimate.WarnPCID, Msg: "pc-id: " + err.Error()})
		} else {
			v := int(p.Results[0].ID)
			pcid = &v
		}
	}
	b.AddReport(l.Name, l.Depth, rep, pcid)
	b.graphs[len(b.graphs)-1] = g
	last := &b.layers[len(b.layers)-1]
	last.Warnings = append(last.Warnings, warn...)
	return nil
}

// PCA reports whether the builder computes the PC-ID of every layer.
func (b *Builder) PCA() bool { return b.pca }

// Options returns the estimator options of the builder.
func (b *Builder) Options() estimate.Options { return b.opt }

// AddReport appends a layer estimated elsewhere (for instance with
// estimate.FromGraph on a layer streamed from disk): its ID is
// rep.Results[0], pcid its PC-ID (nil if not computed).
func (b *Builder) AddReport(name string, depth *float64, rep *estimate.Report, pcid *int) {
	r := rep.Results[0]
	b.layers = append(b.layers, LayerResult{
		Name: name, Index: len(b.layers), Depth: depth, N: rep.N, Dim: rep.Dim,
		NUsed: rep.NUsed, Duplicates: rep.Duplicates, Dropped: rep.Dropped, ZeroRows: rep.ZeroRows,
		ID: r.ID, Err: r.Err, PCID: pcid, Warnings: append([]estimate.Warning{}, rep.Warnings...), KStar: r.KStar,
	})
	b.graphs = append(b.graphs, nil)
}

// AddFailed appends a layer of n points in d dimensions that could not be
// estimated: its ID is NaN and its Error err.
func (b *Builder) AddFailed(name string, depth *float64, n, d int, err error) {
	b.layers = append(b.layers, LayerResult{
		Name: name, Index: len(b.layers), Depth: depth, N: n, Dim: d,
		ID: math.NaN(), Warnings: []estimate.Warning{}, Error: err.Error(), Cause: err,
	})
	b.graphs = append(b.graphs, nil)
}

// Profile returns the profile of the layers added so far, with relative
// depths: index/(layers − 1), or depth/(largest depth) when every layer
// has a depth.
func (b *Builder) Profile() *Profile {
	p := &Profile{Method: string(b.opt.Method), Seed: b.opt.Seed, Layers: append([]LayerResult(nil), b.layers...)}
	allDepth, maxDepth := true, 0.0
	for _, l := range p.Layers {
		if l.Depth == nil {
			allDepth = false
		} else {
			maxDepth = max(maxDepth, *l.Depth)
		}
	}
	for i := range p.Layers {
		l := &p.Layers[i]
		switch {
		case allDepth && maxDepth > 0:
			l.RelDepth = *l.Depth / maxDepth
		case len(p.Layers) > 1:
			l.RelDepth = float64(i) / float64(len(p.Layers)-1)
		}
		if l.Warnings == nil {
			l.Warnings = []estimate.Warning{}
		}
	}
	b.overlaps(p)
	b.imbalances(p)
	return p
}

// Run estimates every layer in order. Layers that cannot be estimated are
// in the profile as failed, and their errors are joined in the error
// returned with it.
func Run(layers []Layer, opt *estimate.Options) (*Profile, error) {
	b := New(opt)
	if err := b.checkMethod(); err != nil {
		return nil, err
	}
	var errs []error
	for _, l := range layers {
		if err := b.Add(l); err != nil {
			errs = append(errs, err)
		}
	}
	return b.Profile(), errors.Join(errs...)
}

// searchWith is estimate.Points with the search done by search.
func searchWith(l Layer, opt *estimate.Options, search Search) (*estimate.Report, error) {
	if l.Checked {
		o := *opt
		o.Distinct = true
		opt = &o
	}
	p, err := estimate.Prepare(l.Points, opt)
	if err != nil {
		return nil, err
	}
	g, err := search(p)
	if err != nil {
		return nil, err
	}
	if p.K() > 0 && (g == nil || g.N != p.Rows().N() || g.K != p.K()) {
		return nil, fmt.Errorf("the search gave no graph of %d rows, %d neighbours", p.Rows().N(), p.K())
	}
	return p.Finish(g)
}
