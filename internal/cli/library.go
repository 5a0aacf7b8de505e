package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/plot"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/result"
)

// The library entry points below are what the C library (cmd/libintdim)
// and through it the Python package run: the commands estimate, scale and
// profile on points in memory. Their options are the command's flags given
// as a JSON object, a key per flag ("max_rank" or "max-rank" for
// --max-rank), read by the command's own flag set and checked with its own
// messages, so that names, defaults and errors are the CLI's; the errors of
// the checks the library makes itself (the search mode, scikit-dimension's
// parameters) name the option by its key: search="kd", knn_ps=1
// (keywordWords). They return
// the document the command prints with --format json. An error is an
// *ExitError: code 2 for bad input or options, 1 for a failure. They keep
// no state between calls and may run concurrently.

// libFlags are the flags a library call takes: those of the command that
// concern the estimate (not --format, --quiet nor the --model and --onnx
// inputs).
var libFlags = map[string][]string{
	"estimate":  append(slices.Clone(estimateFlagNames), "mem"),
	"scale":     append(slices.Clone(estimateFlagNames), "blocks", "decimate", "gride"),
	"profile":   append(slices.Clone(estimateFlagNames), "no-pca", "mem", "overlap", "overlap-k", "imbalance"),
	"overlap":   {"k", "metric", "search"},
	"imbalance": {"metric", "search"},
	"local":     {"k", "metric", "method", "tle-epsilon", "search"},
}

var estimateFlagNames = []string{"method", "discard", "paper", "k", "max-rank", "resample", "fraction",
	"metric", "duplicates", "zero-rows", "seed", "threads", "search",
	"binomial-k", "binomial-r", "kstar-maxk", "kstar-alpha", "kstar-iter",
	"lpca-alpha-fo", "lpca-alpha-ratio", "lpca-alpha-fan", "lpca-beta-fan", "lpca-p-fan", "mom-k", "tle-k",
	"tle-epsilon", "mada-k", "mind-k", "mind-d", "ess-k", "corrint-k1", "corrint-k2", "knn-k", "knn-ps", "knn-m",
	"knn-gamma", "danco-k", "danco-d", "danco-fractal"}

// libOptions parses the JSON object opts as flags of command into fs.
func libOptions(command string, fs *flag.FlagSet, opts []byte) error {
	var m map[string]any
	if len(bytes.TrimSpace(opts)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(opts))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return Usage("options: not a JSON object: %v", err)
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var args []string
	for _, k := range keys {
		name := strings.ReplaceAll(k, "_", "-")
		if !slices.Contains(libFlags[command], name) {
			return Usage("%s: unknown option %q (options: %s)", command, k,
				strings.ReplaceAll(strings.Join(libFlags[command], ", "), "-", "_"))
		}
		var s string
		switch v := m[k].(type) {
		case nil:
			continue // the default
		case string:
			s = v
		case json.Number:
			s = v.String()
		case bool:
			s = strconv.FormatBool(v)
		default:
			return Usage("option %s: want a number, a string or a boolean, got %s", k, strings.ReplaceAll(fmt.Sprint(v), "\n", " "))
		}
		args = append(args, "--"+name+"="+s)
	}
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return Usage("options: unexpected %q", pos[0])
	}
	return nil
}

// LibEstimate is 'intdim estimate --format json' on the points x, called
// name in the document and in errors.
func LibEstimate(name string, x *cloud.Matrix, opts []byte) (res []byte, err error) {
	defer func() { err = keywordWords(err) }()
	fs := NewFlagSet("estimate", nil)
	f := addEstimateFlags(fs, "twonn")
	mem := addMemFlag(fs)
	if err := libOptions("estimate", fs, opts); err != nil {
		return nil, err
	}
	opt, err := f.options()
	if err != nil {
		return nil, err
	}
	rep, err := pipeline.Estimate(pipeline.Points(name, x), &pipeline.Options{Estimate: *opt, Mem: mem.bytes,
		Check: func(n int) error { return checkResample(opt, n, mem.bytes) }})
	if err != nil {
		return nil, BadInput(zeroNormHint(err))
	}
	return libJSON(result.NewEstimate(rep, opt))
}

// LibScale is 'intdim scale --format json' on the points x.
func LibScale(name string, x *cloud.Matrix, opts []byte) (res []byte, err error) {
	defer func() { err = keywordWords(err) }()
	fs := NewFlagSet("scale", nil)
	f := addEstimateFlags(fs, "twonn")
	so := addScaleFlags(fs)
	if err := libOptions("scale", fs, opts); err != nil {
		return nil, err
	}
	opt, err := f.options()
	if err != nil {
		return nil, err
	}
	if err := checkScaleFlags(fs, so); err != nil {
		return nil, err
	}
	rep, err := pipeline.Scale(pipeline.Points(name, x), *so, &pipeline.Options{Estimate: *opt})
	if err != nil {
		return nil, BadInput(zeroNormHint(err))
	}
	return libJSON(result.NewScale(rep, opt))
}

// LibLayer is one layer of LibProfile.
type LibLayer struct {
	Name   string
	Points *cloud.Matrix
}

// LibProfile is 'intdim profile --format json' on the layers, in order. A
// layer that cannot be estimated is in the document with its error; the
// others are still estimated (the command's exit status 1 is the caller's
// to give, from the document).
func LibProfile(layers []LibLayer, opts []byte) (res []byte, err error) {
	defer func() { err = keywordWords(err) }()
	fs := NewFlagSet("profile", nil)
	f := addEstimateFlags(fs, "twonn")
	noPCA := fs.Bool("no-pca", false, "skip the PC-ID of each layer")
	mem := addMemFlag(fs)
	overlap := fs.Bool("overlap", false, "the layer × layer neighbourhood overlap")
	overlapK := fs.Int("overlap-k", 30, "overlap: neighbours per point")
	imbalance := fs.Bool("imbalance", false, "each layer's information imbalances against the first and the last layer")
	if err := libOptions("profile", fs, opts); err != nil {
		return nil, err
	}
	if *overlap && *overlapK < 1 {
		return nil, Usage("--overlap-k %d: need at least 1", *overlapK)
	}
	opt, err := f.options()
	if err != nil {
		return nil, err
	}
	if err := checkProfileMethod(opt); err != nil {
		return nil, err
	}
	if len(layers) == 0 {
		return nil, Usage("no layers")
	}
	b := profile.New(opt)
	if *noPCA {
		b.SkipPCA()
	}
	if *overlap || *imbalance {
		if err := sameN(layers); err != nil {
			return nil, err
		}
	}
	if *overlap {
		b.Overlap(*overlapK, nil)
	}
	if *imbalance { // the caller's arrays are in memory for the ranks
		b.Imbalance(func(i int) (*cloud.Matrix, func(), error) { return layers[i].Points, func() {}, nil })
	}
	for _, l := range layers {
		if l.Points != nil {
			if err := checkResample(opt, l.Points.N(), mem.bytes); err != nil {
				return nil, err
			}
		}
		// A wide layer is searched streamed in place (a failure is in the profile).
		pipeline.AddPoints(b, profile.Layer{Name: l.Name, Points: l.Points}, &pipeline.Options{Mem: mem.bytes})
	}
	return libJSON(result.NewProfile(b.Profile(), opt))
}

// sameN refuses layers of different numbers of points (as pipeline.Profile
// does for the overlap and the imbalance).
func sameN(layers []LibLayer) error {
	for _, l := range layers[1:] {
		if l.Points != nil && layers[0].Points != nil && l.Points.N() != layers[0].Points.N() {
			return BadInput(fmt.Errorf("layer %s has %d points, layer %s has %d: the overlap and the imbalance compare representations of the same points",
				l.Name, l.Points.N(), layers[0].Name, layers[0].Points.N()))
		}
	}
	return nil
}

// LibOverlap is 'intdim overlap --format json' on points in memory: the
// neighbourhood overlap of a and b (b nil: none) and, with labels (one per
// point of a, called labelsName in the document), a's label overlap.
func LibOverlap(a LibLayer, b *LibLayer, labels []int, labelsName string, opts []byte) (res []byte, err error) {
	defer func() { err = keywordWords(err) }()
	fs := NewFlagSet("overlap", nil)
	f := addOverlapFlags(fs)
	if err := libOptions("overlap", fs, opts); err != nil {
		return nil, err
	}
	m, err := knn.ParseMetric(*f.metric)
	if err != nil {
		return nil, Usage("%v", err)
	}
	if *f.k < 1 {
		return nil, Usage("k %d: need at least 1", *f.k)
	}
	if b == nil && labels == nil {
		return nil, Usage("one representation needs labels (label overlap); two give the neighbourhood overlap")
	}
	var sb *pipeline.Source
	if b != nil {
		s := pipeline.Points(b.Name, b.Points)
		sb = &s
	}
	sm, err := parseSearch(*f.search)
	if err != nil {
		return nil, err
	}
	doc, err := overlapDoc(pipeline.Points(a.Name, a.Points), sb, labels, labelsName, *f.k, m, sm)
	if err != nil {
		return nil, err
	}
	return libJSON(doc)
}

// LibImbalance is 'intdim imbalance --format json' on points in memory.
func LibImbalance(a, b LibLayer, opts []byte) (res []byte, err error) {
	defer func() { err = keywordWords(err) }()
	fs := NewFlagSet("imbalance", nil)
	metric := fs.String("metric", "euclidean", "distance: euclidean or cosine")
	search := addSearchFlag(fs)
	if err := libOptions("imbalance", fs, opts); err != nil {
		return nil, err
	}
	m, err := knn.ParseMetric(*metric)
	if err != nil {
		return nil, Usage("%v", err)
	}
	sm, err := parseSearch(*search)
	if err != nil {
		return nil, err
	}
	doc, err := imbalanceDoc(pipeline.Points(a.Name, a.Points), pipeline.Points(b.Name, b.Points), m, sm)
	if err != nil {
		return nil, err
	}
	return libJSON(doc)
}

// LibLocal is 'intdim local --format json' on points in memory, with the
// ID of every point (what --out writes).
func LibLocal(x LibLayer, opts []byte) (res []byte, vals []float64, err error) {
	defer func() { err = keywordWords(err) }()
	fs := NewFlagSet("local", nil)
	f := addLocalFlags(fs)
	if err := libOptions("local", fs, opts); err != nil {
		return nil, nil, err
	}
	m, err := knn.ParseMetric(*f.metric)
	if err != nil {
		return nil, nil, Usage("%v", err)
	}
	meth, err := f.check()
	if err != nil {
		return nil, nil, err
	}
	ids, doc, err := localIDs(pipeline.Points(x.Name, x.Points), f, meth, m)
	if err != nil {
		return nil, nil, err
	}
	out, err := libJSON(doc)
	return out, ids, err
}

// LibFigure draws the first figure of the document doc (as 'intdim plot'
// does; a profile gives the profile figure, a scale document ID against
// scale) in format "png" or "svg".
func LibFigure(doc []byte, format string) ([]byte, error) {
	if format != "png" && format != "svg" {
		return nil, Usage("unknown figure format %q (want png or svg)", format)
	}
	figs, err := plot.FromJSON(plot.Doc{Name: "document", Data: doc})
	if err != nil {
		return nil, BadInput(err)
	}
	if len(figs) == 0 {
		return nil, Usage("document: no figure for this document")
	}
	var buf bytes.Buffer
	if err := figs[0].Encode(&buf, format); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func libJSON(doc interface {
	Write(w io.Writer, format string) error
}) ([]byte, error) {
	var buf bytes.Buffer
	if err := doc.Write(&buf, "json"); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
