package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
)

// Model is a parsed ONNX model with a float32 or int64 input batched
// along axis 0, images (CheckImages) or any array, and possibly others
// batched with it (Extra).
type Model struct {
	Path       string // file it was read from
	Input      string // name of the image input
	InputShape []int  // N, C, H, W for images, any shape else; -1 for a dimension given by name (dynamic)
	Outputs    []string
	// InputInt is set when the input holds int64 values (token ids, for an
	// embedding's Gather): they are fed as float32 (exact up to 2²⁴) and
	// converted, by the native backend only.
	InputInt bool
	// Extra are the model's other inputs (an attention mask besides token
	// ids), fed with the first one, batched along the same axis 0; the
	// native backend only.
	Extra []Input

	data   []byte   // the file, for the backends that parse it themselves
	pb     *pbModel // its decoded graph
	nodes  []node
	consts map[string]bool // initializers and Constant outputs
}

// Input is a model input besides the first: its name, its shape (-1 for
// a dimension given by name) and whether it holds int64 values.
type Input struct {
	Name  string
	Shape []int
	Int   bool
}

type node struct {
	op, name string
	in, out  []string
}

// tensorFloat is ONNX's TensorProto.FLOAT and tensorInt64 its INT64.
const (
	tensorFloat = 1
	tensorInt32 = 6
	tensorInt64 = 7
	tensorBool  = 9
)

// maxDim bounds every dimension of a model's input: a larger one cannot be
// an image side or a batch that fits any memory.
const maxDim = math.MaxInt32

// Open reads and checks an ONNX model: its inputs (besides its
// initializers) must be float32 or int64 tensors batched along axis 0
// (images, see CheckImages, or any array). Only regular files are read (a FIFO or a device is
// refused by name instead of blocking).
func Open(path string) (*Model, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

// Parse is Open on the contents of a file; path is used in messages. It
// checks what the graph declares against the bytes that hold it: every
// initializer's dimensions against its data, the input's dimensions
// against maxDim. Pad nodes that pad nothing (exported by PyTorch before
// average pooling) are taken as Identity.
func Parse(path string, data []byte) (*Model, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: not an ONNX model: empty file", path)
	}
	pb, err := decodeModel(data)
	if err != nil {
		return nil, fmt.Errorf("%s: not an ONNX model: %v", path, err)
	}
	if pb.graph == nil || len(pb.graph.nodes) == 0 {
		return nil, fmt.Errorf("%s: not an ONNX model: no graph nodes", path)
	}
	gp := pb.graph
	m := &Model{Path: path, data: data, pb: pb, consts: map[string]bool{}}
	for _, t := range gp.inits {
		if err := checkTensor(t); err != nil {
			return nil, fmt.Errorf("%s: initializer %q: %v", path, t.name, err)
		}
		m.consts[t.name] = true
	}
	for _, n := range gp.nodes {
		for _, a := range n.attrs {
			if a.t != nil {
				if err := checkTensor(a.t); err != nil {
					return nil, fmt.Errorf("%s: node %s (%s): attribute %s: %v", path, n.name, n.op, a.name, err)
				}
			}
		}
	}
	// ONNX graphs are in single static assignment form: each value is
	// produced once, by the input, an initializer or one node.
	producer := map[string]string{}
	for _, vi := range gp.inputs {
		producer[vi.name] = "the graph input"
	}
	for _, t := range gp.inits {
		producer[t.name] = "an initializer"
	}
	for _, n := range gp.nodes {
		for _, o := range n.out {
			if o == "" {
				continue
			}
			if p, ok := producer[o]; ok {
				return nil, fmt.Errorf("%s: node %s (%s): value %q is also produced by %s", path, n.name, n.op, o, p)
			}
			producer[o] = fmt.Sprintf("node %s (%s)", n.name, n.op)
		}
	}
	for _, n := range gp.nodes {
		op := n.op
		if op == "Pad" && m.zeroPad(n.in) {
			op = "Identity"
		}
		if op == "Constant" {
			for _, o := range n.out {
				m.consts[o] = true
			}
		}
		m.nodes = append(m.nodes, node{op: op, name: n.name, in: n.in, out: n.out})
	}
	var ins []Input
	for _, vi := range gp.inputs {
		if m.consts[vi.name] {
			continue
		}
		in := Input{Name: vi.name}
		if !vi.isTensor || (vi.elem != tensorFloat && vi.elem != tensorInt64) {
			return nil, fmt.Errorf("%s: input %q is not a float32 tensor (nor int64 token ids)", path, in.Name)
		}
		in.Int = vi.elem == tensorInt64
		for _, d := range vi.dims {
			switch {
			case !d.set || d.value == 0:
				in.Shape = append(in.Shape, -1)
			case d.value < 0 || d.value > maxDim:
				return nil, fmt.Errorf("%s: input %q has dimension %d", path, in.Name, d.value)
			default:
				in.Shape = append(in.Shape, int(d.value))
			}
		}
		if len(in.Shape) < 1 {
			return nil, fmt.Errorf("%s: input %q is a scalar; want a batch along axis 0", path, in.Name)
		}
		if len(ins) > 0 && in.Shape[0] != ins[0].Shape[0] {
			return nil, fmt.Errorf("%s: inputs %q and %q have batch dimensions %d and %d; want one batch along axis 0 (-1: free)", path, ins[0].Name, in.Name, ins[0].Shape[0], in.Shape[0])
		}
		ins = append(ins, in)
	}
	if len(ins) == 0 {
		return nil, fmt.Errorf("%s: the model has no input", path)
	}
	m.Input, m.InputShape, m.InputInt, m.Extra = ins[0].Name, ins[0].Shape, ins[0].Int, ins[1:]
	for _, vi := range gp.outputs {
		m.Outputs = append(m.Outputs, vi.name)
	}
	if len(m.Outputs) == 0 {
		return nil, fmt.Errorf("%s: the model has no output", path)
	}
	return m, nil
}

// CheckImages reports whether the model takes images: an input of shape
// (N, 3, H, W) or (N, 1, H, W). Other inputs (token embeddings, features)
// are fed as arrays (ForwardOptions.Sample).
func (m *Model) CheckImages() error {
	if len(m.Extra) > 0 {
		return fmt.Errorf("%s: the model has %d inputs (%s), not one image input; give the inputs as arrays, one per input", m.Path, len(m.Extra)+1, strings.Join(m.InputNames(), ", "))
	}
	if m.InputInt {
		return fmt.Errorf("%s: input %q holds int64 values (token ids), not images; give the inputs as an array", m.Path, m.Input)
	}
	if len(m.InputShape) != 4 || (m.InputShape[1] != 3 && m.InputShape[1] != 1 && m.InputShape[1] != -1) {
		return fmt.Errorf("%s: input %q has shape %v; want images (N, 3, H, W) or grey images (N, 1, H, W), or give the inputs as arrays", m.Path, m.Input, m.InputShape)
	}
	return nil
}

// Channels is the number of image channels the model takes: 1 for grey
// images, 3 for RGB (also when the model leaves it free).
func (m *Model) Channels() int {
	if len(m.InputShape) > 1 && m.InputShape[1] == 1 {
		return 1
	}
	return 3
}

// checkTensor checks a tensor's declared shape against the data it holds,
// before anything is allocated for it.
func checkTensor(t *pbTensor) error {
	if t.external {
		return fmt.Errorf("weights in external data files are not supported")
	}
	n, err := elemCount("shape", t.dims, math.MaxInt64/8)
	if err != nil {
		return err
	}
	var size, have int64
	switch t.dtype {
	case tensorFloat:
		size, have = 4, int64(len(t.floats))
	case tensorInt64:
		size, have = 8, int64(len(t.int64s))
	case tensorInt32:
		size, have = 4, int64(len(t.int32s))
	default:
		if len(t.raw) == 0 && t.other == 0 && len(t.floats)+len(t.int32s)+len(t.int64s) == 0 && n > 0 {
			return fmt.Errorf("shape %v but no data", t.dims)
		}
		return nil // checked by the backend that reads it
	}
	if len(t.raw) > 0 {
		if int64(len(t.raw)) != n*size {
			return fmt.Errorf("shape %v needs %d bytes but the tensor holds %d", t.dims, n*size, len(t.raw))
		}
		return nil
	}
	if have != n {
		return fmt.Errorf("shape %v needs %d values but the tensor holds %d", t.dims, n, have)
	}
	return nil
}

// zeroPad reports whether a Pad node adds no padding.
func (m *Model) zeroPad(in []string) bool {
	var pads []int64
	if len(in) >= 2 && in[1] != "" {
		v, ok := m.int64Const(in[1])
		if !ok {
			return false
		}
		pads = v
	} else {
		return false
	}
	if len(in) >= 4 && in[3] != "" {
		return false // axes: leave to the backend
	}
	for _, p := range pads {
		if p != 0 {
			return false
		}
	}
	return true
}

// int64Const returns the values of a constant int64 tensor (an initializer
// or the output of a Constant node).
func (m *Model) int64Const(name string) ([]int64, bool) {
	gp := m.pb.graph
	for _, t := range gp.inits {
		if t.name == name {
			return int64s(t.dtype, t.int64s, t.raw)
		}
	}
	for _, n := range gp.nodes {
		if n.op != "Constant" || !slices.Contains(n.out, name) {
			continue
		}
		for _, a := range n.attrs {
			if a.name == "value" && a.t != nil {
				return int64s(a.t.dtype, a.t.int64s, a.t.raw)
			}
		}
	}
	return nil, false
}

func int64s(dtype int32, vals []int64, raw []byte) ([]int64, bool) {
	if dtype != tensorInt64 {
		return nil, false
	}
	if len(vals) > 0 {
		return vals, true
	}
	if len(raw)%8 != 0 {
		return nil, false
	}
	out := make([]int64, len(raw)/8)
	for i := range out {
		out[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return out, true
}

// withOutputs returns the serialized model with names appended to the
// graph outputs, without a type (onnxruntime infers it), so that runtimes
// that only return graph outputs expose intermediate values.
func (m *Model) withOutputs(names []string) ([]byte, error) {
	have := map[string]bool{}
	for _, o := range m.Outputs {
		have[o] = true
	}
	var add []string
	for _, name := range names {
		if !have[name] {
			add = append(add, name)
			have[name] = true
		}
	}
	return withOutputs(m.data, add)
}

// InputNames are the names of the model's inputs, the first one first.
func (m *Model) InputNames() []string {
	names := []string{m.Input}
	for _, in := range m.Extra {
		names = append(names, in.Name)
	}
	return names
}
