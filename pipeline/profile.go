package pipeline

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/bytesize"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/tensorio"
)

// Profile estimates every layer of the inputs, in order: each array of
// each spec (a directory's files in natural name order), each plain .npy
// file streamed from disk when knn.Streams says so. opt.Estimate.Method
// names one ID method; the PC-ID of every layer is computed unless noPCA.
// Every input is opened (or its header read) before any work, so that a
// bad file fails first; a layer that cannot be estimated is in the profile
// with its error (profile.Builder.AddFailed) and the others are still
// estimated. An error from opt.Check stops the run. opt.Progress is called
// after each layer. With opt.Overlap = k > 0 the profile has the layer ×
// layer neighbourhood overlap and, with opt.Labels, each layer's label
// overlap (profile.Builder.Overlap: one search per layer serves both); with
// opt.Imbalance, each layer's information imbalances against the first and
// the last layer (profile.Builder.Imbalance; the ranks its kept lists cannot
// give are counted over the layers' rows read again, each at most once).
// A layer streamed from disk keeps the graph of its streamed search; only
// the layers' kept neighbour indices stay in memory between layers. Both
// refuse layers with different numbers of points (an error naming two of
// them). With opt.Labels, every loaded layer
// also has the ID of each class (as EstimateClasses) with their mean and
// standard deviation.
func Profile(specs []string, noPCA bool, opt *Options) (*profile.Profile, error) {
	eo := opt.estimate()
	if wantPCA(eo.Method) {
		return nil, fmt.Errorf("method %q: a profile takes one ID method (twonn, twonn-ml, gride, mle, binomial, gride-auto or a scikit-dimension estimator); PC-ID is computed for every layer", eo.Method)
	}
	b := profile.New(&eo)
	if noPCA {
		b.SkipPCA()
	}
	overlap := opt != nil && opt.Overlap > 0
	if overlap {
		b.Overlap(opt.Overlap, opt.Labels)
	}
	imbalance := opt != nil && opt.Imbalance
	keep := overlap || imbalance
	hooked := opt != nil && opt.Search != nil
	if hooked && (keep || opt.Labels != nil) {
		return nil, errors.New("the neighbour search cut into pieces cannot give the overlap, the imbalance or the per-class IDs")
	}
	mem := opt.mem()
	var layers []layer
	var stacks []*tensorio.Array // split by opt.LayerAxis: their layers view them
	defer func() {
		for _, l := range layers {
			if l.array != nil {
				l.array.Close()
			}
		}
		for _, a := range stacks {
			a.Close()
		}
	}()
	for si, spec := range specs {
		p, err := planFile(spec, mem, b.PCA(), opt)
		if err != nil {
			return nil, err
		}
		if p.stream {
			layers = append(layers, layer{name: strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec)), spec: spec, input: si, plan: p, member: -1, split: -1})
			continue
		}
		as, err := tensorio.OpenWith(spec, tensorio.Options{MaxBytes: opt.budget()})
		if err != nil {
			return nil, err
		}
		for m, a := range as {
			if opt != nil && opt.LayerAxis {
				stacks = append(stacks, a)
				ls, err := splitLayers(a)
				if err != nil {
					return nil, err
				}
				for s, l := range ls {
					layers = append(layers, layer{name: l.Name, spec: spec, input: si, array: l, view: l, member: m, split: s})
				}
				continue
			}
			layers = append(layers, layer{name: a.Name, spec: spec, input: si, array: a, member: m, split: -1})
		}
	}
	if imbalance {
		b.Imbalance(func(i int) (*cloud.Matrix, func(), error) { return layers[i].reopen(opt) })
	}
	// --overlap and --imbalance compare representations of the same
	// points: the first layer's number of points is every layer's.
	first, firstN := "", -1
	same := func(name string, n int) error {
		if !keep {
			return nil
		}
		if firstN < 0 {
			first, firstN = name, n
			return nil
		}
		if n != firstN {
			return fmt.Errorf("layer %s has %d points, layer %s has %d: the overlap and the imbalance compare representations of the same points", name, n, first, firstN)
		}
		return nil
	}
	// Refuse before any work where the headers tell: rows, or rows ×
	// tokens for --tokens all of a rank-3 array.
	for _, l := range layers {
		n := l.plan.n
		if l.array != nil {
			if len(l.array.Shape) < 2 {
				continue // fails as a layer
			}
			n = l.array.Shape[0]
			if opt.tokens() == "all" && len(l.array.Shape) == 3 {
				n *= l.array.Shape[1]
			}
		}
		if err := same(l.name, n); err != nil {
			return nil, err
		}
	}
	first, firstN = "", -1
	warns := make([][]estimate.Warning, len(layers)) // added to the layers' own
	classes := make([][]Class, len(layers))          // per-class IDs, with opt.Labels
	var abort error                                  // from opt.Search
	for i := range layers {
		l := &layers[i]
		if opt != nil && opt.Only != nil && !opt.Only(i, l.input) {
			n, d := l.plan.n, l.plan.d
			if l.array != nil {
				n, d, _ = l.array.Matrix()
				l.array.Close()
				l.array = nil
			}
			b.AddFailed(l.name, nil, n, d, ErrSkip)
			progress(opt, i+1, len(layers))
			continue
		}
		if l.array == nil && hooked {
			return nil, fmt.Errorf("%s: %d×%d would be streamed from disk under the memory budget of %s (knn.Streams), and a streamed layer cannot be searched in pieces: give a larger --mem",
				l.spec, l.plan.n, l.plan.d, bytesize.Format(float64(mem)))
		}
		if l.array == nil {
			if err := opt.checkLabels(l.name, l.plan.n); err != nil {
				return nil, err
			}
			if err := same(l.name, l.plan.n); err != nil {
				return nil, err
			}
			if err := opt.check(l.plan.n); err != nil {
				return nil, err
			}
			o := b.Options()
			keepK := 0
			if keep {
				keepK = min(b.KeepK(), l.plan.n-1)
			}
			rep, pcid, g, err := estimateStreamedGraph(l.spec, l.plan, mem, &o, b.PCA(), keepK)
			if err == nil {
				if keep {
					if err := b.AddGraph(l.name, nil, rep, pcid, g); err != nil {
						return nil, err
					}
				} else {
					b.AddReport(l.name, nil, rep, pcid)
				}
				warns[i] = l.plan.warn
			}
			if err == nil || !errors.Is(err, errNeedRows) {
				if err != nil {
					b.AddFailed(l.name, nil, l.plan.n, l.plan.d, err)
				}
				progress(opt, i+1, len(layers))
				continue
			}
			if l.array, err = tensorio.OpenMatrixWith(l.spec, tensorio.Options{MaxBytes: opt.budget()}); err != nil {
				return nil, err
			}
		}
		// Every page of a mapped layer at once: its checks, or a task's
		// search, read nearly all of them (one call instead of a fault
		// per 64 KiB: 17 against 19 CPU ms for a 64 MB file read whole).
		l.array.Prefault()
		if hooked && opt.Loaded != nil {
			if err := opt.Loaded(i, l.array); err != nil {
				return nil, err
			}
		}
		n, d, err := l.array.Matrix()
		checked := hooked && opt.Checked != nil && opt.Checked(i)
		if err == nil && !checked {
			err = tensorio.CheckPoints(l.array)
		}
		var x *cloud.Matrix
		if err == nil {
			x, warns[i], err = points(l.array, opt)
		}
		if err != nil {
			b.AddFailed(l.array.Name, nil, n, d, err)
		} else {
			if err := opt.checkLabels(l.array.Name, x.N()); err != nil {
				return nil, err
			}
			if err := same(l.array.Name, x.N()); err != nil {
				return nil, err
			}
			if err := opt.check(x.N()); err != nil {
				return nil, err
			}
			layer := profile.Layer{Name: l.array.Name, Points: x, Checked: checked}
			if hooked {
				b.AddSearched(layer, func(p *estimate.Prepared) (*knn.Graph, error) {
					g, err := opt.Search(i, p)
					if err != nil && !errors.Is(err, ErrSkip) {
						abort = err
					}
					return g, err
				})
				if abort != nil {
					return nil, abort
				}
			} else {
				b.Add(layer) // a failure is in the profile
			}
			if opt != nil && opt.Labels != nil {
				if classes[i], err = classesOf(l.array.Name, x, opt); err != nil {
					return nil, err
				}
			}
		}
		l.array.Close() // free the activations
		l.array = nil
		progress(opt, i+1, len(layers))
	}
	p := b.Profile()
	for i, w := range warns {
		if i < len(p.Layers) {
			l := &p.Layers[i]
			l.Warnings = append(l.Warnings, w...)
			if classes[i] != nil {
				s := Summarise(classes[i])
				l.Classes, l.ClassesMean, l.ClassesStd = classes[i], s.Mean, s.Std
			} else if opt != nil && opt.Labels != nil && !l.Failed() {
				l.Warnings = append(l.Warnings, estimate.Warning{Code: estimate.WarnStreamed, Msg: "no per-class IDs: the layer was streamed from disk, not loaded"})
			}
		}
	}
	return p, nil
}

func progress(opt *Options, done, total int) {
	if opt != nil && opt.Progress != nil {
		opt.Progress(done, total)
	}
}

// layer is one layer of a profile as read: a .npy file streamed (plan,
// member −1), or array member of what tensorio.OpenWith(spec) returns
// (split s of it with --layer-axis: view).
type layer struct {
	name, spec string
	input      int // index of spec in the specs
	plan       plan
	array      *tensorio.Array // open while the layer is measured
	view       *tensorio.Array // a split layer's view of its open stack
	member     int
	split      int
}

// reopen reads the layer's points again, as they were measured (opt's
// token mode), for the ranks of the imbalance that the kept neighbour
// lists cannot give (profile.Rows). A streamed layer is loaded only when
// it fits in the memory budget.
func (l *layer) reopen(opt *Options) (*cloud.Matrix, func(), error) {
	if l.view != nil {
		x, _, err := points(l.view, opt)
		return x, func() {}, err
	}
	if l.member < 0 {
		if !l.plan.fits {
			return nil, nil, fmt.Errorf("%s: counting ranks over its rows needs them in memory, and %d×%d does not fit in the memory budget", l.spec, l.plan.n, l.plan.d)
		}
		x, release, _, err := load(l.spec, opt)
		return x, release, err
	}
	as, err := tensorio.OpenWith(l.spec, tensorio.Options{MaxBytes: opt.budget()})
	if err != nil {
		return nil, nil, err
	}
	for m, a := range as {
		if m != l.member {
			a.Close()
		}
	}
	if l.member >= len(as) {
		return nil, nil, fmt.Errorf("%s: array %d is gone", l.spec, l.member)
	}
	a := as[l.member]
	x, _, err := points(a, opt)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return x, func() { a.Close() }, nil
}
