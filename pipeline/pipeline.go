// Package pipeline measures a point cloud from its source to its result,
// the one path every front door (the command line, other programs) takes
// (docs/DESIGN.md §7): it reads the points in their own element type
// (tensorio), decides by cost whether to load a layer or stream it from
// disk (knn.StreamsSampled, the one memory rule), searches the neighbours once
// (knn) and runs the estimators (estimate, profile).
package pipeline

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/tensorio"
	"github.com/intdim/intdim/tensorio/npy"
)

// Source is one point cloud: a file spec read with tensorio (FILE or
// FILE:NAME; a plain .npy file may be streamed), or points in memory.
type Source struct {
	Spec   string
	Points *cloud.Matrix
	// Name names the source in reports and errors; Spec when empty.
	Name string
}

// File returns the source read from spec.
func File(spec string) Source { return Source{Spec: spec} }

// Points returns the source of points in memory, called name.
func Points(name string, x *cloud.Matrix) Source { return Source{Points: x, Name: name} }

func (s Source) name() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Spec
}

// Options configures the pipeline.
type Options struct {
	Estimate estimate.Options
	// Mem is the memory budget in bytes; 0 means knn.DefaultMemBudget().
	// Layers are streamed from disk or loaded by knn.Streams under it.
	Mem int64
	// Progress, when set, is called as layers are done: (done, total).
	Progress func(done, total int)
	// Check, when set, is called with a layer's number of points once it
	// is known and before any work on it; an error stops the run and is
	// returned as it is.
	Check func(n int) error
	// Tokens is how a rank-3 array [N, T, D] (sequences of token
	// representations) becomes points, by cloud.Tokens: "flatten" (or
	// empty; N points of T·D values, with a warning), "first", "last",
	// "mean" or "all" (N·T points).
	Tokens string
	// LayerAxis makes Profile read every array [L, N, …] as L layers,
	// NAME.0 … NAME.L−1 (torch.stack(hidden_states)).
	LayerAxis bool
	// Labels are class labels of the points (see LoadLabels); when set,
	// every cloud must have len(Labels) points. LabelsFrom names where
	// they were read, for messages.
	Labels     []int
	LabelsFrom string
	// Overlap, when k > 0, makes Profile compute the layer × layer
	// neighbourhood overlap with k neighbours (and, with Labels, each
	// layer's label overlap).
	Overlap int
	// Imbalance makes Profile compute every layer's information
	// imbalances against the first layer (the input) and the last (the
	// output): profile.Builder.Imbalance.
	Imbalance bool
	// Search, when set, does the neighbour search of every layer Profile
	// estimates (profile.Builder.AddSearched), given the layer's index and
	// its prepared rows; when p.K() is 0 it returns no graph. An error
	// wrapping ErrSkip leaves the layer out of the estimate (it is in the
	// profile as failed with that error) and the run goes on; any other
	// error stops Profile and is returned. Every layer is then loaded (one
	// that Profile would stream from disk is an error), and Overlap,
	// Imbalance and Labels cannot be set. The distributed commands (intdim plan, run-task,
	// merge) cut the search into pieces this way.
	Search func(layer int, p *estimate.Prepared) (*knn.Graph, error)
	// Only, when set, makes Profile read and estimate only the layers for
	// which it returns true; the others are in the profile as failed with
	// an error wrapping ErrSkip. It is given each layer's index and the
	// index of the spec the layer comes from.
	Only func(layer, spec int) bool
	// Checked, when set with Search, names the layers whose bytes were
	// checked before (finite, no duplicate to collapse) and are proven
	// the same by a checksum (intdim run-task and merge, checked as the
	// layer is loaded: Loaded): Profile skips their finiteness check and their
	// duplicate collapse (estimate.Options.Distinct), which changes
	// nothing else. (The finiteness check is no guard against a file that
	// changes while it is mapped anyway.)
	Checked func(layer int) bool
	// Loaded, when set with Search, is called with every layer Profile
	// reads, and its array, before its values are used and before
	// Checked is asked about it: an error stops Profile and is returned.
	// (intdim run-task and merge check an input's checksum there, on the
	// pages the layer is then read from: tensorio.Array.MappedFile.)
	Loaded func(layer int, a *tensorio.Array) error
}

// ErrSkip marks a layer left out of a profile by Options.Search or
// Options.Only.
var ErrSkip = errors.New("layer skipped")

func (o *Options) check(n int) error {
	if o == nil || o.Check == nil {
		return nil
	}
	return o.Check(n)
}

func (o *Options) mem() int64 {
	if o == nil || o.Mem <= 0 {
		return knn.DefaultMemBudget()
	}
	return o.Mem
}

// budget is Mem as given (0: the readers' default).
func (o *Options) budget() int64 {
	if o == nil {
		return 0
	}
	return o.Mem
}

func (o *Options) estimate() estimate.Options {
	if o == nil {
		return estimate.Options{}
	}
	return o.Estimate
}

// Estimate estimates the ID of src with opt.Estimate (see estimate.Points).
// A plain .npy file is streamed from disk when knn.Streams says so, with the
// same result as loading it: when the streamed neighbour lists cannot give
// it (exact duplicates to collapse, resampling subsets the lists cannot
// answer, float64 values beyond 2^±200 that only the loaded path rescales:
// knn.ErrExtremeScale) and loading fits in the budget, the file is loaded
// instead; when it does not fit, the error says why. Report.Input is the source's name; errors begin with it.
func Estimate(src Source, opt *Options) (*estimate.Report, error) {
	eo := opt.estimate()
	if src.Points != nil {
		if err := opt.check(src.Points.N()); err != nil {
			return nil, err
		}
		if streams, sampled := streamsPointsSampled(src.Points, opt.mem(), wantPCA(eo.Method), eo.Search); !streams {
			eo.Sampled = sampled
		} else {
			if err := src.Points.Finite(); err != nil {
				return nil, fmt.Errorf("%s: %w", src.name(), err)
			}
			rep, _, err := estimatePointsStreamed(src.name(), src.Points, opt.mem(), &eo, wantPCA(eo.Method))
			if err == nil || !errors.Is(err, errNeedRows) {
				return rep, err
			}
		}
		return estimatePoints(src.name(), src.Points, &eo)
	}
	if plan, err := planFile(src.Spec, opt.mem(), wantPCA(eo.Method), opt); err != nil {
		return nil, err
	} else if !plan.stream {
		eo.Sampled = plan.sampled
	} else {
		if err := opt.checkLabels(src.name(), plan.n); err != nil {
			return nil, err
		}
		if err := opt.check(plan.n); err != nil {
			return nil, err
		}
		rep, _, err := estimateStreamed(src.Spec, plan, opt.mem(), &eo, wantPCA(eo.Method))
		if err == nil {
			rep.Warnings = append(rep.Warnings, plan.warn...)
		}
		if err == nil || !errors.Is(err, errNeedRows) {
			return rep, err
		}
	}
	x, release, warn, err := load(src.Spec, opt)
	if err != nil {
		return nil, err
	}
	defer release()
	if err := opt.checkLabels(src.name(), x.N()); err != nil {
		return nil, err
	}
	if err := opt.check(x.N()); err != nil {
		return nil, err
	}
	rep, err := estimatePoints(src.name(), x, &eo)
	if err == nil {
		rep.Warnings = append(rep.Warnings, warn...)
	}
	return rep, err
}

// Scale runs the scale analyses of so on src (see estimate.Scale); the
// points are loaded (a plain .npy file memory-mapped). Rows that knn.Streams
// would stream (wide ones) are searched over their columns in place
// (estimate.ScaleSearch), without the packed copy of knn.Search.
func Scale(src Source, so estimate.ScaleOptions, opt *Options) (*estimate.Report, error) {
	eo := opt.estimate()
	x, name := src.Points, src.name()
	var warn []estimate.Warning
	if x == nil {
		var release func()
		var err error
		if x, release, warn, err = load(src.Spec, opt); err != nil {
			return nil, err
		}
		defer release()
	} else if err := x.Finite(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := opt.checkLabels(name, x.N()); err != nil {
		return nil, err
	}
	if err := opt.check(x.N()); err != nil {
		return nil, err
	}
	var search func(k int) (*knn.Graph, error)
	if streamsPoints(x, opt.mem(), false, eo.Search) {
		// Wide rows: searched over their columns in place, as
		// estimatePointsStreamed does, not packed into a copy.
		search = func(k int) (*knn.Graph, error) {
			res, err := knn.SearchColumns(memColumns{x}, k, &knn.Options{Metric: eo.Metric, Threads: eo.Threads}, opt.mem(), false)
			if err != nil {
				return nil, err
			}
			return res.Graph, nil
		}
	}
	rep, err := estimate.ScaleSearch(x, so, &eo, search)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rep.Input = name
	rep.Warnings = append(rep.Warnings, warn...)
	return rep, nil
}

func estimatePoints(name string, x *cloud.Matrix, eo *estimate.Options) (*estimate.Report, error) {
	if err := x.Finite(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rep, err := estimate.Points(x, eo)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rep.Input = name
	return rep, nil
}

// wantPCA reports whether method includes PC-ID.
func wantPCA(m estimate.Method) bool {
	return m == estimate.MethodPCA || m == estimate.MethodAll || m == estimate.MethodEvery
}

// Load reads the one array named by spec (FILE or FILE:NAME) as a checked
// point cloud (rank ≥ 2, at least 3 rows, finite values), in its own
// element type; release frees it (a memory map). budget bounds the memory
// of a deflated .npz member (tensorio.Options.MaxBytes; 0 is the default).
// Errors name the file.
func Load(spec string, budget int64) (*cloud.Matrix, func(), error) {
	x, release, _, err := load(spec, &Options{Mem: budget})
	return x, release, err
}

// load is Load under opt: the points per opt.Tokens, and the warnings
// that go with them.
func load(spec string, opt *Options) (*cloud.Matrix, func(), []estimate.Warning, error) {
	a, err := tensorio.OpenMatrixWith(spec, tensorio.Options{MaxBytes: opt.budget()})
	if err != nil {
		return nil, nil, nil, err
	}
	// Every page of a mapped file at once: the check reads them all (one
	// call instead of a fault per 64 KiB, as Profile does).
	a.Prefault()
	if err := tensorio.CheckPoints(a); err != nil {
		a.Close()
		return nil, nil, nil, err
	}
	x, warn, err := points(a, opt)
	if err != nil {
		a.Close()
		return nil, nil, nil, err
	}
	return x, func() { a.Close() }, warn, nil
}

// plan is how a file is read.
type plan struct {
	stream bool
	n, d   int
	elem   int  // bytes per value once loaded
	fits   bool // loading fits in the budget
	// sampled is the verdict of knn.StreamsSampled's sample test (nil
	// when none ran), passed on to the search of the loaded rows.
	sampled *knn.SampleTest
	warn    []estimate.Warning
}

// planFile decides whether spec is streamed: only a plain .npy file (no
// :NAME) of rank ≥ 2 read as tensorio's N×D matrix (opt.reshapes), by
// knn.StreamsSampled (a wide layer that fits is loaded when a sample of
// its rows shows a spectrum that a pruned search can use). Errors in the header are reported here, by the rule of
// every reader.
func planFile(spec string, mem int64, pca bool, opt *Options) (plan, error) {
	if !strings.EqualFold(filepath.Ext(spec), ".npy") {
		return plan{}, nil
	}
	f, err := npy.Open(spec)
	if err != nil {
		return plan{}, nil // not a plain file path (FILE:NAME?): the loader reports it
	}
	defer f.Close()
	if len(f.Shape) < 2 || opt.reshapes(f.Shape) {
		return plan{}, nil
	}
	var warn []estimate.Warning
	if len(f.Shape) == 3 {
		warn = []estimate.Warning{flattenWarning(f.Shape)}
	}
	n, d := f.Rows(), f.Cols()
	elem := 8
	if f.Narrow() {
		elem = 4
	}
	stream, sampled, err := knn.StreamsSampled(n, d, elem, mem, pca, opt.estimate().Search, sampleRows(f, nil))
	if err != nil {
		return plan{}, err
	}
	return plan{stream: stream, n: n, d: d, elem: elem,
		fits: knn.LoadCost(n, d, elem, pca) <= mem, warn: warn, sampled: sampled}, nil
}
