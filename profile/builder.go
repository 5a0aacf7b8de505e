package profile

import (
	"fmt"

	"github.com/intdim/intdim/estimate"
)

// Builder estimates layers one at a time, so that a caller can free each
// layer's activations before producing the next.
type Builder struct {
	opt    estimate.Options
	pca    bool
	layers []LayerResult
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

// SkipPCA turns off the PC-ID of every layer (it costs an N×N or D×D
// eigen-decomposition per layer).
func (b *Builder) SkipPCA() { b.pca = false }

// Add estimates one layer and appends it to the profile.
func (b *Builder) Add(l Layer) error {
	switch b.opt.Method {
	case "pca", "all":
		return fmt.Errorf("profile: method %q: a profile takes one ID method (twonn, twonn-ml, gride or mle)", b.opt.Method)
	}
	if l.Points == nil || l.Points.N() < 3 || l.Points.D() < 1 {
		n, d := 0, 0
		if l.Points != nil {
			n, d = l.Points.N(), l.Points.D()
		}
		return fmt.Errorf("layer %s: %d×%d: need at least 3 points of at least 1 dimension", l.Name, n, d)
	}
	if err := l.Points.Finite(); err != nil {
		return fmt.Errorf("layer %s: %w", l.Name, err)
	}
	rep, err := estimate.Points(l.Points, &b.opt)
	if err != nil {
		return fmt.Errorf("layer %s: %w", l.Name, err)
	}
	var pcid *int
	var warn []string
	if b.pca {
		o := b.opt
		o.Method, o.Resample = "pca", 0
		p, err := estimate.Points(l.Points, &o)
		if err != nil {
			warn = append(warn, "pc-id: "+err.Error())
		} else {
			v := int(p.Results[0].ID)
			pcid = &v
		}
	}
	b.AddReport(l.Name, l.Depth, rep, pcid)
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
		ID: r.ID, Err: r.Err, PCID: pcid, Warnings: append([]string{}, rep.Warnings...),
	})
}

// Profile returns the profile of the layers added so far, with relative
// depths: index/(layers − 1), or depth/(largest depth) when every layer
// has a depth.
func (b *Builder) Profile() *Profile {
	p := &Profile{Method: b.opt.Method, Seed: b.opt.Seed, Layers: append([]LayerResult(nil), b.layers...)}
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
			l.Warnings = []string{}
		}
	}
	return p
}

// Run estimates every layer in order.
func Run(layers []Layer, opt *estimate.Options) (*Profile, error) {
	b := New(opt)
	for _, l := range layers {
		if err := b.Add(l); err != nil {
			return nil, err
		}
	}
	return b.Profile(), nil
}
