package cli

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/intdim/intdim/onnx"
	"github.com/intdim/intdim/tensorio"
)

// arrayInputs is an ONNX model fed an array instead of images
// (profile --onnx M --inputs X.npy): its rows, batched along axis 0.
type arrayInputs struct {
	*onnxSetup
	a      *tensorio.Array
	n      int   // rows used
	sample []int // shape of one row
}

func (s *arrayInputs) Len() int { return s.n }
func (s *arrayInputs) Load(i int, dst []float32) error {
	d := len(dst)
	if s.a.Data32 != nil {
		copy(dst, s.a.Data32[i*d:(i+1)*d])
		return nil
	}
	for j, v := range s.a.Data[i*d : (i+1)*d] {
		dst[j] = float32(v)
	}
	return nil
}

// arraySetup opens the model and the --inputs array and checks that they
// fit: the array's rank and fixed dimensions those of the model's input,
// at least 3 rows (the first --n when given), finite values. A container
// of several arrays gives the one named as the model's input.
func (a *onnxArgs) arraySetup() (*arrayInputs, error) {
	if a.sample > 0 {
		return nil, Usage("--sample applies to --images; with --inputs use --n (the first rows)")
	}
	if a.batch < 1 {
		return nil, Usage("--batch %d: need at least 1", a.batch)
	}
	m, err := onnx.Open(a.model)
	if err != nil {
		return nil, BadInput(err)
	}
	arrays, err := tensorio.Open(a.inputs)
	if err != nil {
		return nil, BadInput(err)
	}
	x := arrays[0]
	if len(arrays) > 1 {
		names := make([]string, len(arrays))
		x = nil
		for i, t := range arrays {
			names[i] = t.Name
			if t.Name == m.Input {
				x = t
			}
		}
		if x == nil {
			return nil, BadInput(fmt.Errorf("%s: holds %d arrays (%s) and none is named as the model's input %q; use %s:NAME", a.inputs, len(arrays), strings.Join(names, ", "), m.Input, a.inputs))
		}
	}
	if len(x.Shape) != len(m.InputShape) {
		return nil, BadInput(fmt.Errorf("%s: array of shape %v for the input %q of shape %v (-1: free)", a.inputs, x.Shape, m.Input, m.InputShape))
	}
	for i := 1; i < len(x.Shape); i++ {
		if m.InputShape[i] > 0 && m.InputShape[i] != x.Shape[i] {
			return nil, BadInput(fmt.Errorf("%s: array of shape %v for the input %q of shape %v (-1: free)", a.inputs, x.Shape, m.Input, m.InputShape))
		}
	}
	n := x.Shape[0]
	if a.n > 0 {
		if a.n > n {
			return nil, BadInput(fmt.Errorf("%s: asked for %d rows but there are %d", a.inputs, a.n, n))
		}
		n = a.n
	}
	if n < 3 {
		return nil, BadInput(fmt.Errorf("%s: %d rows; an ID needs at least 3", a.inputs, n))
	}
	if len(x.Shape) >= 2 {
		if err := tensorio.CheckPoints(x); err != nil {
			return nil, BadInput(err)
		}
	}
	if m.InputInt { // token ids travel as float32: exact up to 2²⁴
		for i, v := range x.Float64() {
			if v != math.Trunc(v) || math.Abs(v) > 1<<24 {
				return nil, BadInput(fmt.Errorf("%s: element %d is %v: the input %q takes integer token ids below 2^24", a.inputs, i, v, m.Input))
			}
		}
	}
	r, err := onnx.NewRunner(m, &onnx.RunnerOptions{Backend: a.backend, ORTLib: a.ortLib, MaxBytes: onnx.DefaultMaxBytes()})
	if err != nil {
		return nil, Usage("%v", err)
	}
	sample := slices.Clone(x.Shape[1:])
	layers, err := m.LayersFor(r, sample)
	if err != nil {
		r.Close()
		return nil, BadInput(err)
	}
	a.described = fmt.Sprintf("arrays of shape %v from %s", sample, a.inputs)
	return &arrayInputs{onnxSetup: &onnxSetup{m: m, r: r, layers: layers}, a: x, n: n, sample: sample}, nil
}
