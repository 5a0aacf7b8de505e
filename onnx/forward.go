package onnx

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Source supplies the images of a forward run. Load is called from
// several goroutines at once, for different images.
type Source interface {
	Len() int
	// Load writes image i, preprocessed, to dst (C × H × W floats, C the
	// model's Channels).
	Load(i int, dst []float32) error
}

// Layer is a candidate layer with the shape of one image's activation.
type Layer struct {
	Value
	Shape []int // without the batch dimension
}

// Dim is the number of units: the product of the shape.
func (l Layer) Dim() int {
	d := 1
	for _, s := range l.Shape {
		d *= s
	}
	return d
}

// batchFor returns the batch size to run: the model's own when its batch
// dimension is fixed.
func (m *Model) batchFor(batch int) int {
	if m.InputShape[0] > 0 {
		return m.InputShape[0]
	}
	if batch <= 0 {
		panic("onnx: batch size must be positive")
	}
	return batch
}

// Layers evaluates every candidate of Values on a blank h × w image and
// returns the float32 ones with their shapes, in graph order.
func (m *Model) Layers(r Runner, h, w int) ([]Layer, error) {
	return m.LayersFor(r, []int{m.Channels(), h, w})
}

// LayersFor is Layers for inputs of the given shape without the batch
// dimension (an image is C, H, W; a sequence of tokens T, D), evaluated on
// zeros. A model with several inputs takes the shapes of the others
// (Model.Extra) in extra.
func (m *Model) LayersFor(r Runner, sample []int, extra ...[]int) ([]Layer, error) {
	b := m.batchFor(1)
	samples := append([][]int{sample}, extra...)
	if err := m.checkSamples(r, b, samples); err != nil {
		return nil, err
	}
	vals := m.Values()
	names := make([]string, 0, len(vals))
	for _, v := range vals[1:] {
		names = append(names, v.Name)
	}
	xs, shapes := make([][]float32, len(samples)), make([][]int, len(samples))
	for i, s := range samples {
		shapes[i] = append([]int{b}, s...)
		xs[i] = make([]float32, numel(shapes[i]))
	}
	out, err := runInputs(m, r, xs, shapes, names)
	if err != nil {
		return nil, err
	}
	layers := []Layer{{Value: vals[0], Shape: slices.Clone(sample)}}
	for i, t := range out {
		if !t.Float || len(t.Shape) == 0 || t.Shape[0] != b {
			continue
		}
		layers = append(layers, Layer{Value: vals[i+1], Shape: slices.Clone(t.Shape[1:])})
	}
	return layers, nil
}

// checkSamples is checkBatch for every input: one sample shape per input
// (Model.InputNames), as many as the model has.
func (m *Model) checkSamples(r Runner, b int, samples [][]int) error {
	if len(samples) != len(m.Extra)+1 {
		return fmt.Errorf("%s: %d input arrays for a model of %d inputs (%s)", m.Path, len(samples), len(m.Extra)+1, strings.Join(m.InputNames(), ", "))
	}
	if len(samples) == 1 {
		return m.checkBatch(r, b, samples[0])
	}
	var total []int
	for _, s := range samples {
		n, ok := checkedNumel(s)
		if !ok || n > maxDim {
			return fmt.Errorf("%s: inputs of shape %v: more than 2³¹ values each", m.Path, s)
		}
		total = append(total, int(n))
	}
	n := 0
	for _, t := range total {
		n += t
	}
	return m.checkBatch(r, b, []int{n})
}

// checkBatch refuses an input batch of b samples of the given shape that
// would not fit in the runner's memory budget, naming the input.
func (m *Model) checkBatch(r Runner, b int, sample []int) error {
	n, ok := checkedNumel(append([]int{b}, sample...))
	budget := maxBytes(r)
	if !ok || 4*n > budget {
		need := "more than 2⁵⁶ floats"
		if ok {
			need = humanBytes(4 * n)
		}
		what := "inputs of shape " + fmt.Sprint(sample)
		if len(sample) == 3 {
			what = fmt.Sprintf("images of %d×%d×%d", sample[0], sample[1], sample[2])
		}
		return fmt.Errorf("%s: input %q: a batch of %d %s needs %s, over the memory budget of %s", m.Path, m.Input, b, what, need, humanBytes(budget))
	}
	return nil
}

// ForwardOptions configures Forward.
type ForwardOptions struct {
	H, W   int   // input size of the images from the source
	Sample []int // for inputs that are not images: the shape of one input (no batch dimension); H and W are then unused
	// Extra are the sample shapes of the model's other inputs
	// (Model.Extra), whose values Source.Load writes after the first
	// input's, in order.
	Extra [][]int
	Batch int // images per forward pass (the model's own if fixed); 0 means 32
	// Progress, if not nil, is called after each batch with the number of
	// images done and the number of images of the source.
	Progress func(done, total int)
}

// Forward runs every image of src through r once, in batches, and hands
// each batch's activations of the layers to sink: acts[j] holds n rows
// (images start … start+n−1) of layers[j].Dim() floats, valid only during
// the call. The input layer is taken from the images themselves.
func Forward(m *Model, r Runner, src Source, layers []Layer, opt ForwardOptions, sink func(start, n int, acts [][]float32) error) error {
	if opt.Batch == 0 {
		opt.Batch = 32
	}
	b := m.batchFor(opt.Batch)
	sample := opt.Sample
	if sample == nil {
		sample = []int{m.Channels(), opt.H, opt.W}
	}
	samples := append([][]int{sample}, opt.Extra...)
	if err := m.checkSamples(r, b, samples); err != nil {
		return err
	}
	img := numel(sample)
	sizes := make([]int, len(samples)) // floats of one sample of each input
	per := 0
	for i, s := range samples {
		sizes[i] = numel(s)
		per += sizes[i]
	}
	var names []string
	for _, l := range layers {
		if l.Name != m.Input {
			names = append(names, l.Name)
		}
	}
	x := make([]float32, b*per)
	xs := make([][]float32, len(samples)) // each input's batch, split from x
	if len(samples) > 1 {
		for i := range xs {
			xs[i] = make([]float32, b*sizes[i])
		}
	}
	acts := make([][]float32, len(layers))
	total := src.Len()
	for start := 0; start < total; start += b {
		n := min(b, total-start)
		if err := loadBatch(src, start, n, x, per); err != nil {
			return err
		}
		rows := n
		if m.InputShape[0] > 0 {
			clear(x[n*per:]) // fixed batch: pad with blank images
			rows = b
		}
		if len(samples) > 1 {
			for k := range rows {
				off := k * per
				for i, d := range sizes {
					copy(xs[i][k*d:(k+1)*d], x[off:off+d])
					off += d
				}
			}
		} else {
			xs[0] = x
		}
		var out []Tensor
		if len(names) > 0 {
			shapes := make([][]int, len(samples))
			in := make([][]float32, len(samples))
			for i, s := range samples {
				shapes[i] = append([]int{rows}, s...)
				in[i] = xs[i][:rows*sizes[i]]
			}
			var err error
			out, err = runInputs(m, r, in, shapes, names)
			if err != nil {
				return err
			}
		}
		k := 0
		for j, l := range layers {
			if l.Name == m.Input {
				acts[j] = xs[0][:n*img]
				continue
			}
			t := out[k]
			k++
			if !t.Float {
				return fmt.Errorf("%s: value %q is not float32", m.Path, l.Name)
			}
			d := l.Dim()
			if len(t.Shape) == 0 || t.Shape[0] != rows || len(t.Data) != rows*d {
				return fmt.Errorf("%s: value %q has shape %v for a batch of %d, expected (%d, %v)", m.Path, l.Name, t.Shape, rows, rows, l.Shape)
			}
			acts[j] = t.Data[:n*d]
		}
		if err := sink(start, n, acts); err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress(start+n, total)
		}
	}
	return nil
}

// loadBatch loads images start … start+n−1 into x, img floats each, from
// up to GOMAXPROCS goroutines. The error reported is that of the first
// failing image, whatever the scheduling.
func loadBatch(src Source, start, n int, x []float32, img int) error {
	errs := make([]error, n)
	workers := min(n, runtime.GOMAXPROCS(0))
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				errs[i] = src.Load(start+i, x[i*img:(i+1)*img])
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
