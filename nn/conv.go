package nn

import "fmt"

// Conv2D is a 2-D convolution (cross-correlation, as in PyTorch's
// nn.Conv2d) with square kernels, stride and zero padding:
//
//	y[o, i, j] = b[o] + Σ_{c,u,v} W[o, c, u, v] · x[c, i·stride + u − pad, j·stride + v − pad]
//
// computed as a matrix product with the im2col matrix of each sample.
type Conv2D struct {
	Name                string
	InC, OutC           int
	Kernel, Stride, Pad int
	in, outShape        Shape
	W, B                *Param
}

// NewConv2D returns a convolution with out channels, a k×k kernel, the
// given stride (0 means 1) and zero padding.
func NewConv2D(name string, out, k, stride, pad int) *Conv2D {
	if stride == 0 {
		stride = 1
	}
	if out <= 0 || k <= 0 || stride < 0 || pad < 0 {
		panic("nn: NewConv2D: bad geometry")
	}
	return &Conv2D{Name: name, OutC: out, Kernel: k, Stride: stride, Pad: pad}
}

// LayerName implements Layer.
func (l *Conv2D) LayerName() string { return l.Name }

func (l *Conv2D) String() string {
	return fmt.Sprintf("Conv2D(%d→%d, k%d, s%d, p%d)", l.InC, l.OutC, l.Kernel, l.Stride, l.Pad)
}

func (l *Conv2D) setup(in Shape, prefix string) (Shape, error) {
	oh := (in.H+2*l.Pad-l.Kernel)/l.Stride + 1
	ow := (in.W+2*l.Pad-l.Kernel)/l.Stride + 1
	if oh <= 0 || ow <= 0 {
		return Shape{}, fmt.Errorf("nn: conv %s: input %v too small for kernel %d", prefix, in, l.Kernel)
	}
	l.InC = in.C
	l.in = in
	l.outShape = Shape{l.OutC, oh, ow}
	l.W = newParam(prefix+".weight", l.OutC, in.C, l.Kernel, l.Kernel)
	l.B = newParam(prefix+".bias", l.OutC)
	return l.outShape, nil
}

func (l *Conv2D) params() []*Param { return []*Param{l.W, l.B} }

// im2row writes the (OH·OW) × (C·k·k) patch matrix of one sample x,
// transposed, into colsT (K × n·P) at sample offset off = i·P: column
// q = (i, j) of row r = (c, u, v) holds x[c, i·stride + u − pad,
// j·stride + v − pad], zero outside the image.
func (l *Conv2D) im2row(x, colsT []float32, np, off int) {
	in, out, k, st, pad := l.in, l.outShape, l.Kernel, l.Stride, l.Pad
	p := out.H * out.W
	r := 0
	for c := 0; c < in.C; c++ {
		xc := x[c*in.H*in.W : (c+1)*in.H*in.W]
		for u := 0; u < k; u++ {
			for v := 0; v < k; v++ {
				dst := colsT[r*np+off : r*np+off+p]
				r++
				if st == 1 && pad == 0 {
					// Every patch lies inside the image.
					for i := 0; i < out.H; i++ {
						copy(dst[i*out.W:(i+1)*out.W], xc[(i+u)*in.W+v:(i+u)*in.W+v+out.W])
					}
					continue
				}
				for i := 0; i < out.H; i++ {
					y := i*st + u - pad
					row := dst[i*out.W : (i+1)*out.W]
					if y < 0 || y >= in.H {
						clear(row)
						continue
					}
					src := xc[y*in.W : (y+1)*in.W]
					for j := range row {
						xx := j*st + v - pad
						if xx < 0 || xx >= in.W {
							row[j] = 0
						} else {
							row[j] = src[xx]
						}
					}
				}
			}
		}
	}
}

// row2im adds the gradient of one sample's patch matrix into dx, reading
// it from the transposed gradient dT (K × n·P, row r holds column r of every
// sample's patch matrix) at sample offset off = i·P.
func (l *Conv2D) row2im(dT []float32, np, off int, dx []float32) {
	in, out, k, st, pad := l.in, l.outShape, l.Kernel, l.Stride, l.Pad
	p := out.H * out.W
	r := 0
	for c := 0; c < in.C; c++ {
		xc := dx[c*in.H*in.W : (c+1)*in.H*in.W]
		for u := 0; u < k; u++ {
			for v := 0; v < k; v++ {
				src := dT[r*np+off : r*np+off+p]
				r++
				if st == 1 && pad == 0 {
					// Every patch lies inside the image.
					for i := 0; i < out.H; i++ {
						dst := xc[(i+u)*in.W+v : (i+u)*in.W+v+out.W]
						for j, g := range src[i*out.W : (i+1)*out.W] {
							dst[j] += g
						}
					}
					continue
				}
				for i := 0; i < out.H; i++ {
					y := i*st + u - pad
					if y < 0 || y >= in.H {
						continue
					}
					dst := xc[y*in.W : (y+1)*in.W]
					for j := 0; j < out.W; j++ {
						xx := j*st + v - pad
						if xx >= 0 && xx < in.W {
							dst[xx] += src[i*out.W+j]
						}
					}
				}
			}
		}
	}
}

// forward: with R the (n·P)×K patch matrix of the n samples (P = OH·OW,
// K = C·k·k), Y = W·Rᵀ (OC × n·P) is one matrix product.
func (l *Conv2D) forward(s *slot, x []float32, n int) {
	s.x = x
	kk := l.InC * l.Kernel * l.Kernel
	p := l.outShape.H * l.outShape.W
	np := n * p
	isz, osz := l.in.Size(), l.outShape.Size()
	s.cols = grow(s.cols, kk*np)
	for i := 0; i < n; i++ {
		l.im2row(x[i*isz:(i+1)*isz], s.cols, np, i*p)
	}
	s.out = grow(s.out, n*osz)
	if kk < kernelMinK {
		s.t1 = grow(s.t1, l.OutC*np)
		matmul(s.t1, l.W.W, l.OutC, false, s.cols, np, true, kk, false, s)
		for o, b := range l.B.W {
			src := s.t1[o*np : (o+1)*np]
			for i := 0; i < n; i++ {
				dst := s.out[i*osz+o*p : i*osz+(o+1)*p]
				for q, v := range src[i*p : (i+1)*p] {
					dst[q] = v + b
				}
			}
		}
		return
	}
	// Write W·Rᵀ straight into the samples' outputs, plus the bias.
	out, bias := s.out, l.B.W
	cross(s, l.W.W, l.OutC, false, s.cols[:kk*np], np, true, kk, func(i0, i1, j0, j1 int, g []float32, ld int) {
		for o := i0; o < i1; o++ {
			b := bias[o]
			src := g[(o-i0)*ld : (o-i0)*ld+j1-j0]
			for j := j0; j < j1; {
				// Column j is position q of sample i; copy up to the
				// end of the sample's map.
				i, q := j/p, j%p
				e := min(j1, (i+1)*p)
				dst := out[i*osz+o*p+q : i*osz+o*p+q+e-j]
				for t, v := range src[j-j0 : e-j0] {
					dst[t] = v + b
				}
				j = e
			}
		}
	})
}

// backward: with G the output gradient as OC × n·P, ∂W += G·R and
// ∂R = Gᵀ·W, scattered back into the input gradient.
func (l *Conv2D) backward(s *slot, dy []float32, n int, needDx bool) {
	gw, gb := s.grads[0], s.grads[1]
	kk := l.InC * l.Kernel * l.Kernel
	p := l.outShape.H * l.outShape.W
	np := n * p
	isz, osz := l.in.Size(), l.outShape.Size()
	s.t1 = grow(s.t1, l.OutC*np)
	for o := range gb {
		dst := s.t1[o*np : (o+1)*np]
		var sum float32
		for i := 0; i < n; i++ {
			src := dy[i*osz+o*p : i*osz+(o+1)*p]
			copy(dst[i*p:(i+1)*p], src)
			for _, v := range src {
				sum += v
			}
		}
		gb[o] += sum
	}
	if np < kernelMinK {
		// ∂W += G·R.
		matmul(gw, s.t1, l.OutC, false, s.cols[:kk*np], kk, false, np, true, s)
	} else {
		// ∂Wᵀ = Rᵀ·Gᵀ (the same dot products as G·R, each summed in the
		// same order), with Rᵀ on the left: K rows pad to fewer tile rows
		// than OC columns do (conv1's K = 9).
		cross(s, s.cols[:kk*np], kk, false, s.t1, l.OutC, false, np, func(i0, i1, j0, j1 int, g []float32, ld int) {
			for r := i0; r < i1; r++ {
				for j, v := range g[(r-i0)*ld : (r-i0)*ld+j1-j0] {
					gw[(j0+j)*kk+r] += v
				}
			}
		})
	}
	if !needDx {
		return
	}
	// (∂R)ᵀ = Wᵀ·G (the same dot products as ∂R = Gᵀ·W, each summed in
	// the same order), the rows of Wᵀ and Gᵀ read from columns.
	s.dcols = grow(s.dcols, kk*np)
	matmul(s.dcols, l.W.W, kk, true, s.t1, np, true, l.OutC, false, s)
	s.dx = grow(s.dx, n*isz)
	clear(s.dx)
	for i := 0; i < n; i++ {
		l.row2im(s.dcols, np, i*p, s.dx[i*isz:(i+1)*isz])
	}
}
