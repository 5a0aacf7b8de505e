package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/result"
)

func init() {
	Register(&Command{Name: "profile", Summary: "ID of every layer: one layer per array, file or directory entry", Run: runProfile})
}

// profileFlags are the flags of intdim profile (plan takes them too).
type profileFlags struct {
	f                             *estimateFlags
	noPCA                         *bool
	mem                           *memFlag
	model, data                   *string
	untrained, overlap, imbalance *bool
	overlapK                      *int
	ox                            *onnxArgs
	in                            *inputFlags
}

func addProfileFlags(fs *flag.FlagSet) *profileFlags {
	pf := &profileFlags{f: addEstimateFlags(fs, "twonn")}
	pf.noPCA = fs.Bool("no-pca", false, "skip the PC-ID of each layer")
	pf.mem = addMemFlag(fs)
	pf.model = fs.String("model", "", "profile a network: a directory written by 'intdim train', its model.safetensors, or a built-in name (mnist, mnist-shuffled, mnist-offset); the JSON carries its test accuracy")
	pf.data = fs.String("data", "", "--model: test images (mnist-test, mnist-offset-test, fashion-test; default: the set the model was trained for)")
	pf.untrained = fs.Bool("untrained", false, "--model: replace the weights by a fresh initialisation drawn with --seed")
	pf.overlap = fs.Bool("overlap", false, "add the layer × layer neighbourhood overlap (and, with --labels, each layer's label overlap), from each layer's one search")
	pf.imbalance = fs.Bool("imbalance", false, "add each layer's information imbalances (rank 1) against the input (the first layer) and the output (the last): Δ(layer→input), Δ(input→layer), Δ(layer→output), Δ(output→layer); ranks beyond the kept 30 neighbours are counted over the layers' rows, read again (--model, --onnx: kept in memory)")
	pf.overlapK = fs.Int("overlap-k", 30, "--overlap: neighbours per point")
	pf.ox = registerONNXFlags(fs)
	pf.in = addInputFlags(fs, true)
	return pf
}

// fileOptions returns the pipeline options of a profile of INPUT files
// under the estimator options opt, and the number of classes of --labels.
func (pf *profileFlags) fileOptions(opt *estimate.Options) (*pipeline.Options, int, error) {
	mem := pf.mem.bytes
	popt := &pipeline.Options{Estimate: *opt, Mem: mem, Check: func(n int) error { return checkResample(opt, n, mem) }}
	classes, err := pf.in.apply(popt)
	if err != nil {
		return nil, 0, err
	}
	if *pf.overlap {
		popt.Overlap = *pf.overlapK
	}
	popt.Imbalance = *pf.imbalance
	return popt, classes, nil
}

func runProfile(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("profile", stderr)
	pf := addProfileFlags(fs)
	f, noPCA, mem, model, data, untrained, overlap, imbalance, overlapK, ox, in := pf.f, pf.noPCA, pf.mem, pf.model, pf.data, pf.untrained, pf.overlap, pf.imbalance, pf.overlapK, pf.ox, pf.in
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim profile [flags] INPUT...          each array of each INPUT is a layer, in order (a directory in natural name order)")
		fmt.Fprintln(stderr, "       intdim profile --model NAME|DIR [--n 2000] [--untrained] [flags]")
		fmt.Fprintln(stderr, "       intdim profile --onnx MODEL.onnx --images DIR [--n N] [flags]")
		fmt.Fprintln(stderr, "A layer that cannot be estimated is reported with its error and the others are still")
		fmt.Fprintln(stderr, "estimated; the exit status is then 1.")
		fs.PrintDefaults()
	}
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	if err := checkProfileMethod(opt); err != nil {
		return err
	}
	if *overlap && *overlapK < 1 {
		return Usage("--overlap-k %d: need at least 1", *overlapK)
	}
	b := profile.New(opt)
	if *noPCA {
		b.SkipPCA()
	}
	if *overlap {
		b.Overlap(*overlapK, nil)
	}
	// --onnx with --imbalance: every layer's activations are held in
	// memory while the forward passes run anyway (pipeline.NetworkLayers,
	// within its budget), so they are kept, not released after their
	// layer, for the ranks the kept lists cannot give.
	var kept []*cloud.Matrix
	if *imbalance && ox.model != "" {
		b.Imbalance(func(i int) (*cloud.Matrix, func(), error) {
			if i >= len(kept) {
				return nil, nil, fmt.Errorf("layer %d was not made", i)
			}
			return kept[i], func() {}, nil
		})
	}
	if *model != "" || ox.model != "" {
		if len(pos) > 0 || (*model != "" && ox.model != "") {
			return Usage("give either INPUT files, --model or --onnx")
		}
		if set := in.given(fs); len(set) > 0 {
			return Usage("%s: for INPUT files, not --model or --onnx", strings.Join(set, ", "))
		}
		bar := progress.New(stderr, 0, "layers", f.quiet)
		add := func(l profile.Layer) error {
			if err := checkResample(opt, l.Points.N(), mem.bytes); err != nil {
				return err
			}
			bar.Describe(l.Name)
			defer bar.Add(1)
			if *imbalance {
				kept = append(kept, l.Points)
			}
			b.Add(l) // a layer that fails is in the profile with its error
			return nil
		}
		if *model != "" {
			return profileModel(*model, *data, ox.n, *untrained, *imbalance, f, b, stdout, stderr)
		} else {
			ox.seed, ox.quiet = f.seed, f.quiet
			if ox.listLayers {
				return listONNXLayers(ox, stdout)
			}
			// One layer at a time: the activations of a large network do
			// not all fit in memory as float64.
			if err := onnxEachLayer(ox, f.seed, f.quiet, stderr, add); err != nil {
				return BadInput(err)
			}
		}
		bar.Finish()
		p := b.Profile()
		p.Preprocess = ox.described
		return writeProfile(stdout, stderr, f.format, result.NewProfile(p, opt))
	}
	if len(pos) == 0 {
		return Usage("no INPUT (see intdim profile -h)")
	}
	popt, classes, err := pf.fileOptions(opt)
	if err != nil {
		return err
	}
	var bar *progress.Bar // made once the number of layers is known
	popt.Progress = func(done, total int) {
		if bar == nil {
			bar = progress.New(stderr, int64(total), "layers", f.quiet)
		}
		bar.Add(1)
	}
	p, err := pipeline.Profile(pos, *noPCA, popt)
	if err != nil {
		return BadInput(err)
	}
	bar.Finish()
	doc := result.NewProfile(p, opt)
	doc.NClasses = classes
	return writeProfile(stdout, stderr, f.format, doc)
}

// writeProfile prints every layer's warnings on stderr and the profile on
// w. When layers failed, the error returned (exit status 1) names each with
// its reason, in one line.
func writeProfile(w, stderr io.Writer, format string, p *result.Profile) error {
	for _, l := range p.Layers {
		for _, msg := range flagWarnings(l.Warnings) {
			fmt.Fprintf(stderr, "intdim profile: warning: %s: %s\n", l.Name, msg)
		}
	}
	if err := p.Write(w, format); err != nil {
		return err
	}
	failed := p.Failed()
	if len(failed) == 0 {
		return nil
	}
	msgs := make([]string, len(failed))
	for i, l := range failed {
		msg := l.Error
		if l.Cause != nil {
			msg = flagWords(l.Cause).Error()
		}
		msgs[i] = fmt.Sprintf("layer %s: %s", l.Name, msg)
	}
	err := fmt.Errorf("%d of %d layers failed: %s", len(failed), len(p.Layers), strings.Join(msgs, "; "))
	for _, l := range failed {
		var zn *knn.ZeroNormError
		if errors.As(l.Cause, &zn) {
			err = fmt.Errorf("%w (--zero-rows drop leaves rows of zero norm out)", err)
			break
		}
	}
	return &ExitError{Code: 1, Err: err}
}

// checkProfileMethod refuses a --method that is not one ID method.
func checkProfileMethod(opt *estimate.Options) error {
	if opt.Method == "all" || opt.Method == "pca" {
		return Usage("--method %s: a profile takes one ID method (twonn, twonn-ml, gride, mle, binomial, gride-auto or a scikit-dimension estimator); PC-ID is always included", opt.Method)
	}
	return nil
}
