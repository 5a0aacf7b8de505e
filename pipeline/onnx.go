package pipeline

import (
	"errors"
	"fmt"
	"github.com/intdim/intdim/internal/bytesize"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/imageset"
	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/onnx"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/tensorio"
	"github.com/intdim/intdim/tensorio/npy"
)

// ONNX describes one run of an ONNX model over images or arrays, whose
// layers' activations become the layers of a profile (Ansuini et al. 2019:
// one forward pass per batch, every selected layer gathered at once).
// Exactly one of Images and Inputs is set.
type ONNX struct {
	Model  string // the .onnx file
	Images string // a folder of JPEG/PNG images (sub-folders included)
	// Inputs is an array (npy, npz, safetensors; FILE:NAME) fed to the
	// model instead of images, batched along axis 0; for a model with
	// several inputs, an .npz with one array per input name.
	Inputs string
	// N uses the first N images or rows (0: all); Sample draws N images at
	// random with Seed instead.
	N, Sample int
	Seed      uint64
	Batch     int // images or rows per forward pass (0: 32)
	// Pre is the image preprocessing (imageset.Preprocess); ignored for
	// Inputs.
	Pre imageset.Preprocess
	// Layers selects the layers: "auto" (the paper's choice, the default),
	// "all", or ONNX value names separated by commas.
	Layers          string
	Backend, ORTLib string // onnx.RunnerOptions
	// SaveActivations, when set, is a directory that receives each
	// layer's activations as NN_NAME.npy (float32), written atomically
	// once the forward passes have run.
	SaveActivations string
	// Begin, when set, is called once before the forward passes with the
	// number of images or rows, the backend's name and what is fed
	// (Network.Described); Progress after each batch.
	Begin    func(total int, backend, described string)
	Progress func(done, total int)
}

// Network is an opened model with its runner and the candidate layers.
type Network struct {
	Model  *onnx.Model
	runner onnx.Runner
	// Layers is every candidate layer (value) of the model.
	Layers []onnx.Layer
	// Described says what was fed and how it was preprocessed.
	Described string

	pre    *imageset.Preprocess
	h, w   int
	arrays *arrayInputs // set for Inputs
}

// Backend is the name of the runner that executes the model.
func (nw *Network) Backend() string { return nw.runner.Name() }

// Close releases the runner.
func (nw *Network) Close() { nw.runner.Close() }

func (o *ONNX) batch() int {
	if o.Batch <= 0 {
		return 32
	}
	return o.Batch
}

// OpenNetwork opens o's model and runner and evaluates its candidate
// layers, for o.Images (at the preprocessed size; for a listing, list,
// a model with a fixed input size is taken at that size) or o.Inputs.
func OpenNetwork(o *ONNX, list bool) (*Network, error) {
	if o.Inputs != "" {
		return openArrays(o)
	}
	m, err := onnx.Open(o.Model)
	if err != nil {
		return nil, err
	}
	if err := m.CheckImages(); err != nil {
		return nil, err
	}
	pre := o.Pre
	c := m.Channels()
	mean, std := pre.Mean, pre.Std
	if c == 1 && (mean != nil && (mean[1] != mean[0] || mean[2] != mean[0]) || std != nil && (std[1] != std[0] || std[2] != std[0])) {
		return nil, fmt.Errorf("%s: the model takes grey images (one channel): give one mean and one standard deviation", o.Model)
	}
	mh, mw := max(m.InputShape[2], 0), max(m.InputShape[3], 0)
	h, w, err := pre.Check(mh, mw)
	if list && mh > 0 && mw > 0 {
		h, w, err = mh, mw, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", o.Model, err)
	}
	budget := onnx.DefaultMaxBytes()
	if m.InputShape[0] < 0 {
		if need := 4 * float64(o.batch()) * float64(c) * float64(h) * float64(w); need > float64(budget) {
			return nil, &BatchError{Batch: o.batch(), Sample: []int{c, h, w}, Need: need, Budget: budget}
		}
	}
	r, err := onnx.NewRunner(m, &onnx.RunnerOptions{Backend: o.Backend, ORTLib: o.ORTLib, MaxBytes: budget})
	if err != nil {
		return nil, err
	}
	layers, err := m.Layers(r, h, w)
	if err != nil {
		r.Close()
		return nil, err
	}
	return &Network{Model: m, runner: r, Layers: layers, Described: pre.Describe(c, h, w), pre: &pre, h: h, w: w}, nil
}

// BatchError is returned when one batch of inputs alone would exceed the
// memory budget.
type BatchError struct {
	Batch  int
	Sample []int // the shape of one input (C, H, W for images)
	Need   float64
	Budget int64
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("a batch of %d inputs of %s needs %s of input alone, over the memory budget of %s", e.Batch, dims(e.Sample), bytesize.Format(e.Need), bytesize.Format(float64(e.Budget)))
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

// NetworkLayers runs o's images or arrays through the model once, batched,
// and hands the selected layers' activations (one row per image,
// flattened, float32) to fn one at a time, in order, with their depth: the
// number of Conv/Gemm/MatMul nodes from the input. The activations of all
// selected layers are held as float32 while the batches run (refused
// beforehand when they would exceed the memory budget); each is released
// once fn returns. An error from fn stops the run and is returned as is.
// It returns what was fed and how it was preprocessed.
func NetworkLayers(o *ONNX, fn func(profile.Layer) error) (described string, err error) {
	if (o.Images == "") == (o.Inputs == "") {
		return "", errors.New("pipeline: NetworkLayers needs exactly one of Images and Inputs")
	}
	var nw *Network
	var src onnx.Source
	var fo onnx.ForwardOptions
	if o.Inputs != "" {
		if nw, err = openArrays(o); err != nil {
			return "", err
		}
		as := nw.arrays
		src, fo = as, onnx.ForwardOptions{Sample: as.sample, Extra: as.extra}
	} else {
		files, err := imageset.List(o.Images)
		if err != nil {
			return "", err
		}
		if files, err = imageset.Select(files, o.N, o.Sample, o.Seed); err != nil {
			return "", fmt.Errorf("%s: %v", o.Images, err)
		}
		if len(files) < 3 {
			return "", fmt.Errorf("%s: %d images; an ID needs at least 3", o.Images, len(files))
		}
		if nw, err = OpenNetwork(o, false); err != nil {
			return "", err
		}
		src, fo = &imageSource{files: files, pre: nw.pre, h: nw.h, w: nw.w}, onnx.ForwardOptions{H: nw.h, W: nw.w}
	}
	defer nw.Close()
	sel, err := nw.Model.Select(nw.Layers, o.Layers)
	if err != nil {
		return "", err
	}
	if o.SaveActivations != "" {
		// Checked now, created once the batches have run: an interrupted
		// or failed run leaves no empty folder behind.
		if st, err := os.Stat(o.SaveActivations); err == nil && !st.IsDir() {
			return "", fmt.Errorf("%s: not a directory, where the activations would be saved", o.SaveActivations)
		}
	}
	n := src.Len()
	var need float64
	for _, l := range sel {
		need += 4 * float64(n) * float64(l.Dim())
	}
	if budget := onnx.DefaultMaxBytes(); need > float64(budget) {
		return "", fmt.Errorf("%s: the activations of %d layers for %d images need %s, over the memory budget of %s (select fewer layers or images)", o.Model, len(sel), n, bytesize.Format(need), bytesize.Format(float64(budget)))
	}
	acts := make([][]float32, len(sel))
	for j, l := range sel {
		acts[j] = make([]float32, 0, n*l.Dim())
	}
	if o.Begin != nil {
		o.Begin(n, nw.Backend(), nw.Described)
	}
	fo.Batch, fo.Progress = o.batch(), o.Progress
	err = onnx.Forward(nw.Model, nw.runner, src, sel, fo,
		func(start, k int, batch [][]float32) error {
			for j := range batch {
				acts[j] = append(acts[j], batch[j]...)
			}
			return nil
		})
	if err != nil {
		return "", err
	}
	if o.SaveActivations != "" {
		if err := os.MkdirAll(o.SaveActivations, 0o755); err != nil {
			return "", err
		}
		for j, l := range sel {
			shape := append([]int{n}, l.Shape...)
			name := fmt.Sprintf("%02d_%s.npy", j, fileSafe(l.Name))
			err := atomicfile.WriteFile(filepath.Join(o.SaveActivations, name), func(w io.Writer) error {
				return npy.Write(w, shape, acts[j])
			})
			if err != nil {
				return "", err
			}
		}
	}
	for j, l := range sel {
		d := float64(l.Depth)
		x, err := cloud.New32(acts[j], n, l.Dim())
		if err != nil {
			return "", err
		}
		acts[j] = nil
		if err := fn(profile.Layer{Name: l.Name, Points: x, Depth: &d}); err != nil {
			return "", err
		}
	}
	return nw.Described, nil
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

// arrayInputs feeds arrays instead of images: their rows, batched along
// axis 0, one array per model input (the first one's row first in Load).
type arrayInputs struct {
	as     []*tensorio.Array // one per input, in Model.InputNames order
	n      int               // rows used
	sample []int             // shape of one row of the first input
	extra  [][]int           // shapes of one row of the others
}

func (s *arrayInputs) Len() int { return s.n }
func (s *arrayInputs) Load(i int, dst []float32) error {
	for _, a := range s.as {
		d := numelOf(a.Shape[1:])
		if a.Data32 != nil {
			copy(dst, a.Data32[i*d:(i+1)*d])
		} else {
			for j, v := range a.Data[i*d : (i+1)*d] {
				dst[j] = float32(v)
			}
		}
		dst = dst[d:]
	}
	return nil
}

func numelOf(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// inputArrays picks the arrays fed to the model's inputs: the only array,
// or the one named as the input; for a model with several inputs, one
// member per input name, no other, all with the same number of rows.
func inputArrays(spec string, m *onnx.Model, arrays []*tensorio.Array) ([]*tensorio.Array, error) {
	names := make([]string, len(arrays))
	byName := map[string]*tensorio.Array{}
	for i, t := range arrays {
		names[i] = t.Name
		byName[t.Name] = t
	}
	if len(m.Extra) == 0 {
		if len(arrays) == 1 {
			return arrays, nil
		}
		if x := byName[m.Input]; x != nil {
			return []*tensorio.Array{x}, nil
		}
		return nil, fmt.Errorf("%s: holds %d arrays (%s) and none is named as the model's input %q; use %s:NAME", spec, len(arrays), strings.Join(names, ", "), m.Input, spec)
	}
	inputs := m.InputNames()
	var out []*tensorio.Array
	var missing, extra []string
	for _, name := range inputs {
		if x := byName[name]; x != nil {
			out = append(out, x)
		} else {
			missing = append(missing, name)
		}
	}
	for _, name := range names {
		if !slices.Contains(inputs, name) {
			extra = append(extra, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: no array for the model's input %s (the model takes %s; give an .npz with one array per input)", spec, strings.Join(quoted(missing), ", "), strings.Join(inputs, ", "))
	}
	if len(extra) > 0 {
		return nil, fmt.Errorf("%s: array %s is not an input of the model (it takes %s)", spec, strings.Join(quoted(extra), ", "), strings.Join(inputs, ", "))
	}
	for i, x := range out[1:] {
		if len(x.Shape) == 0 || len(out[0].Shape) == 0 || x.Shape[0] != out[0].Shape[0] {
			return nil, fmt.Errorf("%s: array %q has shape %v but %q has shape %v; every input is batched along axis 0, with the same number of rows", spec, inputs[i+1], x.Shape, inputs[0], out[0].Shape)
		}
	}
	return out, nil
}

func quoted(s []string) []string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return q
}

// openArrays opens the model and o.Inputs and checks that they fit: each
// array's rank and fixed dimensions those of its input, at least 3 rows
// (the first o.N when given), finite values, integers for int64 inputs.
func openArrays(o *ONNX) (*Network, error) {
	m, err := onnx.Open(o.Model)
	if err != nil {
		return nil, err
	}
	arrays, err := tensorio.Open(o.Inputs)
	if err != nil {
		return nil, err
	}
	xs, err := inputArrays(o.Inputs, m, arrays)
	if err != nil {
		return nil, err
	}
	shapes := [][]int{m.InputShape}
	ints := []bool{m.InputInt}
	for _, in := range m.Extra {
		shapes, ints = append(shapes, in.Shape), append(ints, in.Int)
	}
	inputs := m.InputNames()
	x := xs[0]
	for k, x := range xs {
		what := o.Inputs
		if len(xs) > 1 {
			what = fmt.Sprintf("%s: array %q", o.Inputs, inputs[k])
		}
		bad := len(x.Shape) != len(shapes[k])
		for i := 1; !bad && i < len(x.Shape); i++ {
			bad = shapes[k][i] > 0 && shapes[k][i] != x.Shape[i]
		}
		if bad {
			return nil, fmt.Errorf("%s: array of shape %v for the input %q of shape %v (-1: free)", what, x.Shape, inputs[k], shapes[k])
		}
		if ints[k] { // token ids travel as float32: exact up to 2²⁴
			for i, v := range x.Float64() {
				if v != math.Trunc(v) || math.Abs(v) > 1<<24 {
					return nil, fmt.Errorf("%s: element %d is %v: the input %q takes integer token ids below 2^24", what, i, v, inputs[k])
				}
			}
		}
	}
	n := x.Shape[0]
	if o.N > 0 {
		if o.N > n {
			return nil, fmt.Errorf("%s: asked for %d rows but there are %d", o.Inputs, o.N, n)
		}
		n = o.N
	}
	if n < 3 {
		return nil, fmt.Errorf("%s: %d rows; an ID needs at least 3", o.Inputs, n)
	}
	for _, x := range xs {
		if len(x.Shape) >= 2 {
			if err := tensorio.CheckPoints(x); err != nil {
				return nil, err
			}
		}
	}
	r, err := onnx.NewRunner(m, &onnx.RunnerOptions{Backend: o.Backend, ORTLib: o.ORTLib, MaxBytes: onnx.DefaultMaxBytes()})
	if err != nil {
		return nil, err
	}
	sample := slices.Clone(x.Shape[1:])
	var extra [][]int
	for _, x := range xs[1:] {
		extra = append(extra, slices.Clone(x.Shape[1:]))
	}
	layers, err := m.LayersFor(r, sample, extra...)
	if err != nil {
		r.Close()
		return nil, err
	}
	described := fmt.Sprintf("arrays of shape %v from %s", sample, o.Inputs)
	if len(xs) > 1 {
		described = fmt.Sprintf("%d arrays (%s) of %d rows from %s", len(xs), strings.Join(inputs, ", "), x.Shape[0], o.Inputs)
	}
	return &Network{Model: m, runner: r, Layers: layers, Described: described,
		arrays: &arrayInputs{as: xs, n: n, sample: sample, extra: extra}}, nil
}
