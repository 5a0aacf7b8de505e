package nn

import "fmt"

// Dense is a fully connected layer, y = x·Wᵀ + b, with W of shape
// [out, in] as in PyTorch's nn.Linear. Its input is flattened.
type Dense struct {
	Name    string
	In, Out int
	W, B    *Param
}

// NewDense returns a dense layer with out units. Its parameters are named
// NAME.weight and NAME.bias after the name given (or an automatic one).
func NewDense(name string, out int) *Dense {
	if out <= 0 {
		panic("nn: NewDense: out must be positive")
	}
	return &Dense{Name: name, Out: out}
}

// LayerName implements Layer.
func (d *Dense) LayerName() string { return d.Name }

func (d *Dense) setup(in Shape, prefix string) (Shape, error) {
	d.In = in.Size()
	d.W = newParam(prefix+".weight", d.Out, d.In)
	d.B = newParam(prefix+".bias", d.Out)
	return Shape{d.Out, 1, 1}, nil
}

func (d *Dense) params() []*Param { return []*Param{d.W, d.B} }

func (d *Dense) String() string { return fmt.Sprintf("Dense(%d→%d)", d.In, d.Out) }

func (d *Dense) forward(s *slot, x []float32, n int) {
	s.x = x
	s.out = grow(s.out, n*d.Out)
	matmul(s.out, x, n, false, d.W.W, d.Out, false, d.In, false, s)
	for i := 0; i < n; i++ {
		row := s.out[i*d.Out : (i+1)*d.Out]
		for j, b := range d.B.W {
			row[j] += b
		}
	}
}

func (d *Dense) backward(s *slot, dy []float32, n int, needDx bool) {
	gw, gb := s.grads[0], s.grads[1]
	// dW += dYᵀ·X, the rows of dYᵀ and Xᵀ read from columns.
	matmul(gw, dy[:n*d.Out], d.Out, true, s.x[:n*d.In], d.In, true, n, true, s)
	for i := 0; i < n; i++ {
		row := dy[i*d.Out : (i+1)*d.Out]
		for j, v := range row {
			gb[j] += v
		}
	}
	if needDx {
		s.dx = grow(s.dx, n*d.In)
		// dX = dY·W, the rows of Wᵀ read from columns.
		matmul(s.dx, dy, n, false, d.W.W, d.In, true, d.Out, false, s)
	}
}
