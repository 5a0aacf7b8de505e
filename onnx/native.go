package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// nativeRunner interprets the graph directly in Go, with convolutions and
// fully connected layers as matrix products on the module's SIMD kernel
// (internal/kernel). It covers the operators of image classifiers
// (AlexNet, VGG, ResNet, ...); NewRunner falls back to gomlx for graphs
// with other operators.
type nativeRunner struct {
	m       *Model
	nodes   []nnode
	consts  map[string]*ntensor
	threads int
	mu      sync.Mutex
}

// ntensor is a float32 or int64 tensor.
type ntensor struct {
	shape []int
	f     []float32
	i     []int64
	isInt bool
}

func (t *ntensor) size() int { return numel(t.shape) }

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// attr is a node attribute.
type attr struct {
	i      int64
	f      float32
	ints   []int64
	floats []float32
	s      string
	t      *ntensor
	set    bool
}

type nnode struct {
	node
	attrs map[string]attr
}

func (n *nnode) int(name string, def int64) int64 {
	if a, ok := n.attrs[name]; ok {
		return a.i
	}
	return def
}

func (n *nnode) ints(name string, def []int64) []int64 {
	if a, ok := n.attrs[name]; ok {
		return a.ints
	}
	return def
}

func (n *nnode) float(name string, def float32) float32 {
	if a, ok := n.attrs[name]; ok {
		return a.f
	}
	return def
}

// nativeOps are the operators the native runner implements.
var nativeOps = map[string]bool{
	"Conv": true, "MaxPool": true, "AveragePool": true, "GlobalAveragePool": true, "GlobalMaxPool": true,
	"Relu": true, "LeakyRelu": true, "Sigmoid": true, "Tanh": true, "Clip": true,
	"Add": true, "Sub": true, "Mul": true, "Div": true, "BatchNormalization": true,
	"Gemm": true, "MatMul": true, "Flatten": true, "Reshape": true, "Identity": true, "Dropout": true,
	"Concat": true, "Softmax": true, "Transpose": true, "Squeeze": true, "Unsqueeze": true, "Pad": true,
	"Constant": true, "Shape": true, "Gather": true, "Cast": true, "ConstantOfShape": true, "Slice": true,
}

// tensorFromProto converts an initializer or attribute tensor.
func tensorFromProto(dims []int64, dtype int32, raw []byte, f32 []float32, i64 []int64, i32 []int32) (*ntensor, error) {
	shape := make([]int, len(dims))
	for i, d := range dims {
		shape[i] = int(d)
	}
	n := numel(shape)
	t := &ntensor{shape: shape}
	switch dtype {
	case tensorFloat:
		if len(raw) > 0 {
			if len(raw) != 4*n {
				return nil, fmt.Errorf("float tensor of %d bytes for shape %v", len(raw), shape)
			}
			t.f = make([]float32, n)
			for i := range t.f {
				t.f[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		} else {
			if len(f32) != n {
				return nil, fmt.Errorf("float tensor of %d values for shape %v", len(f32), shape)
			}
			t.f = slices.Clone(f32)
		}
	case tensorInt64, 6: // INT64, INT32
		t.isInt = true
		size := 8
		if dtype == 6 {
			size = 4
		}
		switch {
		case len(raw) > 0:
			if len(raw) != size*n {
				return nil, fmt.Errorf("integer tensor of %d bytes for shape %v", len(raw), shape)
			}
			t.i = make([]int64, n)
			for i := range t.i {
				if size == 8 {
					t.i[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
				} else {
					t.i[i] = int64(int32(binary.LittleEndian.Uint32(raw[4*i:])))
				}
			}
		case dtype == tensorInt64:
			t.i = slices.Clone(i64)
		default:
			for _, v := range i32 {
				t.i = append(t.i, int64(v))
			}
		}
		if len(t.i) != n {
			return nil, fmt.Errorf("integer tensor of %d values for shape %v", len(t.i), shape)
		}
	default:
		return nil, fmt.Errorf("tensor type %d not supported", dtype)
	}
	return t, nil
}

// NativeSupport returns nil if the native runner implements every node of
// the model, or an error naming the first one it does not.
func (m *Model) NativeSupport() error {
	for _, pn := range m.g.Proto.GetGraph().GetNode() {
		op := pn.GetOpType()
		if d := pn.GetDomain(); d != "" && d != "ai.onnx" {
			return fmt.Errorf("%s: operator %s of domain %s not supported by the native backend", m.Path, op, d)
		}
		if !nativeOps[op] {
			return fmt.Errorf("%s: operator %s not supported by the native backend", m.Path, op)
		}
		if op == "Conv" || op == "MaxPool" || op == "AveragePool" {
			for _, a := range pn.GetAttribute() {
				if p := string(a.GetS()); a.GetName() == "auto_pad" && p != "NOTSET" && p != "VALID" && p != "" {
					return fmt.Errorf("%s: %s with auto_pad %s not supported by the native backend", m.Path, op, p)
				}
			}
		}
	}
	return nil
}

// newNative prepares the native runner, or says which operator it lacks.
func newNative(m *Model) (Runner, error) {
	if err := m.NativeSupport(); err != nil {
		return nil, err
	}
	gp := m.g.Proto.GetGraph()
	r := &nativeRunner{m: m, consts: map[string]*ntensor{}, threads: runtime.GOMAXPROCS(0)}
	for _, t := range gp.GetInitializer() {
		nt, err := tensorFromProto(t.GetDims(), t.GetDataType(), t.GetRawData(), t.GetFloatData(), t.GetInt64Data(), t.GetInt32Data())
		if err != nil {
			return nil, fmt.Errorf("%s: initializer %q: %v", m.Path, t.GetName(), err)
		}
		r.consts[t.GetName()] = nt
	}
	for k, pn := range gp.GetNode() {
		n := nnode{node: m.nodes[k], attrs: map[string]attr{}}
		for _, a := range pn.GetAttribute() {
			v := attr{i: a.GetI(), f: a.GetF(), ints: a.GetInts(), floats: a.GetFloats(), s: string(a.GetS()), set: true}
			if t := a.GetT(); t != nil {
				nt, err := tensorFromProto(t.GetDims(), t.GetDataType(), t.GetRawData(), t.GetFloatData(), t.GetInt64Data(), t.GetInt32Data())
				if err != nil {
					return nil, fmt.Errorf("%s: node %s: attribute %s: %v", m.Path, n.name, a.GetName(), err)
				}
				v.t = nt
			}
			n.attrs[a.GetName()] = v
		}
		r.nodes = append(r.nodes, n)
	}
	return r, nil
}

func (r *nativeRunner) Name() string { return "native" }
func (r *nativeRunner) Close() error { return nil }

// Run evaluates the nodes that the requested values need, in graph order,
// dropping each intermediate value after its last use.
func (r *nativeRunner) Run(x []float32, shape []int, names []string) (out []Tensor, err error) {
	checkInput(x, shape)
	r.mu.Lock()
	defer r.mu.Unlock()
	// Which nodes are needed, and the last use of each value.
	producer := map[string]int{}
	for k, n := range r.nodes {
		for _, o := range n.out {
			producer[o] = k
		}
	}
	need := make([]bool, len(r.nodes))
	stack := slices.Clone(names)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		k, ok := producer[v]
		if !ok || need[k] {
			if !ok && v != r.m.Input && r.consts[v] == nil {
				return nil, fmt.Errorf("%s: no value %q", r.m.Path, v)
			}
			continue
		}
		need[k] = true
		stack = append(stack, r.nodes[k].in...)
	}
	lastUse := map[string]int{}
	for k, n := range r.nodes {
		if need[k] {
			for _, in := range n.in {
				lastUse[in] = k
			}
		}
	}
	keep := map[string]bool{}
	for _, n := range names {
		keep[n] = true
	}
	vals := map[string]*ntensor{r.m.Input: {shape: slices.Clone(shape), f: x}}
	get := func(name string) *ntensor {
		if name == "" {
			return nil
		}
		if t := vals[name]; t != nil {
			return t
		}
		return r.consts[name]
	}
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(opError); ok {
				out, err = nil, fmt.Errorf("%s: %v", r.m.Path, e.err)
				return
			}
			panic(p)
		}
	}()
	for k := range r.nodes {
		if !need[k] {
			continue
		}
		n := &r.nodes[k]
		ins := make([]*ntensor, len(n.in))
		for i, name := range n.in {
			ins[i] = get(name)
			if ins[i] == nil && name != "" {
				return nil, fmt.Errorf("%s: node %s: input %q is not computed", r.m.Path, n.name, name)
			}
		}
		res := r.eval(n, ins)
		for i, o := range n.out {
			if i < len(res) && o != "" {
				vals[o] = res[i]
			}
		}
		for _, in := range n.in {
			if lastUse[in] == k && !keep[in] && in != r.m.Input {
				delete(vals, in)
			}
		}
	}
	out = make([]Tensor, len(names))
	for i, name := range names {
		t := get(name)
		if t == nil {
			return nil, fmt.Errorf("%s: value %q not computed", r.m.Path, name)
		}
		out[i].Shape = slices.Clone(t.shape)
		if !t.isInt {
			out[i].Float = true
			out[i].Data = slices.Clone(t.f)
		}
	}
	return out, nil
}

// opError carries an evaluation error out of the operators (a malformed
// graph, not a programming error).
type opError struct{ err error }

func fail(n *nnode, format string, a ...any) {
	panic(opError{fmt.Errorf("node %s (%s): %s", n.name, n.op, fmt.Sprintf(format, a...))})
}
