package onnx

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	ob "github.com/intdim/intdim/internal/onnxbuild"

	"github.com/intdim/intdim/internal/hostile/craft"
)

// hostileCase is a crafted model that must be refused with an error
// naming want, without allocating what it claims.
type hostileCase struct {
	name  string
	model *ob.Model
	want  string
}

// imageIO is the input and output of a 16×16 RGB model.
func imageIO(m *ob.Model, out string) *ob.Model {
	m.Inputs = append([]ob.Value{{Name: "input", Dims: []int64{-1, 3, 16, 16}}}, m.Inputs...)
	m.Outputs = []ob.Value{{Name: out, Dims: []int64{-1}}}
	return m
}

func hostileModels() []hostileCase {
	big := func(name string, dims ...int64) ob.Tensor {
		return ob.Tensor{Name: name, Dims: dims, Type: ob.Float, Raw: make([]byte, 432)}
	}
	relu := ob.Node{Op: "Relu", Name: "relu", In: []string{"input"}, Out: []string{"r"}}
	return []hostileCase{
		{"initializer larger than its data", imageIO(&ob.Model{
			Inits: []ob.Tensor{big("conv.w", 1e6, 1e6, 3, 3)},
			Nodes: []ob.Node{{Op: "Conv", Name: "conv", In: []string{"input", "conv.w"}, Out: []string{"y"}}},
		}, "y"), `initializer "conv.w"`},
		{"initializer with a negative dimension", imageIO(&ob.Model{
			Inits: []ob.Tensor{big("w", -4, 3, 3, 3)},
			Nodes: []ob.Node{{Op: "Conv", Name: "conv", In: []string{"input", "w"}, Out: []string{"y"}}},
		}, "y"), `initializer "w"`},
		{"initializer whose shape overflows", imageIO(&ob.Model{
			Inits: []ob.Tensor{big("w", 1<<40, 1<<40, 1<<40)},
			Nodes: []ob.Node{{Op: "Add", Name: "add", In: []string{"input", "w"}, Out: []string{"y"}}},
		}, "y"), `initializer "w"`},
		{"Constant tensor larger than its data", imageIO(&ob.Model{
			Nodes: []ob.Node{
				{Op: "Constant", Name: "c", Out: []string{"k"}, Attrs: []ob.Attr{ob.TensorAttr("value", big("", 1e9, 1e9))}},
				{Op: "Add", Name: "add", In: []string{"input", "k"}, Out: []string{"y"}},
			},
		}, "y"), "node c (Constant)"},
		{"input declared 3 × 10⁶ × 10⁶", &ob.Model{
			Inputs:  []ob.Value{{Name: "input", Dims: []int64{1, 3, 1e6, 1e6}}},
			Outputs: []ob.Value{{Name: "r"}},
			Nodes:   []ob.Node{relu},
		}, `input "input"`},
		{"input with a negative dimension", &ob.Model{
			Inputs:  []ob.Value{{Name: "input", Dims: []int64{1, 3, -5, 16}, RawDims: true}},
			Outputs: []ob.Value{{Name: "r"}},
			Nodes:   []ob.Node{relu},
		}, `input "input"`},
		{"ConstantOfShape 10⁶ × 10⁶", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("shape", []int64{2}, []int64{1e6, 1e6})},
			Nodes: []ob.Node{
				relu,
				{Op: "ConstantOfShape", Name: "fill", In: []string{"shape"}, Out: []string{"z"}},
				{Op: "Add", Name: "add", In: []string{"r", "z"}, Out: []string{"y"}},
			},
		}, "y"), "node fill (ConstantOfShape)"},
		{"ConstantOfShape from the input's shape", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("k", []int64{1}, []int64{1e9})},
			Nodes: []ob.Node{
				{Op: "Shape", Name: "shape", In: []string{"input"}, Out: []string{"s"}},
				{Op: "Mul", Name: "mul", In: []string{"s", "k"}, Out: []string{"s2"}},
				{Op: "ConstantOfShape", Name: "fill", In: []string{"s2"}, Out: []string{"z"}},
				{Op: "Add", Name: "add", In: []string{"input", "z"}, Out: []string{"y"}},
			},
		}, "y"), "node mul (Mul)"},
		{"Pad by 10⁹", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("pads", []int64{8}, []int64{0, 0, 1e9, 1e9, 0, 0, 1e9, 1e9})},
			Nodes: []ob.Node{{Op: "Pad", Name: "pad", In: []string{"input", "pads"}, Out: []string{"y"}}},
		}, "y"), "node pad (Pad)"},
		{"Pad by 2⁶²", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("pads", []int64{8}, []int64{0, 0, 1 << 62, 0, 0, 0, 1 << 62, 0})},
			Nodes: []ob.Node{{Op: "Pad", Name: "pad", In: []string{"input", "pads"}, Out: []string{"y"}}},
		}, "y"), "node pad (Pad)"},
		{"Reshape to 10⁹ × 10⁹", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("shape", []int64{3}, []int64{1e9, 1e9, -1})},
			Nodes: []ob.Node{{Op: "Reshape", Name: "reshape", In: []string{"input", "shape"}, Out: []string{"y"}}},
		}, "y"), "node reshape (Reshape)"},
		{"Reshape whose product overflows", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("shape", []int64{4}, []int64{1<<31 - 1, 1<<31 - 1, 1<<31 - 1, 0})},
			Nodes: []ob.Node{{Op: "Reshape", Name: "reshape", In: []string{"input", "shape"}, Out: []string{"y"}, Attrs: []ob.Attr{ob.Int("allowzero", 1)}}},
		}, "y"), "node reshape (Reshape)"},
		{"NonMaxSuppression (not native)", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("shape", []int64{4}, []int64{1e6, 3, 1e6, 16})},
			Nodes: []ob.Node{{Op: "NonMaxSuppression", Name: "nms", In: []string{"input", "shape"}, Out: []string{"y"}}},
		}, "y"), "NonMaxSuppression"},
		{"Expand to 10⁶ × 10⁶ × 3 × 16 × 16", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("shape", []int64{5}, []int64{1e6, 1e6, 3, 16, 16})},
			Nodes: []ob.Node{{Op: "Expand", Name: "expand", In: []string{"input", "shape"}, Out: []string{"y"}}},
		}, "y"), "node expand (Expand)"},
		{"Expand by 2⁶²", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("shape", []int64{5}, []int64{1 << 62, 1, 3, 1, 1})},
			Nodes: []ob.Node{{Op: "Expand", Name: "expand", In: []string{"input", "shape"}, Out: []string{"y"}}},
		}, "y"), "node expand (Expand)"},
		{"Expand whose product overflows", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("shape", []int64{6}, []int64{1<<31 - 1, 1<<31 - 1, 1<<31 - 1, 1, 1, 1})},
			Nodes: []ob.Node{{Op: "Expand", Name: "expand", In: []string{"input", "shape"}, Out: []string{"y"}}},
		}, "y"), "node expand (Expand)"},
		{"Conv padded by 2²⁹", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Floats32("w", []int64{1, 3, 1, 1}, []float32{1, 1, 1})},
			Nodes: []ob.Node{{Op: "Conv", Name: "conv", In: []string{"input", "w"}, Out: []string{"y"},
				Attrs: []ob.Attr{ob.Ints("pads", 1<<29, 1<<29, 1<<29, 1<<29)}}},
		}, "y"), "node conv (Conv)"},
		{"Conv padded by 2⁶²", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Floats32("w", []int64{1, 3, 1, 1}, []float32{1, 1, 1})},
			Nodes: []ob.Node{{Op: "Conv", Name: "conv", In: []string{"input", "w"}, Out: []string{"y"},
				Attrs: []ob.Attr{ob.Ints("pads", 1<<62, 0, 1<<62, 0)}}},
		}, "y"), "node conv (Conv)"},
		{"broadcast to 10¹²", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("s1", []int64{2}, []int64{1e6, 1}), ob.Int64Tensor("s2", []int64{2}, []int64{1, 1e6})},
			Nodes: []ob.Node{
				{Op: "ConstantOfShape", Name: "a", In: []string{"s1"}, Out: []string{"za"}},
				{Op: "ConstantOfShape", Name: "b", In: []string{"s2"}, Out: []string{"zb"}},
				{Op: "Add", Name: "add", In: []string{"za", "zb"}, Out: []string{"z"}},
				{Op: "Add", Name: "add2", In: []string{"input", "z"}, Out: []string{"y"}},
			},
		}, "y"), "node add (Add)"},
		{"Where broadcast to 10¹²", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("s1", []int64{2}, []int64{1e6, 1}), ob.Int64Tensor("s2", []int64{2}, []int64{1, 1e6})},
			Nodes: []ob.Node{
				{Op: "ConstantOfShape", Name: "a", In: []string{"s1"}, Out: []string{"za"}},
				{Op: "ConstantOfShape", Name: "b", In: []string{"s2"}, Out: []string{"zb"}},
				{Op: "Equal", Name: "eq", In: []string{"za", "za"}, Out: []string{"c"}},
				{Op: "Where", Name: "where", In: []string{"c", "za", "zb"}, Out: []string{"z"}},
				{Op: "Add", Name: "add2", In: []string{"input", "z"}, Out: []string{"y"}},
			},
		}, "y"), "node where (Where): output shape [1000000 1000000] needs 3.6 TiB"},
		{"Pow broadcast to 10¹²", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("s1", []int64{2}, []int64{1e6, 1}), ob.Int64Tensor("s2", []int64{2}, []int64{1, 1e6})},
			Nodes: []ob.Node{
				{Op: "ConstantOfShape", Name: "a", In: []string{"s1"}, Out: []string{"za"}},
				{Op: "ConstantOfShape", Name: "b", In: []string{"s2"}, Out: []string{"zb"}},
				{Op: "Pow", Name: "pow", In: []string{"za", "zb"}, Out: []string{"z"}},
				{Op: "Add", Name: "add2", In: []string{"input", "z"}, Out: []string{"y"}},
			},
		}, "y"), "node pow (Pow): output shape [1000000 1000000] needs 3.6 TiB"},
		{"Gather index beyond the table", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("i", []int64{1}, []int64{1 << 40})},
			Nodes: []ob.Node{{Op: "Gather", Name: "gather", In: []string{"input", "i"}, Out: []string{"y"}, Attrs: []ob.Attr{ob.Int("axis", 2)}}},
		}, "y"), "node gather (Gather): index 1099511627776 out of range [-16, 16)"},
		{"Unsqueeze with a repeated axis (found by fuzzing)", imageIO(&ob.Model{
			Nodes: []ob.Node{{Op: "Unsqueeze", Name: "unsq", In: []string{"input"}, Out: []string{"y"}, Attrs: []ob.Attr{ob.Ints("axes", 4, 4)}}},
		}, "y"), "node unsq (Unsqueeze): axis 4 repeated"},
		{"Slice with fewer axes than starts (found by fuzzing)", imageIO(&ob.Model{
			Inits: []ob.Tensor{ob.Int64Tensor("s", []int64{2}, []int64{0, 0}), ob.Int64Tensor("a", []int64{1}, []int64{1})},
			Nodes: []ob.Node{{Op: "Slice", Name: "slice", In: []string{"input", "s", "s", "a"}, Out: []string{"y"}}},
		}, "y"), "node slice (Slice): starts, ends, axes and steps"},
		{"a value produced twice", imageIO(&ob.Model{
			Nodes: []ob.Node{
				{Op: "Relu", Name: "relu", In: []string{"input"}, Out: []string{"y"}},
				{Op: "MaxPool", Name: "pool", Out: []string{"y"}},
			},
		}, "y"), `node pool (MaxPool): value "y" is also produced by node relu (Relu)`},
		{"a node writing the input", imageIO(&ob.Model{
			Nodes: []ob.Node{{Op: "Relu", Name: "relu", In: []string{"input"}, Out: []string{"input"}}},
		}, "input"), `node relu (Relu): value "input" is also produced by the graph input`},
		{"MaxPool with a negative kernel", imageIO(&ob.Model{
			Nodes: []ob.Node{{Op: "MaxPool", Name: "pool", In: []string{"input"}, Out: []string{"y"},
				Attrs: []ob.Attr{ob.Ints("kernel_shape", -1<<40, 2)}}},
		}, "y"), "node pool (MaxPool)"},
	}
}

// TestHostileModels: each crafted model is refused, by Parse or by the
// native backend, with one line naming the tensor or node, and takes a few
// megabytes at most, whatever its shapes claim.
func TestHostileModels(t *testing.T) {
	for _, c := range hostileModels() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		err := loadAndRun(c.model.Bytes())
		runtime.ReadMemStats(&after)
		t.Logf("%s: %v", c.name, err)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line naming %s", c.name, err, c.want)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 32<<20 {
			t.Errorf("%s: allocated %d MB", c.name, got>>20)
		}
	}
}

// loadAndRun parses a model, lists its layers at its input size (16×16
// when free) with the native backend and runs one batch of two images.
func loadAndRun(b []byte) error {
	m, err := Parse("hostile.onnx", b)
	if err != nil {
		return err
	}
	r, err := NewRunner(m, &RunnerOptions{Backend: "native"})
	if err != nil {
		return err
	}
	defer r.Close()
	h, w := m.InputShape[2], m.InputShape[3]
	if h < 0 || w < 0 {
		h, w = 16, 16
	}
	cands, err := m.Layers(r, h, w)
	if err != nil {
		return err
	}
	return Forward(m, r, constSource(2), cands, ForwardOptions{H: h, W: w, Batch: 2}, func(int, int, [][]float32) error { return nil })
}

// TestHostileFiles: an empty, truncated or garbage file, and a FIFO, are
// refused by name; a graph output without a shape is accepted.
func TestHostileFiles(t *testing.T) {
	dir := t.TempDir()
	vgg, err := os.ReadFile(filepath.Join("testdata", "vgg_tiny.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"empty.onnx":     nil,
		"truncated.onnx": vgg[:len(vgg)/2],
		"garbage.onnx":   []byte("\x0a\xff\xff\xff\xff\x0f garbage \x00\x01"),
		"text.onnx":      []byte("this is not a protocol buffer \xff\xff\xff"),
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(p); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if fifo := craft.Mkfifo(t, filepath.Join(dir, "fifo.onnx")); fifo != "" {
		if _, err := Open(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("FIFO: %v", err)
		}
	}
	m := ob.ConvNet(3, 16, 16)
	m.Outputs = []ob.Value{{Name: "output", NoShape: true}}
	if err := loadAndRun(m.Bytes()); err != nil {
		t.Errorf("output without a shape: %v", err)
	}
	m.Outputs = []ob.Value{{Name: "output", NoType: true}}
	if err := loadAndRun(m.Bytes()); err != nil {
		t.Errorf("output without a type: %v", err)
	}
}

// TestBudget: a model whose values exceed the memory budget is refused
// with the size it would need; the same model runs under a larger one.
func TestBudget(t *testing.T) {
	m, err := Parse("convnet.onnx", ob.ConvNet(3, 64, 64).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// One image's Conv output is 4 × 64 × 64 floats (64 KiB); with 8
	// images, 512 KiB.
	small, err := NewRunner(m, &RunnerOptions{Backend: "native", MaxBytes: 512 << 10})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 8*3*64*64) // 384 KiB, counted in the budget
	_, err = small.Run(x, []int{8, 3, 64, 64}, []string{"output"})
	if err == nil || !strings.Contains(err.Error(), "node conv (Conv)") || !strings.Contains(err.Error(), "512.0 KiB") {
		t.Fatalf("small budget: %v", err)
	}
	large, err := NewRunner(m, &RunnerOptions{Backend: "native", MaxBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	out, err := large.Run(x, []int{8, 3, 64, 64}, []string{"output"})
	if err != nil || len(out[0].Data) != 8*3 {
		t.Fatalf("large budget: %v", err)
	}
	if err := m.checkBatch(large, 100_000_000, []int{3, 64, 64}); err == nil || !strings.Contains(err.Error(), "4.5 TiB") {
		t.Fatalf("batch of 10⁸: %v", err)
	}
}
