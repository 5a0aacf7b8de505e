package cli

import (
	"errors"
	"flag"
	"fmt"
	"github.com/intdim/intdim/internal/bytesize"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/intdim/intdim/imageset"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/profile"
)

// onnxArgs are the flags of 'intdim profile --onnx MODEL --images DIR'.
// Seed and quiet come from the profile command's own --seed and --quiet.
type onnxArgs struct {
	model, images         string
	inputs                string // an array (npy, npz, safetensors) fed instead of images
	n, sample, batch      int
	seed                  uint64
	preprocess, mean, std string
	resize, crop          int
	layers                string
	listLayers            bool
	backend, ortLib       string
	saveActivations       string
	maxPixels             int64
	quiet                 bool
	// described is what the preprocessing did, once setup has run.
	described string
}

// registerONNXFlags adds the ONNX flags to the profile command's flag set.
func registerONNXFlags(fs *flag.FlagSet) *onnxArgs {
	a := &onnxArgs{}
	fs.StringVar(&a.model, "onnx", "", "ONNX image model: profile its layers over --images")
	fs.StringVar(&a.images, "images", "", "--onnx: folder of JPEG/PNG images (sub-folders included), natural name order")
	fs.StringVar(&a.inputs, "inputs", "", "--onnx: an array fed to the model instead of images, batched along axis 0 (FILE or FILE:NAME; an .npz member named as the model's input is picked), e.g. token embeddings [N, T, D]; for a model with several inputs an .npz with one array per input name (input_ids, attention_mask), native backend only")
	fs.IntVar(&a.n, "n", 0, "--onnx, --model: use the first N images (0: all images with --onnx, 2000 with --model)")
	fs.IntVar(&a.sample, "sample", 0, "--onnx: use N images drawn at random with --seed")
	fs.IntVar(&a.batch, "batch", 32, "--onnx: images per forward pass")
	fs.StringVar(&a.preprocess, "preprocess", "imagenet", "--onnx: imagenet (resize short side, centre crop, scale to [0, 1], normalise) or none (images at the model's size, scaled to [0, 1], normalised only with --mean/--std); grey models (one input channel) take the luminance")
	fs.IntVar(&a.resize, "resize", 256, "--onnx: imagenet preprocessing: short side after resizing")
	fs.IntVar(&a.crop, "crop", 224, "--onnx: imagenet preprocessing: centre crop side")
	fs.StringVar(&a.mean, "mean", "", "--onnx: per-channel mean subtracted after scaling to [0, 1]: three numbers, or one (grey models, or the same for every channel) (default: ImageNet's 0.485,0.456,0.406 for RGB models under --preprocess imagenet, otherwise none)")
	fs.StringVar(&a.std, "std", "", "--onnx: per-channel standard deviation to divide by, as --mean (default: ImageNet's 0.229,0.224,0.225 with its mean, otherwise none)")
	fs.Int64Var(&a.maxPixels, "max-pixels", imageset.DefaultMaxPixels, "--onnx: refuse images of more pixels (width × height), from their header, before decoding")
	fs.StringVar(&a.layers, "layers", "auto", "--onnx: auto (the paper's layers), all, or ONNX value names NAME,...")
	fs.BoolVar(&a.listLayers, "list-layers", false, "--onnx: print every candidate layer with its shape and exit")
	fs.StringVar(&a.backend, "backend", "auto", "--onnx: native (Go, SIMD), gomlx (Go, any graph, slow; build tag gomlx), ort (onnxruntime, build tag ort) or auto (ort when a library is given, else native, else gomlx when built in)")
	fs.StringVar(&a.ortLib, "ort-lib", "", "--onnx: path of libonnxruntime.so (default: $ONNXRUNTIME_LIB)")
	fs.StringVar(&a.saveActivations, "save-activations", "", "--onnx: also write each layer's activations to DIR/NN_NAME.npy (float32)")
	return a
}

// parseTriple parses a --mean or --std value: three comma-separated
// numbers, or one for every channel; "" gives nil (the default).
func parseTriple(flagName, s string) (*[3]float64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 3 && len(parts) != 1 {
		return nil, Usage("--%s %q: want three comma-separated numbers, or one", flagName, s)
	}
	var v [3]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, Usage("--%s %q: %q is not a finite number", flagName, s, p)
		}
		v[i] = x
	}
	if len(parts) == 1 {
		v[1], v[2] = v[0], v[0]
	}
	return &v, nil
}

// maxResize bounds --resize and --crop: an image side beyond it is not a
// network input.
const maxResize = 1 << 16

// options checks the flags and returns the library's description of the
// run; a flag out of range is bad usage.
func (a *onnxArgs) options() (*pipeline.ONNX, error) {
	if a.model == "" {
		return nil, Usage("no --onnx MODEL")
	}
	if a.batch < 1 {
		return nil, Usage("--batch %d: need at least 1", a.batch)
	}
	if a.inputs != "" {
		if a.sample > 0 {
			return nil, Usage("--sample applies to --images; with --inputs use --n (the first rows)")
		}
	} else {
		if a.resize < 1 || a.crop < 1 {
			return nil, Usage("--resize and --crop must be positive")
		}
		if a.maxPixels < 1 {
			return nil, Usage("--max-pixels %d: need at least 1", a.maxPixels)
		}
		// A resized image has at least resize² pixels (its short side is
		// resize), three bytes each, and is resized from up to --max-pixels.
		if px := int64(a.resize) * int64(a.resize); a.preprocess != "none" && (a.resize > maxResize || px > a.maxPixels) {
			return nil, Usage("--resize %d: resized images would have at least %d×%d pixels (%s), over --max-pixels %d", a.resize, a.resize, a.resize, bytesize.Format(3*float64(px)), a.maxPixels)
		}
		if a.crop > maxResize {
			return nil, Usage("--crop %d: over the largest side %d", a.crop, maxResize)
		}
	}
	mean, err := parseTriple("mean", a.mean)
	if err != nil {
		return nil, err
	}
	std, err := parseTriple("std", a.std)
	if err != nil {
		return nil, err
	}
	return &pipeline.ONNX{
		Model: a.model, Images: a.images, Inputs: a.inputs,
		N: a.n, Sample: a.sample, Seed: a.seed, Batch: a.batch,
		Pre:    imageset.Preprocess{Mode: a.preprocess, Resize: a.resize, Crop: a.crop, Mean: mean, Std: std, MaxPixels: a.maxPixels},
		Layers: a.layers, Backend: a.backend, ORTLib: a.ortLib,
		SaveActivations: a.saveActivations,
	}, nil
}

// listONNXLayers prints every candidate layer of the model: value name,
// op, depth, shape per image and units; '*' marks the --layers auto ones.
func listONNXLayers(a *onnxArgs, stdout io.Writer) error {
	o, err := a.options()
	if err != nil {
		return err
	}
	nw, err := pipeline.OpenNetwork(o, true)
	if err != nil {
		return onnxError(err)
	}
	defer nw.Close()
	auto := map[string]bool{}
	for _, v := range nw.Model.Auto() {
		auto[v.Name] = true
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "auto\tlayer\top\tdepth\tshape\tunits")
	for _, l := range nw.Layers {
		mark := ""
		if auto[l.Name] {
			mark = "*"
		}
		dims := make([]string, len(l.Shape))
		for i, d := range l.Shape {
			dims[i] = strconv.Itoa(d)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%d\n", mark, l.Name, l.Op, l.Depth, strings.Join(dims, "×"), l.Dim())
	}
	return tw.Flush()
}

// onnxLayers runs the images through the model once, batched, and returns
// the requested layers' activations (one row per image, flattened), with
// their depth: the number of Conv/Gemm/MatMul nodes from the input.
func onnxLayers(a *onnxArgs, seed uint64, quiet bool, stderr io.Writer) ([]profile.Layer, error) {
	var out []profile.Layer
	err := onnxEachLayer(a, seed, quiet, stderr, func(l profile.Layer) error {
		out = append(out, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// onnxEachLayer checks the flags and hands the layers of
// pipeline.NetworkLayers to fn one at a time, with a progress bar and the
// notes on stderr. An error from fn is returned as is.
func onnxEachLayer(a *onnxArgs, seed uint64, quiet bool, stderr io.Writer, fn func(profile.Layer) error) error {
	a.seed, a.quiet = seed, quiet
	if a.images == "" && a.inputs == "" {
		return Usage("--onnx needs --images DIR (or --inputs ARRAY)")
	}
	if a.images != "" && a.inputs != "" {
		return Usage("give --images or --inputs, not both")
	}
	if a.n < 0 || a.sample < 0 {
		return Usage("--n and --sample must not be negative")
	}
	if a.n > 0 && a.sample > 0 {
		return Usage("give --n or --sample, not both")
	}
	o, err := a.options()
	if err != nil {
		return err
	}
	what := "images"
	if a.inputs != "" {
		what = "inputs"
	}
	var bar *progress.Bar
	o.Begin = func(total int, backend, described string) {
		a.described = described
		if !quiet && backend == "gomlx" {
			fmt.Fprintf(stderr, "intdim: %s runs on the gomlx backend: exact, but slow on large networks; build with -tags ort and give --ort-lib for speed\n", filepath.Base(a.model))
		}
		bar = progress.New(stderr, int64(total), what+" ("+backend+")", quiet)
	}
	o.Progress = func(done, total int) { bar.Set(done, total) }
	first := true
	var fnErr error // an error from fn is returned as is
	described, err := pipeline.NetworkLayers(o, func(l profile.Layer) error {
		if first {
			first = false
			bar.Finish()
			if !quiet && a.inputs == "" {
				fmt.Fprintf(stderr, "intdim: preprocessing: %s\n", a.described)
			}
		}
		fnErr = fn(l)
		return fnErr
	})
	if bar != nil && first {
		bar.Finish()
	}
	a.described = described
	if err != nil && err == fnErr {
		return err
	}
	return onnxError(err)
}

// onnxError words the library's errors for the command line: bad input
// (exit status 2), a batch too large for memory named by its flag.
func onnxError(err error) error {
	var be *pipeline.BatchError
	if errors.As(err, &be) {
		return Usage("--batch %d: a batch of %s images needs %s of input alone, over the memory budget of %s", be.Batch, dims(be.Sample), bytesize.Format(be.Need), bytesize.Format(float64(be.Budget)))
	}
	return BadInput(err)
}
