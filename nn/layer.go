package nn

import (
	"fmt"

	"github.com/intdim/intdim/internal/kernel"
)

// Shape is the shape of one sample's activation: C channels of H×W. Dense
// layers and flattened activations have H = W = 1.
type Shape struct{ C, H, W int }

// Size is the number of values in one sample, C·H·W.
func (s Shape) Size() int { return s.C * s.H * s.W }

func (s Shape) String() string { return fmt.Sprintf("%dx%dx%d", s.C, s.H, s.W) }

// Param is a learnable tensor and its gradient. Shape follows PyTorch:
// [out, in] for Dense weights, [out, in, kh, kw] for Conv2D weights.
type Param struct {
	Name  string
	Shape []int
	W     []float32 // values
	G     []float32 // gradient of the loss, summed over shards
	V     []float32 // momentum buffer (Adam: second moment)
	M     []float32 // Adam: first moment (allocated on first use)
}

func newParam(name string, shape ...int) *Param {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return &Param{Name: name, Shape: shape, W: make([]float32, n), G: make([]float32, n), V: make([]float32, n)}
}

// Layer is one step of a Net. Layers are built by NewDense, NewConv2D,
// NewMaxPool2D, NewReLU and NewFlatten; a layer with a non-empty name is
// one whose activations Net.Forward returns.
type Layer interface {
	// LayerName is the name given to the layer's output ("" for none).
	LayerName() string
	// setup fixes the input shape and allocates parameters; it returns
	// the output shape.
	setup(in Shape, prefix string) (Shape, error)
	params() []*Param
	// forward computes the output of n samples into s.out.
	forward(s *slot, x []float32, n int)
	// backward computes the input gradient from the output gradient dy
	// into s.dx (when needDx) and adds the parameter gradients to s.grads.
	backward(s *slot, dy []float32, n int, needDx bool)
}

// slot is the per-shard working memory of one layer.
type slot struct {
	x     []float32     // input of the last forward (not owned)
	out   []float32     // output
	dx    []float32     // input gradient
	cols  []float32     // conv: patch matrices of every sample, transposed (K × n·P)
	dcols []float32     // conv: gradient of the patch matrices, transposed (K × n·P)
	idx   []int32       // max-pool: argmax of every output
	t1    []float32     // scratch
	pa    kernel.Packed // matmul: packed left operand, reused
	pb    kernel.Packed // matmul: packed right operand, reused
	grads [][]float32   // per parameter
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
