package onnx

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	ob "github.com/intdim/intdim/internal/onnxbuild"
)

// maskModel has two inputs, x float32 [N, 4] and an int64 mask [N, 4]:
// h = x·W, y = where(mask == 0, −100, h), as an attention mask is applied.
func maskModel() *ob.Model {
	w := make([]float32, 16)
	for i := range w {
		w[i] = float32(i%5) - 2
	}
	return ob.MaskModel(w)
}

// rowsSource serves rows of x followed by rows of mask, as Forward wants
// the inputs of a model with several.
type rowsSource struct {
	x, mask []float32
	d       int
}

func (s rowsSource) Len() int { return len(s.x) / s.d }
func (s rowsSource) Load(i int, dst []float32) error {
	copy(dst, s.x[i*s.d:(i+1)*s.d])
	copy(dst[s.d:], s.mask[i*s.d:(i+1)*s.d])
	return nil
}

// TestSeveralInputs runs the two-input model natively, in batches that do
// not divide N, and checks h and y against x·W and the mask computed here.
func TestSeveralInputs(t *testing.T) {
	m, err := Parse("mask.onnx", maskModel().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.InputNames(), []string{"x", "mask"}) || m.InputInt || len(m.Extra) != 1 || !m.Extra[0].Int {
		t.Fatalf("inputs %v, extra %+v", m.InputNames(), m.Extra)
	}
	if err := m.CheckImages(); err == nil || !strings.Contains(err.Error(), "x, mask") {
		t.Errorf("CheckImages: %v", err)
	}
	for _, b := range []string{"gomlx", "ort"} {
		if _, err := NewRunner(m, &RunnerOptions{Backend: b}); err == nil || !strings.Contains(err.Error(), "only the native backend") {
			t.Errorf("backend %s: %v", b, err)
		}
	}
	r, err := NewRunner(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.LayersFor(r, []int{4}); err == nil || !strings.Contains(err.Error(), "1 input arrays for a model of 2 inputs (x, mask)") {
		t.Errorf("LayersFor without the mask: %v", err)
	}
	layers, err := m.LayersFor(r, []int{4}, []int{4})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range layers {
		names = append(names, l.Name)
	}
	if !slices.Equal(names, []string{"x", "h", "y"}) { // c is boolean
		t.Fatalf("layers %v", names)
	}
	const n, d = 11, 4
	rng := rand.New(rand.NewPCG(1, 2))
	x, mask := make([]float32, n*d), make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
		mask[i] = float32(rng.IntN(2))
	}
	w := maskModel().Inits[0].Floats
	var got [3][]float32
	err = Forward(m, r, rowsSource{x, mask, d}, layers, ForwardOptions{Sample: []int{d}, Extra: [][]int{{d}}, Batch: 4},
		func(start, k int, acts [][]float32) error {
			for j := range acts {
				got[j] = append(got[j], acts[j]...)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[0], x) {
		t.Errorf("input layer differs from x")
	}
	for i := range n {
		for j := range d {
			var h float32
			for k := range d {
				h += x[i*d+k] * w[k*d+j]
			}
			y := h
			if mask[i*d+j] == 0 {
				y = -100
			}
			if diff := got[1][i*d+j] - h; diff > 1e-5 || diff < -1e-5 {
				t.Fatalf("h[%d,%d] = %v, want %v", i, j, got[1][i*d+j], h)
			}
			if got[2][i*d+j] != y && (y == -100 || got[2][i*d+j]-y > 1e-5 || y-got[2][i*d+j] > 1e-5) {
				t.Fatalf("y[%d,%d] = %v, want %v", i, j, got[2][i*d+j], y)
			}
		}
	}
	// A mask that is not integer is refused naming the input.
	mask[5] = 0.5
	err = Forward(m, r, rowsSource{x, mask, d}, layers, ForwardOptions{Sample: []int{d}, Extra: [][]int{{d}}, Batch: 4},
		func(int, int, [][]float32) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `input "mask" holds integers`) {
		t.Errorf("fractional mask: %v", err)
	}
}

// TestSeveralInputsRefused: inputs that cannot be batched together (fixed
// batch dimensions that differ) or of another type are refused by Parse,
// naming them.
func TestSeveralInputsRefused(t *testing.T) {
	m := maskModel()
	m.Inputs[0].Dims = []int64{8, 4}
	m.Inputs[1].Dims = []int64{4, 4}
	if _, err := Parse("mask.onnx", m.Bytes()); err == nil || !strings.Contains(err.Error(), `inputs "x" and "mask" have batch dimensions 8 and 4`) {
		t.Errorf("batch dimensions 8 and 4: %v", err)
	}
	m = maskModel()
	m.Inputs[1].Elem = tensorBool
	if _, err := Parse("mask.onnx", m.Bytes()); err == nil || !strings.Contains(err.Error(), `input "mask" is not a float32 tensor`) {
		t.Errorf("boolean mask: %v", err)
	}
	m = maskModel()
	m.Inputs[1].Dims = []int64{}
	if _, err := Parse("mask.onnx", m.Bytes()); err == nil || !strings.Contains(err.Error(), `input "mask" is a scalar`) {
		t.Errorf("scalar mask: %v", err)
	}
}
