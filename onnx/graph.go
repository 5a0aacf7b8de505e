package onnx

// weightOps are the nodes that count towards depth: the paper counts the
// layers with weights (convolutions and fully connected layers).
var weightOps = map[string]bool{
	"Conv": true, "ConvTranspose": true, "ConvInteger": true, "QLinearConv": true,
	"Gemm": true, "MatMul": true, "MatMulInteger": true, "QLinearMatMul": true,
}

// notLayers produce shapes or constants, never activations.
var notLayers = map[string]bool{
	"Shape": true, "Size": true, "Constant": true, "ConstantOfShape": true,
	"Range": true, "EyeLike": true, "RandomNormalLike": true, "RandomUniformLike": true,
}

// multiOutput are the operators whose second and later outputs are data
// too; for the others only the first output is a candidate layer.
var multiOutput = map[string]bool{"Split": true}

// Value is a candidate layer: the graph input or a node output computed
// from it.
type Value struct {
	Name  string
	Op    string // op type of the node that computes it; "input" for the input
	Depth int    // Conv/Gemm/MatMul nodes on the longest path from the input
}

// Values returns the candidate layers in graph (topological) order: the
// input and every node output that depends on it, except shape
// computations. Their data type is not checked here; see Shapes.
func (m *Model) Values() []Value {
	depth := map[string]int{m.Input: 0}
	for _, in := range m.Extra { // values computed from them are layers too, but not the inputs themselves
		depth[in.Name] = 0
	}
	out := []Value{{Name: m.Input, Op: "input"}}
	for _, n := range m.nodes {
		d, dyn := -1, false
		for _, in := range n.in {
			if v, ok := depth[in]; ok {
				dyn = true
				d = max(d, v)
			}
		}
		if !dyn || notLayers[n.op] {
			continue
		}
		if weightOps[n.op] {
			d++
		}
		for k, o := range n.out {
			if o == "" || (k > 0 && !multiOutput[n.op]) {
				continue // MaxPool indices, Dropout masks, batch-norm statistics
			}
			depth[o] = d
			out = append(out, Value{Name: o, Op: n.op, Depth: d})
		}
	}
	return out
}

// activations that may follow a fully connected layer or a residual sum.
var activationOps = map[string]bool{
	"Relu": true, "LeakyRelu": true, "PRelu": true, "Elu": true, "Selu": true, "Sigmoid": true,
	"Tanh": true, "Clip": true, "Gelu": true, "HardSigmoid": true, "HardSwish": true, "Softplus": true,
}

// Auto returns the layers analysed by Ansuini et al. (NeurIPS 2019), in
// graph order and without repeats: the input; the output of each pooling
// layer (MaxPool, AveragePool, LpPool) that follows a convolution; of each
// residual block (an Add or Sum of two computed values, with the
// activation that follows it when it is the only consumer); of global
// pooling; of each fully connected layer (Gemm, or MatMul with a constant
// operand, with its bias Add and its activation when they are the only
// consumers); and the model's first output.
func (m *Model) Auto() []Value {
	vals := m.Values()
	byName := map[string]Value{}
	for _, v := range vals {
		byName[v.Name] = v
	}
	producer := map[string]node{}
	consumers := map[string][]node{}
	for _, n := range m.nodes {
		for _, o := range n.out {
			producer[o] = n
		}
		for _, in := range n.in {
			consumers[in] = append(consumers[in], n)
		}
	}
	// follow moves from value v to the output of its only consumer when
	// that consumer passes the test.
	follow := func(v string, ok func(n node) bool) string {
		c := consumers[v]
		if len(c) == 1 && ok(c[0]) && len(c[0].out) > 0 && !m.isOutput(v) {
			return c[0].out[0]
		}
		return v
	}
	dynamic := func(name string) bool { _, ok := byName[name]; return ok }
	picked := map[string]bool{m.Input: true}
	for _, v := range vals[1:] {
		n := producer[v.Name]
		if n.out[0] != v.Name {
			continue // further outputs of Split
		}
		switch {
		case n.op == "MaxPool" || n.op == "AveragePool" || n.op == "LpPool":
			if byName[n.in[0]].Depth > 0 {
				picked[v.Name] = true
			}
		case n.op == "GlobalAveragePool" || n.op == "GlobalMaxPool" || n.op == "GlobalLpPool":
			picked[v.Name] = true
		case n.op == "Add" || n.op == "Sum":
			ndyn := 0
			for _, in := range n.in {
				if dynamic(in) {
					ndyn++
				}
			}
			if ndyn >= 2 {
				picked[follow(v.Name, func(c node) bool { return activationOps[c.op] })] = true
			}
		case n.op == "Gemm" || (n.op == "MatMul" && len(n.in) == 2 && (m.consts[n.in[0]] || m.consts[n.in[1]])):
			out := follow(v.Name, func(c node) bool {
				return c.op == "Add" && len(c.in) == 2 && (m.consts[c.in[0]] || m.consts[c.in[1]])
			})
			out = follow(out, func(c node) bool { return activationOps[c.op] })
			picked[out] = true
		}
	}
	if len(m.Outputs) > 0 {
		picked[m.Outputs[0]] = true
	}
	var res []Value
	for _, v := range vals {
		if picked[v.Name] {
			res = append(res, v)
		}
	}
	return res
}

func (m *Model) isOutput(name string) bool {
	for _, o := range m.Outputs {
		if o == name {
			return true
		}
	}
	return false
}
