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
	budget  int64 // bytes the values of a run may take, besides the weights
	// constBytes are the weights' bytes.
	constBytes int64
	live       int64 // bytes of the values alive now
}

// ntensor is a float32 or int64 tensor.
type ntensor struct {
	shape []int
	f     []float32
	i     []int64
	isInt bool
}

func (t *ntensor) size() int { return numel(t.shape) }

// bytes is the memory the tensor's values take.
func (t *ntensor) bytes() int64 { return 4*int64(len(t.f)) + 8*int64(len(t.i)) }

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
	r     *nativeRunner
}

// floats allocates the float32 values of an output of the given shape,
// after checking its size against the runner's memory budget; extra
// counts scratch bytes the operator needs besides. The error names the
// node.
func (n *nnode) floats(shape []int, extra int64) []float32 {
	return make([]float32, n.reserve(shape, 4, extra))
}

// ints is floats for int64 values.
func (n *nnode) int64s(shape []int) []int64 {
	return make([]int64, n.reserve(shape, 8, 0))
}

// reserve checks that a tensor of the shape, elem bytes per value, and
// extra scratch bytes fit in what is left of the budget, and returns its
// number of elements.
func (n *nnode) reserve(shape []int, elem, extra int64) int {
	count, ok := checkedNumel(shape)
	if !ok {
		fail(n, "output shape %v has more than 2⁵⁶ values", shape)
	}
	need := count*elem + extra
	if n.r == nil { // an operator called on its own (unit tests)
		return int(count)
	}
	if left := n.r.budget - n.r.live; need > left {
		fail(n, "output shape %v needs %s; %s of the memory budget is left", shape, humanBytes(need), humanBytes(max(left, 0)))
	}
	return int(count)
}

// checkedNumel is the number of elements of shape, false when a dimension
// is negative or the product exceeds 2⁵⁶.
func checkedNumel(shape []int) (int64, bool) {
	const limit = 1 << 56
	n := int64(1)
	for _, d := range shape {
		if d < 0 || (d != 0 && n > limit/int64(d)) {
			return 0, false
		}
		n *= int64(d)
	}
	return n, true
}

// humanBytes writes a byte count with a binary unit.
func humanBytes(b int64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	v, u := float64(b), "KMGTPE"
	k := -1
	for v >= unit && k < len(u)-1 {
		v /= unit
		k++
	}
	return fmt.Sprintf("%.1f %ciB", v, u[k])
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
	"LayerNormalization": true, "Erf": true, "Gelu": true, "Sqrt": true, "Exp": true, "Neg": true,
	"Reciprocal": true, "Pow": true, "Where": true, "Equal": true, "Less": true, "Greater": true,
	"ReduceMean": true, "Expand": true,
}

// tensorFromProto converts an initializer or attribute tensor, whose
// shape Parse checked against its data (checkTensor).
func tensorFromProto(t *pbTensor) (*ntensor, error) {
	shape := make([]int, len(t.dims))
	for i, d := range t.dims {
		shape[i] = int(d)
	}
	n := numel(shape)
	out := &ntensor{shape: shape}
	switch t.dtype {
	case tensorFloat:
		if len(t.raw) > 0 {
			if len(t.raw) != 4*n {
				return nil, fmt.Errorf("float tensor of %d bytes for shape %v", len(t.raw), shape)
			}
			out.f = make([]float32, n)
			for i := range out.f {
				out.f[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.raw[4*i:]))
			}
		} else {
			if len(t.floats) != n {
				return nil, fmt.Errorf("float tensor of %d values for shape %v", len(t.floats), shape)
			}
			out.f = slices.Clone(t.floats)
		}
	case tensorInt64, tensorInt32:
		out.isInt = true
		size := 8
		if t.dtype == tensorInt32 {
			size = 4
		}
		switch {
		case len(t.raw) > 0:
			if len(t.raw) != size*n {
				return nil, fmt.Errorf("integer tensor of %d bytes for shape %v", len(t.raw), shape)
			}
			out.i = make([]int64, n)
			for i := range out.i {
				if size == 8 {
					out.i[i] = int64(binary.LittleEndian.Uint64(t.raw[8*i:]))
				} else {
					out.i[i] = int64(int32(binary.LittleEndian.Uint32(t.raw[4*i:])))
				}
			}
		case t.dtype == tensorInt64:
			out.i = slices.Clone(t.int64s)
		default:
			out.i = make([]int64, 0, len(t.int32s))
			for _, v := range t.int32s {
				out.i = append(out.i, int64(v))
			}
		}
		if len(out.i) != n {
			return nil, fmt.Errorf("integer tensor of %d values for shape %v", len(out.i), shape)
		}
	default:
		return nil, fmt.Errorf("tensor type %d not supported", t.dtype)
	}
	return out, nil
}

// NativeSupport returns nil if the native runner implements every node of
// the model, or an error naming the first one it does not.
func (m *Model) NativeSupport() error {
	for k, pn := range m.pb.graph.nodes {
		op := m.nodes[k].op
		if d := pn.domain; d != "" && d != "ai.onnx" {
			return fmt.Errorf("%s: operator %s of domain %s not supported by the native backend", m.Path, op, d)
		}
		if !nativeOps[op] {
			return fmt.Errorf("%s: operator %s not supported by the native backend", m.Path, op)
		}
		if op == "Conv" || op == "MaxPool" || op == "AveragePool" {
			for _, a := range pn.attrs {
				if p := string(a.s); a.name == "auto_pad" && p != "NOTSET" && p != "VALID" && p != "" {
					return fmt.Errorf("%s: %s with auto_pad %s not supported by the native backend", m.Path, op, p)
				}
			}
		}
	}
	return nil
}

// newNative prepares the native runner, or says which operator it lacks.
// budget bounds the bytes of the values alive at once during a run.
func newNative(m *Model, budget int64) (Runner, error) {
	if err := m.NativeSupport(); err != nil {
		return nil, err
	}
	gp := m.pb.graph
	r := &nativeRunner{m: m, consts: map[string]*ntensor{}, threads: runtime.GOMAXPROCS(0), budget: budget}
	var constBytes int64
	for _, t := range gp.inits {
		nt, err := tensorFromProto(t)
		if err != nil {
			return nil, fmt.Errorf("%s: initializer %q: %v", m.Path, t.name, err)
		}
		r.consts[t.name] = nt
		constBytes += nt.bytes()
	}
	for k, pn := range gp.nodes {
		n := nnode{node: m.nodes[k], attrs: map[string]attr{}, r: r}
		for _, a := range pn.attrs {
			v := attr{i: a.i, f: a.f, ints: a.ints, floats: a.floats, s: string(a.s), set: true}
			if a.t != nil {
				nt, err := tensorFromProto(a.t)
				if err != nil {
					return nil, fmt.Errorf("%s: node %s: attribute %s: %v", m.Path, n.name, a.name, err)
				}
				v.t = nt
			}
			n.attrs[a.name] = v
		}
		r.nodes = append(r.nodes, n)
	}
	if constBytes > budget {
		return nil, fmt.Errorf("%s: the weights take %s, over the memory budget of %s", m.Path, humanBytes(constBytes), humanBytes(budget))
	}
	r.budget -= constBytes
	r.constBytes = constBytes
	return r, nil
}

func (r *nativeRunner) Name() string    { return "native" }
func (r *nativeRunner) maxBytes() int64 { return r.budget + r.constBytes }
func (r *nativeRunner) Close() error    { return nil }

// Run evaluates the nodes that the requested values need, in graph order,
// dropping each intermediate value after its last use.
func (r *nativeRunner) Run(x []float32, shape []int, names []string) (out []Tensor, err error) {
	return r.RunInputs([][]float32{x}, [][]int{shape}, names)
}

// RunInputs is Run for a model with several inputs: xs[i] of shape
// shapes[i] for the input Model.InputNames()[i].
func (r *nativeRunner) RunInputs(xs [][]float32, shapes [][]int, names []string) (out []Tensor, err error) {
	inputs := r.m.InputNames()
	if len(xs) != len(inputs) || len(shapes) != len(inputs) {
		panic(fmt.Sprintf("onnx: %d inputs given for a model of %d", len(xs), len(inputs)))
	}
	isInput := map[string]bool{}
	for i, x := range xs {
		checkInput(x, shapes[i])
		isInput[inputs[i]] = true
	}
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
			if !ok && !isInput[v] && r.consts[v] == nil {
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
	vals := map[string]*ntensor{}
	var inBytes int64
	for j, x := range xs {
		in := &ntensor{shape: slices.Clone(shapes[j]), f: x}
		isInt := r.m.InputInt
		if j > 0 {
			isInt = r.m.Extra[j-1].Int
		}
		if isInt { // token ids or a mask, fed as float32
			in = &ntensor{shape: in.shape, isInt: true, i: make([]int64, len(x))}
			for k, v := range x {
				if v != float32(math.Trunc(float64(v))) {
					return nil, fmt.Errorf("%s: input %q holds integers, and value %v is not one", r.m.Path, inputs[j], v)
				}
				in.i[k] = int64(v)
			}
		}
		vals[inputs[j]] = in
		inBytes += 4 * int64(len(x))
	}
	get := func(name string) *ntensor {
		if name == "" {
			return nil
		}
		if t := vals[name]; t != nil {
			return t
		}
		return r.consts[name]
	}
	var cur *nnode
	defer func() {
		r.live = 0
		if p := recover(); p != nil {
			if e, ok := p.(opError); ok {
				out, err = nil, fmt.Errorf("%s: %v", r.m.Path, e.err)
				return
			}
			if e, ok := p.(runtime.Error); ok && cur != nil && !strictOps {
				// An operator met data it does not handle (a malformed
				// graph that the checks let through).
				out, err = nil, fmt.Errorf("%s: node %s (%s): malformed inputs (%v)", r.m.Path, cur.name, cur.op, e)
				return
			}
			panic(p)
		}
	}()
	r.live = inBytes
	for k := range r.nodes {
		if !need[k] {
			continue
		}
		n := &r.nodes[k]
		cur = n
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
			if lastUse[in] == k && !keep[in] && !isInput[in] {
				delete(vals, in)
			}
		}
		r.live = liveBytes(vals)
	}
	cur = nil
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

// strictOps makes Run let runtime errors in operators through as panics
// (the fuzz tests set it, so that they find them).
var strictOps = false

// liveBytes is the memory taken by the values, counting shared data once.
func liveBytes(vals map[string]*ntensor) int64 {
	seen := map[any]bool{}
	var b int64
	for _, t := range vals {
		var key any
		switch {
		case len(t.f) > 0:
			key = &t.f[0]
		case len(t.i) > 0:
			key = &t.i[0]
		default:
			continue
		}
		if !seen[key] {
			seen[key] = true
			b += t.bytes()
		}
	}
	return b
}

// opError carries an evaluation error out of the operators (a malformed
// graph, not a programming error).
type opError struct{ err error }

func fail(n *nnode, format string, a ...any) {
	panic(opError{fmt.Errorf("node %s (%s): %s", n.name, n.op, fmt.Sprintf(format, a...))})
}
