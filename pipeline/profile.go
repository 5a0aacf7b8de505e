package pipeline

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
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
// overlap (profile.Builder.Overlap: one search per layer serves both); every
// layer is then loaded, none streamed. With opt.Labels, every loaded layer
// also has the ID of each class (as EstimateClasses) with their mean and
// standard deviation.
func Profile(specs []string, noPCA bool, opt *Options) (*profile.Profile, error) {
	eo := opt.estimate()
	if wantPCA(eo.Method) {
		return nil, fmt.Errorf("method %q: a profile takes one ID method (twonn, twonn-ml, gride or mle); PC-ID is computed for every layer", eo.Method)
	}
	b := profile.New(&eo)
	if noPCA {
		b.SkipPCA()
	}
	overlap := opt != nil && opt.Overlap > 0
	if overlap {
		b.Overlap(opt.Overlap, opt.Labels)
	}
	mem := opt.mem()
	type layer struct {
		name, spec string
		plan       plan
		array      *tensorio.Array
	}
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
	for _, spec := range specs {
		p, err := planFile(spec, mem, b.PCA(), opt)
		if err != nil {
			return nil, err
		}
		if p.stream {
			layers = append(layers, layer{name: strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec)), spec: spec, plan: p})
			continue
		}
		as, err := tensorio.OpenWith(spec, tensorio.Options{MaxBytes: opt.budget()})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if opt != nil && opt.LayerAxis {
				stacks = append(stacks, a)
				ls, err := splitLayers(a)
				if err != nil {
					return nil, err
				}
				for _, l := range ls {
					layers = append(layers, layer{name: l.Name, array: l})
				}
				continue
			}
			layers = append(layers, layer{name: a.Name, array: a})
		}
	}
	warns := make([][]estimate.Warning, len(layers)) // added to the layers' own
	classes := make([][]Class, len(layers))          // per-class IDs, with opt.Labels
	for i := range layers {
		l := &layers[i]
		if l.array == nil {
			if err := opt.checkLabels(l.name, l.plan.n); err != nil {
				return nil, err
			}
			if err := opt.check(l.plan.n); err != nil {
				return nil, err
			}
			var err error = errNeedRows // the overlap needs the rows: load them
			if !overlap {
				o := b.Options()
				var rep *estimate.Report
				var pcid *int
				rep, pcid, err = estimateStreamed(l.spec, l.plan, mem, &o, b.PCA())
				if err == nil {
					b.AddReport(l.name, nil, rep, pcid)
					warns[i] = l.plan.warn
				}
			}
			if err == nil || !errors.Is(err, errNeedRows) {
				if err != nil {
					b.AddFailed(l.name, nil, l.plan.n, l.plan.d, err)
				}
				progress(opt, i+1, len(layers))
				continue
			}
			if l.array, err = tensorio.OpenMatrixWith(l.spec, tensorio.Options{MaxBytes: opt.budget()}); err != nil {
				if overlap {
					return nil, fmt.Errorf("%s: the overlap needs the layer in memory: %w", l.spec, err)
				}
				return nil, err
			}
		}
		n, d, err := l.array.Matrix()
		if err == nil {
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
			if err := opt.check(x.N()); err != nil {
				return nil, err
			}
			b.Add(profile.Layer{Name: l.array.Name, Points: x}) // a failure is in the profile
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
