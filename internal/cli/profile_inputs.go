package cli

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/intdim/intdim/onnx"
	"github.com/intdim/intdim/tensorio"
)

// arrayInputs is an ONNX model fed arrays instead of images
// (profile --onnx M --inputs X.npy): their rows, batched along axis 0, one
// array per model input (the first one's row first in Load).
type arrayInputs struct {
	*onnxSetup
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
func (a *onnxArgs) inputArrays(m *onnx.Model, arrays []*tensorio.Array) ([]*tensorio.Array, error) {
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
		return nil, fmt.Errorf("%s: holds %d arrays (%s) and none is named as the model's input %q; use %s:NAME", a.inputs, len(arrays), strings.Join(names, ", "), m.Input, a.inputs)
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
		return nil, fmt.Errorf("%s: no array for the model's input %s (the model takes %s; give an .npz with one array per input)", a.inputs, strings.Join(quoted(missing), ", "), strings.Join(inputs, ", "))
	}
	if len(extra) > 0 {
		return nil, fmt.Errorf("%s: array %s is not an input of the model (it takes %s)", a.inputs, strings.Join(quoted(extra), ", "), strings.Join(inputs, ", "))
	}
	for i, x := range out[1:] {
		if len(x.Shape) == 0 || len(out[0].Shape) == 0 || x.Shape[0] != out[0].Shape[0] {
			return nil, fmt.Errorf("%s: array %q has shape %v but %q has shape %v; every input is batched along axis 0, with the same number of rows", a.inputs, inputs[i+1], x.Shape, inputs[0], out[0].Shape)
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

// arraySetup opens the model and the --inputs arrays and checks that they
// fit: each array's rank and fixed dimensions those of its input, at least
// 3 rows (the first --n when given), finite values, integers for int64
// inputs. A container of several arrays gives the one named as the
// model's input, or one per input for a model with several.
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
	xs, err := a.inputArrays(m, arrays)
	if err != nil {
		return nil, BadInput(err)
	}
	shapes := [][]int{m.InputShape}
	ints := []bool{m.InputInt}
	for _, in := range m.Extra {
		shapes, ints = append(shapes, in.Shape), append(ints, in.Int)
	}
	inputs := m.InputNames()
	x := xs[0]
	for k, x := range xs {
		what := a.inputs
		if len(xs) > 1 {
			what = fmt.Sprintf("%s: array %q", a.inputs, inputs[k])
		}
		bad := len(x.Shape) != len(shapes[k])
		for i := 1; !bad && i < len(x.Shape); i++ {
			bad = shapes[k][i] > 0 && shapes[k][i] != x.Shape[i]
		}
		if bad {
			return nil, BadInput(fmt.Errorf("%s: array of shape %v for the input %q of shape %v (-1: free)", what, x.Shape, inputs[k], shapes[k]))
		}
		if ints[k] { // token ids travel as float32: exact up to 2²⁴
			for i, v := range x.Float64() {
				if v != math.Trunc(v) || math.Abs(v) > 1<<24 {
					return nil, BadInput(fmt.Errorf("%s: element %d is %v: the input %q takes integer token ids below 2^24", what, i, v, inputs[k]))
				}
			}
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
	for _, x := range xs {
		if len(x.Shape) >= 2 {
			if err := tensorio.CheckPoints(x); err != nil {
				return nil, BadInput(err)
			}
		}
	}
	r, err := onnx.NewRunner(m, &onnx.RunnerOptions{Backend: a.backend, ORTLib: a.ortLib, MaxBytes: onnx.DefaultMaxBytes()})
	if err != nil {
		return nil, Usage("%v", err)
	}
	sample := slices.Clone(x.Shape[1:])
	var extra [][]int
	for _, x := range xs[1:] {
		extra = append(extra, slices.Clone(x.Shape[1:]))
	}
	layers, err := m.LayersFor(r, sample, extra...)
	if err != nil {
		r.Close()
		return nil, BadInput(err)
	}
	a.described = fmt.Sprintf("arrays of shape %v from %s", sample, a.inputs)
	if len(xs) > 1 {
		a.described = fmt.Sprintf("%d arrays (%s) of %d rows from %s", len(xs), strings.Join(inputs, ", "), x.Shape[0], a.inputs)
	}
	return &arrayInputs{onnxSetup: &onnxSetup{m: m, r: r, layers: layers}, as: xs, n: n, sample: sample, extra: extra}, nil
}
