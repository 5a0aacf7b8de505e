package cli

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/imageset"
	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/onnx"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/tensorio/npy"
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

// onnxSetup is a checked model with its runner and image geometry.
type onnxSetup struct {
	m      *onnx.Model
	r      onnx.Runner
	pre    *imageset.Preprocess
	h, w   int
	layers []onnx.Layer // every candidate
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

// setup opens the model and its runner and evaluates the candidate layers.
// For a listing, a model with a fixed input size is taken at that size
// whatever the preprocessing flags.
func (a *onnxArgs) setup(list bool) (*onnxSetup, error) {
	if a.model == "" {
		return nil, Usage("no --onnx MODEL")
	}
	mean, err := parseTriple("mean", a.mean)
	if err != nil {
		return nil, err
	}
	std, err := parseTriple("std", a.std)
	if err != nil {
		return nil, err
	}
	if a.batch < 1 {
		return nil, Usage("--batch %d: need at least 1", a.batch)
	}
	if a.resize < 1 || a.crop < 1 {
		return nil, Usage("--resize and --crop must be positive")
	}
	if a.maxPixels < 1 {
		return nil, Usage("--max-pixels %d: need at least 1", a.maxPixels)
	}
	// A resized image has at least resize² pixels (its short side is
	// resize), three bytes each, and is resized from up to --max-pixels.
	if px := int64(a.resize) * int64(a.resize); a.preprocess != "none" && (a.resize > maxResize || px > a.maxPixels) {
		return nil, Usage("--resize %d: resized images would have at least %d×%d pixels (%s), over --max-pixels %d", a.resize, a.resize, a.resize, formatBytes(3*float64(px)), a.maxPixels)
	}
	if a.crop > maxResize {
		return nil, Usage("--crop %d: over the largest side %d", a.crop, maxResize)
	}
	m, err := onnx.Open(a.model)
	if err != nil {
		return nil, BadInput(err)
	}
	if err := m.CheckImages(); err != nil {
		return nil, BadInput(err)
	}
	pre := &imageset.Preprocess{Mode: a.preprocess, Resize: a.resize, Crop: a.crop, Mean: mean, Std: std, MaxPixels: a.maxPixels}
	c := m.Channels()
	if c == 1 && (mean != nil && (mean[1] != mean[0] || mean[2] != mean[0]) || std != nil && (std[1] != std[0] || std[2] != std[0])) {
		return nil, Usage("%s: the model takes grey images (one channel): give one number to --mean and --std", a.model)
	}
	mh, mw := max(m.InputShape[2], 0), max(m.InputShape[3], 0)
	h, w, err := pre.Check(mh, mw)
	if list && mh > 0 && mw > 0 {
		h, w, err = mh, mw, nil
	}
	if err != nil {
		return nil, Usage("%s: %v", a.model, err)
	}
	budget := onnx.DefaultMaxBytes()
	if m.InputShape[0] < 0 {
		if need := 4 * float64(a.batch) * float64(c) * float64(h) * float64(w); need > float64(budget) {
			return nil, Usage("--batch %d: a batch of %d×%d×%d images needs %s of input alone, over the memory budget of %s", a.batch, c, h, w, formatBytes(need), formatBytes(float64(budget)))
		}
	}
	r, err := onnx.NewRunner(m, &onnx.RunnerOptions{Backend: a.backend, ORTLib: a.ortLib, MaxBytes: budget})
	if err != nil {
		return nil, Usage("%v", err)
	}
	layers, err := m.Layers(r, h, w)
	if err != nil {
		r.Close()
		return nil, BadInput(err)
	}
	a.described = pre.Describe(c, h, w)
	return &onnxSetup{m: m, r: r, pre: pre, h: h, w: w, layers: layers}, nil
}

// listONNXLayers prints every candidate layer of the model: value name,
// op, depth, shape per image and units; '*' marks the --layers auto ones.
func listONNXLayers(a *onnxArgs, stdout io.Writer) error {
	var s *onnxSetup
	var err error
	if a.inputs != "" {
		var as *arrayInputs
		if as, err = a.arraySetup(); err == nil {
			s = as.onnxSetup
		}
	} else {
		s, err = a.setup(true)
	}
	if err != nil {
		return err
	}
	defer s.r.Close()
	auto := map[string]bool{}
	for _, v := range s.m.Auto() {
		auto[v.Name] = true
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "auto\tlayer\top\tdepth\tshape\tunits")
	for _, l := range s.layers {
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

// imageSource feeds preprocessed images to onnx.Forward.
type imageSource struct {
	files []string
	pre   *imageset.Preprocess
	h, w  int
}

func (s *imageSource) Len() int { return len(s.files) }
func (s *imageSource) Load(i int, dst []float32) error {
	return imageset.Load(dst, s.files[i], s.pre, s.h, s.w)
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

// onnxEachLayer is onnxLayers handing the layers to fn one at a time, in
// order: the activations are held as float32 while the images run, and only
// the layer passed to fn is in float64, so that a caller that estimates
// and drops each layer needs N × (units of all layers) × 4 bytes plus one
// layer × 8 bytes. An error from fn stops it and is returned as is.
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
	var s *onnxSetup
	var src onnx.Source
	var fo onnx.ForwardOptions
	if a.inputs != "" {
		as, err := a.arraySetup()
		if err != nil {
			return err
		}
		s, src, fo = as.onnxSetup, as, onnx.ForwardOptions{Sample: as.sample, Extra: as.extra}
	} else {
		files, err := imageset.List(a.images)
		if err != nil {
			return BadInput(err)
		}
		if files, err = imageset.Select(files, a.n, a.sample, seed); err != nil {
			return BadInput(fmt.Errorf("%s: %v", a.images, err))
		}
		if len(files) < 3 {
			return BadInput(fmt.Errorf("%s: %d images; an ID needs at least 3", a.images, len(files)))
		}
		if s, err = a.setup(false); err != nil {
			return err
		}
		src, fo = &imageSource{files: files, pre: s.pre, h: s.h, w: s.w}, onnx.ForwardOptions{H: s.h, W: s.w}
	}
	defer s.r.Close()
	sel, err := s.m.Select(s.layers, a.layers)
	if err != nil {
		return BadInput(err)
	}
	if a.saveActivations != "" {
		// Checked now, created once the images have run: an interrupted
		// or failed run leaves no empty folder behind.
		if st, err := os.Stat(a.saveActivations); err == nil && !st.IsDir() {
			return BadInput(fmt.Errorf("--save-activations %s: not a directory", a.saveActivations))
		}
	}
	n := src.Len()
	// The activations of every selected layer are held as float32 until
	// the images have run.
	var need float64
	for _, l := range sel {
		need += 4 * float64(n) * float64(l.Dim())
	}
	if budget := onnx.DefaultMaxBytes(); need > float64(budget) {
		return BadInput(fmt.Errorf("%s: the activations of %d layers for %d images need %s, over the memory budget of %s (use fewer --layers or images)", a.model, len(sel), n, formatBytes(need), formatBytes(float64(budget))))
	}
	acts := make([][]float32, len(sel))
	for j, l := range sel {
		acts[j] = make([]float32, 0, n*l.Dim())
	}
	if !quiet && s.r.Name() == "gomlx" {
		why := ""
		if err := s.m.NativeSupport(); err != nil {
			why = " (" + strings.TrimPrefix(err.Error(), a.model+": ") + ")"
		}
		fmt.Fprintf(stderr, "intdim: %s runs on the gomlx backend%s: exact, but slow on large networks; build with -tags ort and give --ort-lib for speed\n", filepath.Base(a.model), why)
	}
	what := "images"
	if a.inputs != "" {
		what = "inputs"
	}
	bar := progress.New(stderr, int64(n), what+" ("+s.r.Name()+")", quiet)
	fo.Batch, fo.Progress = a.batch, bar.Set
	err = onnx.Forward(s.m, s.r, src, sel, fo,
		func(start, k int, batch [][]float32) error {
			for j := range batch {
				acts[j] = append(acts[j], batch[j]...)
			}
			return nil
		})
	bar.Finish()
	if err != nil {
		return BadInput(err)
	}
	if !quiet && a.inputs == "" {
		fmt.Fprintf(stderr, "intdim: preprocessing: %s\n", a.described)
	}
	if a.saveActivations != "" {
		if err := os.MkdirAll(a.saveActivations, 0o755); err != nil {
			return BadInput(err)
		}
	}
	for j, l := range sel {
		if a.saveActivations != "" {
			shape := append([]int{n}, l.Shape...)
			name := fmt.Sprintf("%02d_%s.npy", j, fileSafe(l.Name))
			err := atomicfile.WriteFile(filepath.Join(a.saveActivations, name), func(w io.Writer) error {
				return npy.Write(w, shape, acts[j])
			})
			if err != nil {
				return err
			}
		}
	}
	for j, l := range sel {
		d := float64(l.Depth)
		x, err := cloud.New32(acts[j], n, l.Dim())
		if err != nil {
			return err
		}
		acts[j] = nil
		if err := fn(profile.Layer{Name: l.Name, Points: x, Depth: &d}); err != nil {
			return err
		}
	}
	return nil
}

// fileSafe turns an ONNX value name into a file name.
func fileSafe(name string) string {
	b := []byte(strings.Trim(name, "/"))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "value"
	}
	return string(b)
}
