package onnx

import (
	"math"
	"slices"
	"strings"
	"testing"

	ob "github.com/intdim/intdim/internal/onnxbuild"
)

func sameInts(t *testing.T, what string, got *ntensor, shape []int, want []int64) {
	t.Helper()
	if !got.isInt || !slices.Equal(got.shape, shape) || !slices.Equal(got.i, want) {
		t.Errorf("%s: %v %v (int %v), want %v %v", what, got.shape, got.i, got.isInt, shape, want)
	}
}

// TestNativeSeqOps checks the operators of transformer encoders against
// closed-form values (erf and Φ from math.Erf in Python, the layer norm of
// 1, 2, 3, 4 by hand) and the ONNX specification's examples.
func TestNativeSeqOps(t *testing.T) {
	r := &nativeRunner{}
	eval := func(name string, attrs map[string]attr, in ...*ntensor) *ntensor {
		return r.eval(op(name, attrs), in)[0]
	}
	x := ft([]int{3}, 0.5, -1, 2)
	same(t, "Erf", eval("Erf", nil, x), []int{3}, []float32{0.5204998778, -0.8427007929, 0.9953222650})
	g := ft([]int{3}, 1, -1, 0.5)
	// x·Φ(x): Φ(1) = 0.8413447461.
	same(t, "Gelu", eval("Gelu", nil, g), []int{3}, []float32{0.8413447461, -0.1586552539, 0.3457312306})
	same(t, "Gelu tanh", eval("Gelu", map[string]attr{"approximate": {s: "tanh", set: true}}, g), []int{3},
		[]float32{0.8411919906, -0.1588080094, 0.3457140098})

	// Mean 2.5, variance 1.25: (x − 2.5)/√1.25 = ∓1.3416408, ∓0.4472136.
	ln := ft([]int{2, 4}, 1, 2, 3, 4, 4, 3, 2, 1)
	z := []float32{-1.3416408, -0.4472136, 0.4472136, 1.3416408, 1.3416408, 0.4472136, -0.4472136, -1.3416408}
	eps0 := map[string]attr{"epsilon": {f: 0, set: true}}
	same(t, "LayerNormalization", eval("LayerNormalization", eps0, ln, ft([]int{4}, 1, 1, 1, 1)), []int{2, 4}, z)
	same(t, "LayerNormalization scale bias", eval("LayerNormalization", eps0, ln, ft([]int{4}, 1, 2, 1, 1), ft([]int{4}, 0, 0, 1, 0)),
		[]int{2, 4}, []float32{z[0], 2 * z[1], z[2] + 1, z[3], z[4], 2 * z[5], z[6] + 1, z[7]})
	// axis 0: the whole tensor is one group (mean 2.5, variance 1.25).
	same(t, "LayerNormalization axis 0", eval("LayerNormalization", map[string]attr{"epsilon": {f: 0, set: true}, "axis": one(0)},
		ft([]int{2, 2}, 1, 2, 3, 4), ft([]int{2, 2}, 1, 1, 1, 1)), []int{2, 2}, z[:4])
	// ε = 1e-5 (the default): 1/√(1.25 + 1e-5).
	same(t, "LayerNormalization eps", eval("LayerNormalization", nil, ft([]int{2}, 0, 2), ft([]int{1}, 1)), []int{2}, []float32{-0.99999500004, 0.99999500004})

	same(t, "Sqrt", eval("Sqrt", nil, ft([]int{2}, 4, 2)), []int{2}, []float32{2, 1.4142135624})
	same(t, "Exp", eval("Exp", nil, ft([]int{2}, 0, 1)), []int{2}, []float32{1, 2.7182818285})
	same(t, "Neg", eval("Neg", nil, ft([]int{2}, 3, -1)), []int{2}, []float32{-3, 1})
	same(t, "Reciprocal", eval("Reciprocal", nil, ft([]int{2}, 4, -0.5)), []int{2}, []float32{0.25, -2})
	same(t, "Pow", eval("Pow", nil, ft([]int{3}, 3, -2, 4), ft(nil, 2)), []int{3}, []float32{9, 4, 16})
	same(t, "Pow int exponent", eval("Pow", nil, ft([]int{2}, 4, 9), it(nil, 3)), []int{2}, []float32{64, 729})
	same(t, "Pow half", eval("Pow", nil, ft([]int{2}, 4, 9), ft([]int{1}, 0.5)), []int{2}, []float32{2, 3})
	same(t, "Div float", eval("Div", nil, ft([]int{2}, 1, 3), ft(nil, 2)), []int{2}, []float32{0.5, 1.5})

	// Integer arithmetic of shape computations; Div truncates.
	sameInts(t, "Div int", eval("Div", nil, it([]int{3}, 7, -7, 16), it(nil, 2)), []int{3}, []int64{3, -3, 8})
	sameInts(t, "Mul int", eval("Mul", nil, it([]int{2}, 3, 4), it([]int{2}, 5, 6)), []int{2}, []int64{15, 24})
	sameInts(t, "Add int broadcast", eval("Add", nil, it([]int{2, 1}, 1, 2), it([]int{3}, 10, 20, 30)), []int{2, 3}, []int64{11, 21, 31, 12, 22, 32})
	sameInts(t, "Sub int", eval("Sub", nil, it([]int{1}, 5), it([]int{1}, 7)), []int{1}, []int64{-2})

	sameInts(t, "Equal", eval("Equal", nil, ft([]int{3}, 1, 2, 3), ft(nil, 2)), []int{3}, []int64{0, 1, 0})
	sameInts(t, "Less", eval("Less", nil, it([]int{3}, 1, 2, 3), it(nil, 2)), []int{3}, []int64{1, 0, 0})
	sameInts(t, "Greater", eval("Greater", nil, ft([]int{3}, 1, 2, 3), ft(nil, 2)), []int{3}, []int64{0, 0, 1})
	// The ONNX specification's Where example.
	same(t, "Where", eval("Where", nil, it([]int{2, 2}, 1, 0, 1, 1), ft([]int{2, 2}, 1, 2, 3, 4), ft([]int{2, 2}, 9, 8, 7, 6)),
		[]int{2, 2}, []float32{1, 8, 3, 4})
	same(t, "Where broadcast", eval("Where", nil, it([]int{2, 1}, 1, 0), ft([]int{2}, 1, 2), ft(nil, -1)),
		[]int{2, 2}, []float32{1, 2, -1, -1})
	sameInts(t, "Cast bool", eval("Cast", map[string]attr{"to": one(tensorBool)}, ft([]int{3}, 0, -2, 0.5)), []int{3}, []int64{0, 1, 1})

	// Gather: an embedding table's rows, and along axis 1 (the
	// specification's examples).
	emb := ft([]int{3, 2}, 1, 1.2, 2.3, 3.4, 4.5, 5.7)
	same(t, "Gather rows", eval("Gather", nil, emb, it([]int{2, 2}, 0, 1, 1, 2)), []int{2, 2, 2}, []float32{1, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7})
	same(t, "Gather axis 1", eval("Gather", map[string]attr{"axis": one(1)}, ft([]int{3, 3}, 1, 1.2, 1.9, 2.3, 3.4, 3.9, 4.5, 5.7, 5.9), it([]int{1, 2}, 0, 2)),
		[]int{3, 1, 2}, []float32{1, 1.9, 2.3, 3.9, 4.5, 5.9})
	sameInts(t, "Gather shape", eval("Gather", nil, it([]int{3}, 8, 4, 16), it(nil, -1)), nil, []int64{16})

	// ReduceMean of [[1, 2], [3, 4], [5, 6]].
	rm := ft([]int{3, 2}, 1, 2, 3, 4, 5, 6)
	same(t, "ReduceMean axis 1", eval("ReduceMean", map[string]attr{"axes": ints(1)}, rm), []int{3, 1}, []float32{1.5, 3.5, 5.5})
	same(t, "ReduceMean axis 0 no keepdims", eval("ReduceMean", map[string]attr{"axes": ints(0), "keepdims": one(0)}, rm), []int{2}, []float32{3, 4})
	same(t, "ReduceMean all", eval("ReduceMean", nil, rm), []int{1, 1}, []float32{3.5})
	same(t, "ReduceMean axes input", eval("ReduceMean", nil, rm, it([]int{1}, -1)), []int{3, 1}, []float32{1.5, 3.5, 5.5})

	// Batched MatMul: two 2×2 products at once.
	a := ft([]int{2, 2, 2}, 1, 2, 3, 4, 1, 0, 0, 1)
	b := ft([]int{2, 2, 2}, 5, 6, 7, 8, 2, 3, 4, 5)
	same(t, "MatMul batched", eval("MatMul", nil, a, b), []int{2, 2, 2}, []float32{19, 22, 43, 50, 2, 3, 4, 5})
}

// TestNativeSeqOpsRefuse: malformed operands fail naming the node.
func TestNativeSeqOpsRefuse(t *testing.T) {
	r := &nativeRunner{}
	for _, c := range []struct {
		op   string
		in   []*ntensor
		want string
	}{
		{"Gather", []*ntensor{ft([]int{3}, 1, 2, 3), it(nil, 3)}, "index 3 out of range [-3, 3)"},
		{"Div", []*ntensor{it([]int{1}, 1), it([]int{1}, 0)}, "integer division by zero"},
		{"Add", []*ntensor{it([]int{1}, 1), ft([]int{1}, 0)}, "one operand is integer"},
		{"Mul", []*ntensor{it([]int{1}, 1<<20), it([]int{1}, 1<<20)}, "integer result 1099511627776 beyond"},
		{"LayerNormalization", []*ntensor{ft([]int{1, 3}, 1, 2, 3), ft([]int{2}, 1, 1)}, "scale of 2 values for groups of 3"},
		{"Where", []*ntensor{ft([]int{1}, 1), ft([]int{1}, 1), ft([]int{1}, 1)}, "condition is not boolean"},
	} {
		func() {
			defer func() {
				p := recover()
				e, ok := p.(opError)
				if !ok || !strings.Contains(e.err.Error(), c.want) || !strings.Contains(e.err.Error(), "("+c.op+")") {
					t.Errorf("%s: %v, want %q", c.op, p, c.want)
				}
			}()
			r.eval(op(c.op, nil), c.in)
		}()
	}
}

// TestTokenIDs: a model whose input is int64 token ids (an embedding
// table's Gather, then LayerNormalization) runs natively on ids fed as
// float32, gives the table's rows normalised, and refuses ids that are
// not integers and the other backends.
func TestTokenIDs(t *testing.T) {
	emb := []float32{0, 1, 2, 3, 5, 4, 7, 9, 8, 1, 1, 4} // 4 tokens × 3
	mb := &ob.Model{
		Inputs:  []ob.Value{{Name: "ids", Elem: ob.Int64, Dims: []int64{-1, 2}}},
		Outputs: []ob.Value{{Name: "y", Dims: []int64{-1, 2, 3}}},
		Inits:   []ob.Tensor{ob.Floats32("emb", []int64{4, 3}, emb), ob.Floats32("one", []int64{3}, []float32{1, 1, 1})},
		Nodes: []ob.Node{
			{Op: "Gather", Name: "gather", In: []string{"emb", "ids"}, Out: []string{"e"}},
			{Op: "LayerNormalization", Name: "ln", In: []string{"e", "one"}, Out: []string{"y"}, Attrs: []ob.Attr{ob.Float32("epsilon", 0)}},
		},
	}
	m, err := Parse("ids.onnx", mb.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !m.InputInt || m.CheckImages() == nil {
		t.Fatalf("InputInt %v, CheckImages %v", m.InputInt, m.CheckImages())
	}
	r, err := NewRunner(m, &RunnerOptions{Backend: "native"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Run([]float32{3, 0, 1, 1}, []int{2, 2}, []string{"e", "y"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out[0].Shape, []int{2, 2, 3}) || !slices.Equal(out[0].Data, []float32{1, 1, 4, 0, 1, 2, 3, 5, 4, 3, 5, 4}) {
		t.Errorf("embedding: %v %v", out[0].Shape, out[0].Data)
	}
	// Row (3, 5, 4): mean 4, variance 2/3: (−1, 1, 0)/√(2/3).
	if v := out[1].Data[6:9]; math.Abs(float64(v[0])+1.2247449) > 1e-6 || math.Abs(float64(v[1])-1.2247449) > 1e-6 || v[2] != 0 {
		t.Errorf("layer norm of (3, 5, 4): %v", v)
	}
	if _, err := r.Run([]float32{0.5, 0, 1, 1}, []int{2, 2}, []string{"y"}); err == nil || !strings.Contains(err.Error(), `input "ids" holds integers, and value 0.5 is not one`) {
		t.Errorf("id 0.5: %v", err)
	}
	if _, err := r.Run([]float32{4, 0, 1, 1}, []int{2, 2}, []string{"y"}); err == nil || !strings.Contains(err.Error(), "node gather (Gather): index 4 out of range") {
		t.Errorf("id 4: %v", err)
	}
	if _, err := NewRunner(m, &RunnerOptions{Backend: "gomlx"}); err == nil || !strings.Contains(err.Error(), "only the native backend") {
		t.Errorf("gomlx: %v", err)
	}
}
