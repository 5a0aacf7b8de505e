package nn

import "fmt"

// MaxPool2D takes the maximum over k×k windows with stride k (PyTorch's
// nn.MaxPool2d(k) default); a partial window at the border is dropped.
type MaxPool2D struct {
	Name    string
	K       int
	in, out Shape
}

// NewMaxPool2D returns a k×k max-pooling layer with stride k.
func NewMaxPool2D(name string, k int) *MaxPool2D {
	if k <= 0 {
		panic("nn: NewMaxPool2D: k must be positive")
	}
	return &MaxPool2D{Name: name, K: k}
}

// LayerName implements Layer.
func (l *MaxPool2D) LayerName() string { return l.Name }

func (l *MaxPool2D) String() string { return fmt.Sprintf("MaxPool2D(%d)", l.K) }

func (l *MaxPool2D) setup(in Shape, prefix string) (Shape, error) {
	if in.H < l.K || in.W < l.K {
		return Shape{}, fmt.Errorf("nn: maxpool %s: input %v smaller than the window %d", prefix, in, l.K)
	}
	l.in = in
	l.out = Shape{in.C, in.H / l.K, in.W / l.K}
	return l.out, nil
}

func (l *MaxPool2D) params() []*Param { return nil }

func (l *MaxPool2D) forward(s *slot, x []float32, n int) {
	in, out, k := l.in, l.out, l.K
	isz, osz := in.Size(), out.Size()
	s.out = grow(s.out, n*osz)
	if cap(s.idx) < n*osz {
		s.idx = make([]int32, n*osz)
	}
	s.idx = s.idx[:n*osz]
	if k == 2 {
		l.forward2(s, x, n)
		return
	}
	o := 0
	for i := 0; i < n; i++ {
		for c := 0; c < in.C; c++ {
			base := i*isz + c*in.H*in.W
			for y := 0; y < out.H; y++ {
				for xo := 0; xo < out.W; xo++ {
					best := base + y*k*in.W + xo*k
					bv := x[best]
					for u := 0; u < k; u++ {
						r := base + (y*k+u)*in.W + xo*k
						for v := 0; v < k; v++ {
							if x[r+v] > bv {
								bv, best = x[r+v], r+v
							}
						}
					}
					s.out[o] = bv
					s.idx[o] = int32(best)
					o++
				}
			}
		}
	}
}

// forward2 is forward for 2×2 windows, with the same order of comparisons.
func (l *MaxPool2D) forward2(s *slot, x []float32, n int) {
	in, out := l.in, l.out
	planes := n * in.C
	o := 0
	for pl := 0; pl < planes; pl++ {
		base := pl * in.H * in.W
		for y := 0; y < out.H; y++ {
			r0 := base + 2*y*in.W
			row0 := x[r0 : r0+2*out.W]
			row1 := x[r0+in.W : r0+in.W+2*out.W]
			dst := s.out[o : o+out.W]
			idx := s.idx[o : o+out.W]
			for j := range dst {
				best, bv := r0+2*j, row0[2*j]
				if v := row0[2*j+1]; v > bv {
					best, bv = r0+2*j+1, v
				}
				if v := row1[2*j]; v > bv {
					best, bv = r0+in.W+2*j, v
				}
				if v := row1[2*j+1]; v > bv {
					best, bv = r0+in.W+2*j+1, v
				}
				dst[j] = bv
				idx[j] = int32(best)
			}
			o += out.W
		}
	}
}

func (l *MaxPool2D) backward(s *slot, dy []float32, n int, needDx bool) {
	if !needDx {
		return
	}
	s.dx = grow(s.dx, n*l.in.Size())
	clear(s.dx)
	for o, g := range dy[:n*l.out.Size()] {
		s.dx[s.idx[o]] += g
	}
}

// ReLU is max(0, x), elementwise.
type ReLU struct {
	Name  string
	shape Shape
}

// NewReLU returns a rectifier.
func NewReLU(name string) *ReLU { return &ReLU{Name: name} }

// LayerName implements Layer.
func (l *ReLU) LayerName() string { return l.Name }

func (l *ReLU) String() string { return "ReLU" }

func (l *ReLU) setup(in Shape, prefix string) (Shape, error) { l.shape = in; return in, nil }

func (l *ReLU) params() []*Param { return nil }

func (l *ReLU) forward(s *slot, x []float32, n int) {
	m := n * l.shape.Size()
	s.out = grow(s.out, m)
	out := s.out[:m]
	for i, v := range x[:m] {
		if v > 0 {
			out[i] = v
		} else {
			out[i] = 0
		}
	}
}

func (l *ReLU) backward(s *slot, dy []float32, n int, needDx bool) {
	if !needDx {
		return
	}
	m := n * l.shape.Size()
	s.dx = grow(s.dx, m)
	dx, out := s.dx[:m], s.out[:m]
	for i, g := range dy[:m] {
		if out[i] > 0 {
			dx[i] = g
		} else {
			dx[i] = 0
		}
	}
}

// Flatten reshapes C×H×W to C·H·W×1×1; the values are unchanged.
type Flatten struct {
	Name  string
	shape Shape
}

// NewFlatten returns a flattening layer.
func NewFlatten(name string) *Flatten { return &Flatten{Name: name} }

// LayerName implements Layer.
func (l *Flatten) LayerName() string { return l.Name }

func (l *Flatten) String() string { return "Flatten" }

func (l *Flatten) setup(in Shape, prefix string) (Shape, error) {
	l.shape = in
	return Shape{in.Size(), 1, 1}, nil
}

func (l *Flatten) params() []*Param { return nil }

func (l *Flatten) forward(s *slot, x []float32, n int) { s.out = x[:n*l.shape.Size()] }

func (l *Flatten) backward(s *slot, dy []float32, n int, needDx bool) {
	if needDx {
		s.dx = dy[:n*l.shape.Size()]
	}
}
