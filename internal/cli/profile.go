package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/result"
	"github.com/intdim/intdim/tensorio"
	"github.com/intdim/intdim/tensorio/npy"
)

func init() {
	Register(&Command{Name: "profile", Summary: "ID of every layer: one layer per array, file or directory entry", Run: runProfile})
}

func runProfile(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("profile", stderr)
	f := addEstimateFlags(fs, "twonn")
	noPCA := fs.Bool("no-pca", false, "skip the PC-ID of each layer")
	mem := addMemFlag(fs)
	model := fs.String("model", "", "profile a network: a directory written by 'intdim train' or a built-in name (mnist, mnist-shuffled, mnist-offset)")
	data := fs.String("data", "", "--model: test images (mnist-test, mnist-offset-test, fashion-test; default: the set the model was trained for)")
	untrained := fs.Bool("untrained", false, "--model: replace the weights by a fresh initialisation drawn with --seed")
	ox := registerONNXFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim profile [flags] INPUT...          each array of each INPUT is a layer, in order (a directory in natural name order)")
		fmt.Fprintln(stderr, "       intdim profile --model NAME|DIR [--n 2000] [--untrained] [flags]")
		fmt.Fprintln(stderr, "       intdim profile --onnx MODEL.onnx --images DIR [--n N] [flags]")
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
	if opt.Method == "all" || opt.Method == "pca" {
		return Usage("--method %s: a profile takes one ID method (twonn, twonn-ml, gride or mle); PC-ID is always included", opt.Method)
	}
	b := profile.New(opt)
	if *noPCA {
		b.SkipPCA()
	}
	if *model != "" || ox.model != "" {
		if len(pos) > 0 || (*model != "" && ox.model != "") {
			return Usage("give either INPUT files, --model or --onnx")
		}
		bar := progress.New(stderr, 0, "layers", f.quiet)
		add := func(l profile.Layer) error {
			if err := checkResample(opt, l.Points.N(), mem.bytes); err != nil {
				return err
			}
			bar.Describe(l.Name)
			defer bar.Add(1)
			b.Add(l) // a layer that fails is in the profile with its error
			return nil
		}
		if *model != "" {
			return profileModel(*model, *data, ox.n, *untrained, f, b, stdout, stderr)
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
	// Open every input first so that a bad file fails before any work.
	var arrays []*tensorio.Array
	stream := map[int]string{} // layers larger than memory, by position
	for _, spec := range pos {
		if mem.streamed(spec) {
			stream[len(arrays)] = spec
			arrays = append(arrays, &tensorio.Array{Name: strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec))})
			continue
		}
		as, err := tensorio.OpenWith(spec, tensorio.Options{MaxBytes: mem.bytes})
		if err != nil {
			return BadInput(err)
		}
		arrays = append(arrays, as...)
	}
	bar := progress.New(stderr, int64(len(arrays)), "layers", f.quiet)
	for i, a := range arrays {
		// A layer that cannot be estimated is in the profile with its
		// error; the others are still estimated.
		if path, ok := stream[i]; ok {
			n, d := npyShape(path)
			if err := checkResample(opt, n, mem.bytes); err != nil {
				return err
			}
			bar.Describe(a.Name)
			o := b.Options()
			rep, pcid, err := estimateStreamed(path, mem, &o, b.PCA())
			if err != nil {
				var ee *ExitError
				if errors.As(err, &ee) {
					err = ee.Err
				}
				b.AddFailed(a.Name, nil, n, d, err)
			} else {
				b.AddReport(a.Name, nil, rep, pcid)
			}
			bar.Add(1)
			continue
		}
		n, d, err := a.Matrix()
		if err == nil {
			err = tensorio.CheckPoints(a)
		}
		if err != nil {
			b.AddFailed(a.Name, nil, n, d, err)
			arrays[i] = nil
			bar.Add(1)
			continue
		}
		if err := checkResample(opt, n, mem.bytes); err != nil {
			return err
		}
		bar.Describe(a.Name)
		b.Add(profile.Layer{Name: a.Name, Points: cloud.Must64(a.Data, n, d)})
		arrays[i] = nil // free the activations
		bar.Add(1)
	}
	bar.Finish()
	return writeProfile(stdout, stderr, f.format, result.NewProfile(b.Profile(), opt))
}

// npyShape returns the rows and columns a .npy file's header declares (0, 0
// if it cannot be read).
func npyShape(path string) (n, d int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	h, err := npy.ReadHeader(f)
	if err != nil || len(h.Shape) < 2 {
		return 0, 0
	}
	return h.Rows(), h.Cols()
}

// writeProfile prints every layer's warnings on stderr and the profile on
// w. When layers failed, the error returned (exit status 1) names each with
// its reason, in one line.
func writeProfile(w, stderr io.Writer, format string, p *result.Profile) error {
	for _, l := range p.Layers {
		for _, msg := range l.Warnings {
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
		msgs[i] = fmt.Sprintf("layer %s: %s", l.Name, l.Error)
	}
	return &ExitError{Code: 1, Err: fmt.Errorf("%d of %d layers failed: %s", len(failed), len(p.Layers), strings.Join(msgs, "; "))}
}
