//go:build unix

package hostile

import (
	"bytes"
	"math"
	"os"
	"slices"
	"testing"

	ob "github.com/intdim/intdim/internal/onnxbuild"
	"github.com/intdim/intdim/tensorio/npy"
	"github.com/intdim/intdim/tensorio/npz"
)

// encoder copies the test transformer encoder (input x: [N, 4, 16]) to
// dir/m.onnx.
func encoder(t *testing.T, dir string) {
	b, err := os.ReadFile("../../onnx/testdata/encoder_tiny.onnx")
	if err != nil {
		t.Fatal(err)
	}
	File("m.onnx", b)(t, dir)
}

// tokens returns a Setup writing an array of the shape to dir/name (.npy,
// or .npz with the given member), values from f.
func tokens(name, member string, shape []int, f func(i int) float64) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		n := 1
		for _, d := range shape {
			n *= d
		}
		x := make([]float64, n)
		for i := range x {
			x[i] = f(i)
		}
		var b bytes.Buffer
		if member == "" {
			if err := npy.Write(&b, shape, x); err != nil {
				t.Fatal(err)
			}
		} else {
			w := npz.NewWriter(&b)
			if err := w.Add(member, shape, x); err != nil {
				t.Fatal(err)
			}
			if err := w.Add("labels", []int{shape[0], 1}, make([]float64, shape[0])); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		}
		File(name, b.Bytes())(t, dir)
	}
}

// idsModel embeds int64 token ids [N, 2] with a table of 4 tokens × 3.
func idsModel() *ob.Model {
	return &ob.Model{
		Inputs:  []ob.Value{{Name: "ids", Elem: ob.Int64, Dims: []int64{-1, 2}}},
		Outputs: []ob.Value{{Name: "y", Dims: []int64{-1, 2, 3}}},
		Inits:   []ob.Tensor{ob.Floats32("emb", []int64{4, 3}, []float32{0, 1, 2, 3, 5, 4, 7, 9, 8, 1, 1, 4})},
		Nodes:   []ob.Node{{Op: "Gather", Name: "gather", In: []string{"emb", "ids"}, Out: []string{"y"}}},
	}
}

// TestONNXInputs: profile --onnx --inputs refuses bad arrays in one line
// naming the file (issue 11).
func TestONNXInputs(t *testing.T) {
	prof := func(a ...string) []string {
		return append([]string{"profile", "--quiet", "--onnx", "m.onnx"}, a...)
	}
	sine := func(i int) float64 { return math.Sin(float64(i)) }
	Run(t, []Case{
		{Name: "inputs wrong shape", Args: prof("--inputs", "x.npy"), Setup: Setups(encoder, tokens("x.npy", "", []int{20, 5, 16}, sine)),
			Exit: 2, Stderr: `x.npy: array of shape [20 5 16] for the input "x" of shape [-1 4 16]`},
		{Name: "inputs wrong rank", Args: prof("--inputs", "x.npy"), Setup: Setups(encoder, tokens("x.npy", "", []int{20, 64}, sine)),
			Exit: 2, Stderr: `x.npy: array of shape [20 64] for the input "x"`},
		{Name: "inputs NaN", Args: prof("--inputs", "x.npy"), Setup: Setups(encoder, tokens("x.npy", "", []int{20, 4, 16}, func(i int) float64 {
			if i == 70 {
				return math.NaN()
			}
			return sine(i)
		})), Exit: 2, Stderr: "x.npy: row 1, column 6 is NaN"},
		{Name: "inputs two rows", Args: prof("--inputs", "x.npy"), Setup: Setups(encoder, tokens("x.npy", "", []int{2, 4, 16}, sine)),
			Exit: 2, Stderr: "x.npy: 2 rows; an ID needs at least 3"},
		{Name: "inputs npz without the input's name", Args: prof("--inputs", "x.npz"), Setup: Setups(encoder, tokens("x.npz", "tokens", []int{20, 4, 16}, sine)),
			Exit: 2, Stderr: `x.npz: holds 2 arrays (tokens, labels) and none is named as the model's input "x"; use x.npz:NAME`},
		{Name: "inputs fifo", Args: prof("--inputs", "x.npy"), Setup: Setups(encoder, fifo("x.npy")),
			Exit: 2, Stderr: "x.npy: not a regular file (a named pipe (FIFO))"},
		{Name: "inputs with sample", Args: prof("--inputs", "x.npy", "--sample", "5"), Setup: Setups(encoder, tokens("x.npy", "", []int{20, 4, 16}, sine)),
			Exit: 2, Stderr: "--sample applies to --images"},
		{Name: "inputs more rows than there are", Args: prof("--inputs", "x.npy", "--n", "50"), Setup: Setups(encoder, tokens("x.npy", "", []int{20, 4, 16}, sine)),
			Exit: 2, Stderr: "x.npy: asked for 50 rows but there are 20"},
		{Name: "token ids not integers", Args: []string{"profile", "--quiet", "--onnx", "ids.onnx", "--inputs", "x.npy"},
			Setup: Setups(Model("ids.onnx", idsModel()), tokens("x.npy", "", []int{20, 2}, func(i int) float64 { return float64(i%4) + 0.5*float64(i/39) })),
			Exit:  2, Stderr: `x.npy: element 39 is 3.5: the input "ids" takes integer token ids below 2^24`},
		{Name: "token ids beyond the table", Args: []string{"profile", "--quiet", "--onnx", "ids.onnx", "--inputs", "x.npy"},
			Setup: Setups(Model("ids.onnx", idsModel()), tokens("x.npy", "", []int{20, 2}, func(i int) float64 { return float64(i % 5) })),
			Exit:  2, Stderr: "ids.onnx: node gather (Gather): index 4 out of range [-4, 4)"},
		{Name: "images for a token model", Args: prof("--images", "imgs"), Setup: Setups(encoder, Images("imgs", 4, 16, 16)),
			Exit: 2, Stderr: `m.onnx: input "x" has shape [-1 4 16]; want images`},
	})
}

// maskModel has two inputs, x float32 [N, 4] and an int64 mask [N, 4]:
// y = where(mask == 0, −100, x·W).
func maskModel() *ob.Model {
	w := make([]float32, 16)
	for i := range w {
		w[i] = float32(i%5) - 2
	}
	return ob.MaskModel(w)
}

// members returns a Setup writing dir/name, an .npz with one member per
// name, of rows × 4 values (from f).
func members(name string, rows map[string]int, f func(i int) float64) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		var b bytes.Buffer
		w := npz.NewWriter(&b)
		for _, m := range []string{"x", "mask", "labels"} {
			n, ok := rows[m]
			if !ok {
				continue
			}
			x := make([]float64, 4*n)
			for i := range x {
				x[i] = f(i)
			}
			if err := w.Add(m, []int{n, 4}, x); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		File(name, b.Bytes())(t, dir)
	}
}

// TestONNXSeveralInputs: a model with two inputs takes an .npz with one
// array per input; a missing or extra member, rows that differ, or a
// non-integer mask are refused naming the member.
func TestONNXSeveralInputs(t *testing.T) {
	prof := []string{"profile", "--quiet", "--onnx", "m.onnx", "--inputs", "x.npz"}
	mod := Model("m.onnx", maskModel())
	bits := func(i int) float64 { return float64(i % 2) }
	Run(t, []Case{
		{Name: "missing member", Args: prof, Setup: Setups(mod, members("x.npz", map[string]int{"x": 20}, bits)),
			Exit: 2, Stderr: `x.npz: no array for the model's input "mask" (the model takes x, mask; give an .npz with one array per input)`},
		{Name: "extra member", Args: prof, Setup: Setups(mod, members("x.npz", map[string]int{"x": 20, "mask": 20, "labels": 20}, bits)),
			Exit: 2, Stderr: `x.npz: array "labels" is not an input of the model (it takes x, mask)`},
		{Name: "rows differ", Args: prof, Setup: Setups(mod, members("x.npz", map[string]int{"x": 20, "mask": 19}, bits)),
			Exit: 2, Stderr: `x.npz: array "mask" has shape [19 4] but "x" has shape [20 4]; every input is batched along axis 0`},
		{Name: "mask not integer", Args: prof, Setup: Setups(mod, members("x.npz", map[string]int{"x": 20, "mask": 20}, func(i int) float64 { return float64(i) / 3 })),
			Exit: 2, Stderr: `x.npz: array "mask": element 1 is 0.3333333333333333: the input "mask" takes integer token ids below 2^24`},
		{Name: "one npy for two inputs", Args: []string{"profile", "--quiet", "--onnx", "m.onnx", "--inputs", "x.npy"},
			Setup: Setups(mod, tokens("x.npy", "", []int{20, 4}, bits)),
			Exit:  2, Stderr: `x.npy: no array for the model's input`},
		{Name: "images for two inputs", Args: []string{"profile", "--quiet", "--onnx", "m.onnx", "--images", "imgs"}, Setup: Setups(mod, Images("imgs", 4, 16, 16)),
			Exit: 2, Stderr: `m.onnx: the model has 2 inputs (x, mask), not one image input`},
		{Name: "two inputs on gomlx", Args: append(slices.Clone(prof), "--backend", "gomlx"), Setup: Setups(mod, members("x.npz", map[string]int{"x": 20, "mask": 20}, bits)),
			Exit: 2, Stderr: `backend gomlx: the model has 2 inputs (x, mask), which only the native backend takes`},
	})
}
