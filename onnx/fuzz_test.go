package onnx

import (
	"os"
	"path/filepath"
	"testing"

	ob "github.com/intdim/intdim/internal/onnxbuild"
)

// fuzzSeeds are the committed test models, halves of them, and the
// crafted models of the hostile tests.
func fuzzSeeds(f *testing.F) {
	for _, name := range []string{"vgg_tiny.onnx", "resnet_tiny.onnx", "ops_tiny.onnx"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:200])
		f.Add(b[:len(b)/2])
	}
	f.Add(ob.ConvNet(1, 8, 8).Bytes())
	f.Add(ob.ConvNet(3, 6, 6).Bytes())
	for _, c := range hostileModels() {
		f.Add(c.model.Bytes())
	}
	f.Add([]byte{})
	f.Add([]byte("\x08\x07\x12\x00"))
}

// FuzzParse: Parse must return a model or an error naming the file, and
// never panic, whatever the bytes.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.onnx", data)
		if err == nil {
			if m.Input == "" || len(m.InputShape) != 4 {
				t.Fatalf("accepted a model without an image input: %+v", m)
			}
			m.Values()
			m.Auto()
		}
	})
}

// FuzzForward: whatever the bytes, a model that parses is loaded by the
// native backend under a 16 MiB budget, its layers listed and one forward
// pass of two tiny images (at most 64 × 64) run, each step ending in a result or an error
// (operators' runtime errors are not recovered here: strictOps), with no
// more memory than the budget.
func FuzzForward(f *testing.F) {
	fuzzSeeds(f)
	strictOps = true
	f.Cleanup(func() { strictOps = false })
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.onnx", data)
		if err != nil {
			return
		}
		if m.InputShape[0] > 4 || m.InputShape[2] > 64 || m.InputShape[3] > 64 {
			return // tiny inputs only: the fuzzer looks for crashes, not slow runs
		}
		r, err := NewRunner(m, &RunnerOptions{Backend: "native", MaxBytes: 16 << 20})
		if err != nil {
			return
		}
		defer r.Close()
		h, w := m.InputShape[2], m.InputShape[3]
		if h <= 0 {
			h = 8
		}
		if w <= 0 {
			w = 8
		}
		cands, err := m.Layers(r, h, w)
		if err != nil {
			return
		}
		layers, err := m.Select(cands, "all")
		if err != nil {
			return
		}
		src := constSource(2)
		Forward(m, r, src, layers, ForwardOptions{H: h, W: w, Batch: 2}, func(start, n int, acts [][]float32) error {
			for j, a := range acts {
				if len(a) != n*layers[j].Dim() {
					t.Fatalf("layer %s: %d values for %d images of %d", layers[j].Name, len(a), n, layers[j].Dim())
				}
			}
			return nil
		})
	})
}

// constSource is n images of a constant grey.
type constSource int

func (s constSource) Len() int { return int(s) }
func (s constSource) Load(i int, dst []float32) error {
	for k := range dst {
		dst[k] = 0.25
	}
	return nil
}

// FuzzOps builds one-operator graphs from the fuzzer's numbers (the
// operator, its integer attributes and a constant second input) and runs
// them natively on a small image batch: every operator must end in a
// result or an error naming the node, never a runtime panic (strictOps),
// whatever its attributes and shapes.
func FuzzOps(f *testing.F) {
	f.Add(uint8(0), int64(1), int64(1), int64(0), int64(0), []byte{1, 2, 3, 4})
	f.Add(uint8(3), int64(-1), int64(2), int64(3), int64(1), []byte{})
	f.Add(uint8(9), int64(0), int64(2), int64(0), int64(0), []byte{0, 8, 1})
	strictOps = true
	f.Cleanup(func() { strictOps = false })
	ops := []string{"Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape", "Squeeze", "Unsqueeze",
		"Transpose", "Concat", "Softmax", "Pad", "Gather", "Slice", "Gemm", "MatMul", "Add", "BatchNormalization",
		"ConstantOfShape", "Shape", "Cast", "Clip", "Mul", "Identity"}
	f.Fuzz(func(t *testing.T, op uint8, a, b, c, d int64, data []byte) {
		name := ops[int(op)%len(ops)]
		small := func(v int64) int64 { return v % 9 }
		ints := []int64{small(a), small(b), small(c), small(d)}
		var vals []int64
		for _, x := range data {
			vals = append(vals, int64(int8(x)))
		}
		if len(vals) > 16 {
			vals = vals[:16]
		}
		floats := make([]float32, len(vals))
		for i, v := range vals {
			floats[i] = float32(v) / 8
		}
		k := ob.Int64Tensor("k", []int64{int64(len(vals))}, vals)
		kf := ob.Floats32("kf", []int64{int64(len(vals))}, floats)
		attrs := []ob.Attr{ob.Int("axis", small(a)), ob.Ints("perm", ints[:int(uint64(b)%5)]...),
			ob.Ints("kernel_shape", ints[:2]...), ob.Ints("pads", ints...), ob.Ints("strides", ints[2:]...),
			ob.Int("group", small(c)), ob.Int("to", small(d)), ob.Ints("axes", ints[:int(uint64(c)%4)]...),
			ob.Int("transB", small(d)%2), ob.Int("ceil_mode", small(a)%2)}
		second := "k"
		if a%2 == 0 {
			second = "kf"
		}
		in := []string{"input", second, "k", "k", "k"}[:1+int(uint64(d)%5)]
		m := &ob.Model{
			Inputs:  []ob.Value{{Name: "input", Dims: []int64{-1, 3, 5, 4}}},
			Outputs: []ob.Value{{Name: "y"}},
			Inits:   []ob.Tensor{k, kf},
			Nodes:   []ob.Node{{Op: name, Name: "n", In: in, Out: []string{"y"}, Attrs: attrs[:int(uint64(b)%uint64(len(attrs)+1))]}},
		}
		mod, err := Parse("ops.onnx", m.Bytes())
		if err != nil {
			return
		}
		r, err := NewRunner(mod, &RunnerOptions{Backend: "native", MaxBytes: 16 << 20})
		if err != nil {
			return
		}
		x := make([]float32, 2*3*5*4)
		for i := range x {
			x[i] = float32(i%7) - 3
		}
		r.Run(x, []int{2, 3, 5, 4}, []string{"y"})
	})
}
