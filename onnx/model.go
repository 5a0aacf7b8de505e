package onnx

import (
	"encoding/binary"
	"fmt"
	"os"
	"slices"

	gonnx "github.com/gomlx/onnx-gomlx/onnx"
	"google.golang.org/protobuf/proto"
)

// Model is a parsed ONNX image model.
type Model struct {
	Path       string // file it was read from
	Input      string // name of the image input
	InputShape []int  // N, C, H, W; -1 for a dimension given by name (dynamic)
	Outputs    []string

	g      *gonnx.Model
	nodes  []node
	consts map[string]bool // initializers and Constant outputs
}

type node struct {
	op, name string
	in, out  []string
}

// tensorFloat is ONNX's TensorProto.FLOAT and tensorInt64 its INT64.
const (
	tensorFloat = 1
	tensorInt64 = 7
)

// Open reads and checks an ONNX model: it must have one image input of
// type float32 and rank 4 (N, C, H, W) besides its initializers. Pad nodes
// that pad nothing (exported by PyTorch before average pooling) are
// replaced by Identity.
func Open(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

// Parse is Open on the contents of a file; path is used in messages.
func Parse(path string, data []byte) (m *Model, err error) {
	defer func() {
		// onnx-gomlx may panic on malformed graphs; report them as errors.
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%s: invalid ONNX model: %v", path, r)
		}
	}()
	g, err := gonnx.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: not an ONNX model: %v", path, unwrapAll(err))
	}
	gp := g.Proto.GetGraph()
	if gp == nil || len(gp.GetNode()) == 0 {
		return nil, fmt.Errorf("%s: not an ONNX model: no graph nodes", path)
	}
	m = &Model{Path: path, g: g, consts: map[string]bool{}}
	for _, t := range gp.GetInitializer() {
		m.consts[t.GetName()] = true
		if len(t.GetExternalData()) > 0 {
			return nil, fmt.Errorf("%s: weights in external data files are not supported", path)
		}
	}
	changed := false
	for _, n := range gp.GetNode() {
		if n.GetOpType() == "Pad" && m.zeroPad(n.GetInput()) {
			n.OpType = "Identity"
			n.Input = n.Input[:1]
			n.Attribute = nil
			changed = true
		}
		if n.GetOpType() == "Constant" {
			for _, o := range n.GetOutput() {
				m.consts[o] = true
			}
		}
		m.nodes = append(m.nodes, node{op: n.GetOpType(), name: n.GetName(), in: n.GetInput(), out: n.GetOutput()})
	}
	if changed {
		b, err := proto.Marshal(&g.Proto)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if g, err = gonnx.Parse(b); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		m.g = g
	}
	for _, vi := range gp.GetInput() {
		if m.consts[vi.GetName()] {
			continue
		}
		if m.Input != "" {
			return nil, fmt.Errorf("%s: the model has several inputs (%q, %q); want one image input", path, m.Input, vi.GetName())
		}
		m.Input = vi.GetName()
		tt := vi.GetType().GetTensorType()
		if tt == nil || tt.GetElemType() != tensorFloat {
			return nil, fmt.Errorf("%s: input %q is not a float32 tensor", path, m.Input)
		}
		for _, d := range tt.GetShape().GetDim() {
			if v := d.GetDimValue(); v > 0 {
				m.InputShape = append(m.InputShape, int(v))
			} else {
				m.InputShape = append(m.InputShape, -1)
			}
		}
	}
	if m.Input == "" {
		return nil, fmt.Errorf("%s: the model has no input", path)
	}
	if len(m.InputShape) != 4 || (m.InputShape[1] != 3 && m.InputShape[1] != -1) {
		return nil, fmt.Errorf("%s: input %q has shape %v; want images (N, 3, H, W)", path, m.Input, m.InputShape)
	}
	for _, vi := range gp.GetOutput() {
		m.Outputs = append(m.Outputs, vi.GetName())
	}
	if len(m.Outputs) == 0 {
		return nil, fmt.Errorf("%s: the model has no output", path)
	}
	return m, nil
}

func unwrapAll(err error) error {
	type causer interface{ Cause() error }
	for {
		c, ok := err.(causer)
		if !ok || c.Cause() == nil || c.Cause() == err {
			return err
		}
		err = c.Cause()
	}
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
	gp := m.g.Proto.GetGraph()
	for _, t := range gp.GetInitializer() {
		if t.GetName() == name {
			return int64s(t.GetDataType(), t.GetInt64Data(), t.GetRawData())
		}
	}
	for _, n := range gp.GetNode() {
		if n.GetOpType() != "Constant" || !slices.Contains(n.GetOutput(), name) {
			continue
		}
		for _, a := range n.GetAttribute() {
			if a.GetName() == "value" && a.GetT() != nil {
				t := a.GetT()
				return int64s(t.GetDataType(), t.GetInt64Data(), t.GetRawData())
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
	p := cloneOf(&m.g.Proto)
	gp := p.GetGraph()
	have := map[string]bool{}
	for _, o := range gp.GetOutput() {
		have[o.GetName()] = true
	}
	tmpl := gp.GetOutput()[0]
	for _, name := range names {
		if have[name] {
			continue
		}
		vi := cloneOf(tmpl)
		vi.Name = name
		vi.DocString = ""
		vi.Type = nil
		gp.Output = append(gp.Output, vi)
		have[name] = true
	}
	return proto.Marshal(p)
}

// cloneOf deep-copies a protocol buffer message, keeping its type.
func cloneOf[T proto.Message](x T) T { return proto.Clone(x).(T) }
