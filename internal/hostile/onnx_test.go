//go:build unix

package hostile

import (
	"testing"

	ob "github.com/intdim/intdim/internal/onnxbuild"
)

// Model returns a Setup writing an ONNX model to dir/name.
func Model(name string, m *ob.Model) func(*testing.T, string) {
	return func(t *testing.T, dir string) { File(name, m.Bytes())(t, dir) }
}

// rgbModel is a 16×16 RGB model made of nodes, with the initializers.
func rgbModel(out string, inits []ob.Tensor, nodes ...ob.Node) *ob.Model {
	return &ob.Model{
		Inputs:  []ob.Value{{Name: "input", Dims: []int64{-1, 3, 16, 16}}},
		Outputs: []ob.Value{{Name: out, Dims: []int64{-1}}},
		Inits:   inits,
		Nodes:   nodes,
	}
}

// TestONNX: crafted ONNX models and files are refused, by profile and by
// --list-layers, with one line naming the tensor or node, in bounded
// memory, without a stack trace.
func TestONNX(t *testing.T) {
	imgs := Images("imgs", 4, 16, 16)
	prof := func(a ...string) []string {
		return append([]string{"profile", "--quiet", "--onnx", "m.onnx", "--images", "imgs", "--preprocess", "none"}, a...)
	}
	list := []string{"profile", "--onnx", "m.onnx", "--list-layers"}
	junkRaw := ob.Tensor{Name: "conv.w", Dims: []int64{1e6, 1e6, 3, 3}, Type: ob.Float, Raw: make([]byte, 432)}
	conv := ob.Node{Op: "Conv", Name: "conv", In: []string{"input", "conv.w"}, Out: []string{"y"}}
	models := []struct {
		name  string
		model *ob.Model
		want  string
	}{
		{"initializer beyond its data", rgbModel("y", []ob.Tensor{junkRaw}, conv), `initializer "conv.w": shape [1000000 1000000 3 3] needs 36000000000000 bytes but the tensor holds 432`},
		{"negative dims", rgbModel("y", []ob.Tensor{{Name: "conv.w", Dims: []int64{-4, 3, 3, 3}, Raw: make([]byte, 432)}}, conv), `initializer "conv.w": shape: negative dimension`},
		{"input 3×10⁶×10⁶", &ob.Model{
			Inputs:  []ob.Value{{Name: "input", Dims: []int64{1, 3, 1e6, 1e6}}},
			Outputs: []ob.Value{{Name: "y"}},
			Nodes:   []ob.Node{{Op: "Relu", Name: "relu", In: []string{"input"}, Out: []string{"y"}}},
		}, `input "input"`},
		{"ConstantOfShape 10⁶×10⁶", rgbModel("y", []ob.Tensor{ob.Int64Tensor("shape", []int64{2}, []int64{1e6, 1e6})},
			ob.Node{Op: "ConstantOfShape", Name: "fill", In: []string{"shape"}, Out: []string{"z"}},
			ob.Node{Op: "Add", Name: "add", In: []string{"input", "z"}, Out: []string{"y"}},
		), "node fill (ConstantOfShape): output shape [1000000 1000000] needs 3.6 TiB"},
		{"Pad by 10⁹", rgbModel("y", []ob.Tensor{ob.Int64Tensor("pads", []int64{8}, []int64{0, 0, 1e9, 1e9, 0, 0, 1e9, 1e9})},
			ob.Node{Op: "Pad", Name: "pad", In: []string{"input", "pads"}, Out: []string{"y"}},
		), "node pad (Pad)"},
		{"Reshape to 10⁹×10⁹", rgbModel("y", []ob.Tensor{ob.Int64Tensor("shape", []int64{3}, []int64{1e9, 1e9, -1})},
			ob.Node{Op: "Reshape", Name: "reshape", In: []string{"input", "shape"}, Out: []string{"y"}},
		), "node reshape (Reshape)"},
		{"unsupported operator", rgbModel("y", []ob.Tensor{ob.Int64Tensor("shape", []int64{4}, []int64{1e6, 3, 1e6, 16})},
			ob.Node{Op: "NonMaxSuppression", Name: "nms", In: []string{"input", "shape"}, Out: []string{"y"}},
		), "operator NonMaxSuppression not supported"},
		{"Expand 10⁶×10⁶×3×16×16", rgbModel("y", []ob.Tensor{ob.Int64Tensor("shape", []int64{5}, []int64{1e6, 1e6, 1, 1, 1})},
			ob.Node{Op: "Expand", Name: "expand", In: []string{"input", "shape"}, Out: []string{"y"}},
		), "node expand (Expand): output shape [1000000 1000000 3 16 16] needs"},
		{"Expand by 2⁶²", rgbModel("y", []ob.Tensor{ob.Int64Tensor("shape", []int64{5}, []int64{1 << 62, 1, 3, 1, 1})},
			ob.Node{Op: "Expand", Name: "expand", In: []string{"input", "shape"}, Out: []string{"y"}},
		), "node expand (Expand): dimension 4611686018427387904"},
		{"Conv padded by 2²⁹", rgbModel("y", []ob.Tensor{ob.Floats32("w", []int64{1, 3, 1, 1}, []float32{1, 1, 1})},
			ob.Node{Op: "Conv", Name: "conv", In: []string{"input", "w"}, Out: []string{"y"}, Attrs: []ob.Attr{ob.Ints("pads", 1<<29, 1<<29, 1<<29, 1<<29)}},
		), "node conv (Conv)"},
		{"two inputs", &ob.Model{
			Inputs:  []ob.Value{{Name: "input", Dims: []int64{-1, 3, 16, 16}}, {Name: "other", Dims: []int64{-1, 3, 16, 16}}},
			Outputs: []ob.Value{{Name: "y"}},
			Nodes:   []ob.Node{{Op: "Add", Name: "add", In: []string{"input", "other"}, Out: []string{"y"}}},
		}, "the model has 2 inputs (input, other), not one image input"},
	}
	var cases []Case
	for _, m := range models {
		setup := Setups(imgs, Model("m.onnx", m.model))
		cases = append(cases,
			Case{Name: m.name, Args: prof(), Setup: setup, Exit: 2, Stderr: m.want},
			Case{Name: m.name + " list", Args: list, Setup: setup, Exit: 2, Stderr: m.want},
		)
	}
	good := ob.ConvNet(3, 16, 16).Bytes()
	cases = append(cases,
		Case{Name: "empty file", Args: prof(), Setup: Setups(imgs, File("m.onnx", nil)), Exit: 2, Stderr: "m.onnx: not an ONNX model: empty file"},
		Case{Name: "empty file list", Args: list, Setup: File("m.onnx", nil), Exit: 2, Stderr: "m.onnx: not an ONNX model"},
		Case{Name: "truncated file", Args: prof(), Setup: Setups(imgs, File("m.onnx", good[:len(good)/2])), Exit: 2, Stderr: "m.onnx: not an ONNX model"},
		Case{Name: "garbage", Args: list, Setup: File("m.onnx", []byte("\x0a\xff\xff\xff\xff\x0f garbage")), Exit: 2, Stderr: "m.onnx: not an ONNX model"},
		Case{Name: "model is a FIFO", Args: prof(), Setup: Setups(imgs, fifo("m.onnx")), Exit: 2, Stderr: "m.onnx: not a regular file"},
		Case{Name: "model is a directory", Args: list, Setup: mkdir("m.onnx"), Exit: 2, Stderr: "m.onnx: not a regular file"},
		Case{Name: "batch 10⁸", Args: prof("--batch", "100000000"), Setup: Setups(imgs, File("m.onnx", good)), Exit: 2, Stderr: "--batch 100000000: a batch of 3×16×16 images needs 286 GiB"},
		Case{Name: "resize 60000", Args: []string{"profile", "--onnx", "m.onnx", "--images", "imgs", "--resize", "60000"}, Setup: Setups(imgs, File("m.onnx", good)), Exit: 2, Stderr: "--resize 60000: resized images would have at least 60000×60000 pixels (10.1 GiB)"},
		Case{Name: "max-pixels 0", Args: prof("--max-pixels", "0"), Setup: Setups(imgs, File("m.onnx", good)), Exit: 2, Stderr: "--max-pixels 0"},
		Case{Name: "mean NaN", Args: prof("--mean", "NaN"), Setup: Setups(imgs, File("m.onnx", good)), Exit: 2, Stderr: "--mean"},
		Case{Name: "grey model, three means", Args: prof("--mean", "0.1,0.2,0.3"), Setup: Setups(imgs, File("m.onnx", ob.ConvNet(1, 16, 16).Bytes())), Exit: 2, Stderr: "grey images"},
	)
	Run(t, cases)
}
