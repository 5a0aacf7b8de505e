package onnx

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	ob "github.com/intdim/intdim/internal/onnxbuild"
)

// TestDecode: the decoder reads what onnxbuild writes (nodes, attributes
// of each kind, initializers, inputs with fixed and named dimensions,
// outputs, operator set), and the PyTorch-exported test models.
func TestDecode(t *testing.T) {
	m := ob.ConvNet(1, 8, 6)
	m.Opset = 17
	m.Nodes[0].Attrs = append(m.Nodes[0].Attrs, ob.Float32("f", 0.5), ob.String("auto_pad", "NOTSET"),
		ob.TensorAttr("t", ob.Int64Tensor("", []int64{2}, []int64{-3, 4})))
	pb, err := decodeModel(m.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	g := pb.graph
	if len(pb.opsets) != 1 || pb.opsets[0].version != 17 || len(g.nodes) != 5 || len(g.inits) != 4 {
		t.Fatalf("opsets %+v, %d nodes, %d initializers", pb.opsets, len(g.nodes), len(g.inits))
	}
	conv := g.nodes[0]
	if conv.op != "Conv" || conv.name != "conv" || !slices.Equal(conv.in, []string{"input", "conv.w", "conv.b"}) || !slices.Equal(conv.out, []string{"conv_out"}) {
		t.Fatalf("conv node %+v", conv)
	}
	attrs := map[string]*pbAttr{}
	for _, a := range conv.attrs {
		attrs[a.name] = a
	}
	if !slices.Equal(attrs["pads"].ints, []int64{1, 1, 1, 1}) || attrs["f"].f != 0.5 || string(attrs["auto_pad"].s) != "NOTSET" ||
		attrs["t"].t == nil || !slices.Equal(attrs["t"].t.dims, []int64{2}) {
		t.Fatalf("attributes %+v", attrs)
	}
	if v, ok := int64s(attrs["t"].t.dtype, attrs["t"].t.int64s, attrs["t"].t.raw); !ok || !slices.Equal(v, []int64{-3, 4}) {
		t.Fatalf("tensor attribute %v", v)
	}
	w := g.inits[0]
	if w.name != "conv.w" || w.dtype != tensorFloat || !slices.Equal(w.dims, []int64{4, 1, 3, 3}) || len(w.raw) != 4*36 {
		t.Fatalf("initializer %+v", w)
	}
	in := g.inputs[0]
	if in.name != "input" || in.elem != tensorFloat || len(in.dims) != 4 || in.dims[0].set || in.dims[0].param != "N" || in.dims[2].value != 8 {
		t.Fatalf("input %+v", in)
	}
	for name, want := range map[string][]int{"vgg_tiny.onnx": {-1, 3, 16, 16}, "vgg_tiny_b5.onnx": {5, 3, 16, 16}} {
		mod, err := Open(filepath.Join("testdata", name))
		if err != nil || !slices.Equal(mod.InputShape, want) {
			t.Fatalf("%s: input shape %v, %v", name, mod.InputShape, err)
		}
	}
}

// TestWithOutputs: the model given to onnxruntime keeps every field of
// the file and lists the requested values among the graph outputs, once.
func TestWithOutputs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "resnet_tiny.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse("resnet_tiny.onnx", b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.withOutputs([]string{"/pool/MaxPool_output_0", "output", "/gap/GlobalAveragePool_output_0"})
	if err != nil {
		t.Fatal(err)
	}
	m2, err := Parse("with.onnx", out)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"output", "/pool/MaxPool_output_0", "/gap/GlobalAveragePool_output_0"}; !slices.Equal(m2.Outputs, want) {
		t.Fatalf("outputs %q, want %q", m2.Outputs, want)
	}
	if len(m2.nodes) != len(m.nodes) || len(m2.pb.graph.inits) != len(m.pb.graph.inits) || m2.opset() != m.opset() || len(out) <= len(b) {
		t.Fatal("fields lost")
	}
	// Apart from the added outputs, the bytes are the file's.
	if len(out)-len(b) > 200 {
		t.Fatalf("%d bytes added", len(out)-len(b))
	}
}
