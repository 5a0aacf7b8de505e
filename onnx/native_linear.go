package onnx

import (
	"math"
	"slices"

	"github.com/intdim/intdim/internal/kernel"
)

// transpose2 returns the cols×rows transpose of a rows×cols matrix.
func transpose2(a []float32, rows, cols int) []float32 {
	t := make([]float32, len(a))
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			t[j*rows+i] = a[i*cols+j]
		}
	}
	return t
}

func (r *nativeRunner) gemm(n *nnode, a, b, c *ntensor) *ntensor {
	if len(a.shape) != 2 || len(b.shape) != 2 {
		fail(n, "operands %v and %v are not matrices", a.shape, b.shape)
	}
	alpha, beta := n.float("alpha", 1), n.float("beta", 1)
	af, M, K := a.f, a.shape[0], a.shape[1]
	if n.int("transA", 0) == 1 {
		af, M, K = transpose2(a.f, a.shape[0], a.shape[1]), a.shape[1], a.shape[0]
	}
	// kernel.Dots wants the rows of B transposed (N×K).
	bt, N := b.f, b.shape[0]
	if n.int("transB", 0) == 1 {
		if b.shape[1] != K {
			fail(n, "operands %v and %v do not fit", a.shape, b.shape)
		}
	} else {
		if b.shape[0] != K {
			fail(n, "operands %v and %v do not fit", a.shape, b.shape)
		}
		bt, N = transpose2(b.f, b.shape[0], b.shape[1]), b.shape[1]
	}
	out := &ntensor{shape: []int{M, N}}
	out.f = n.floats(out.shape, 8*int64(M)*int64(N))
	dst := make([]float64, M*N)
	kernel.Dots(dst, af, M, bt, N, K, r.threads)
	for i, v := range dst {
		out.f[i] = alpha * float32(v)
	}
	if c != nil && beta != 0 {
		cb := elementwise(n, out, unary(n, c, func(v float32) float32 { return beta * v }), func(x, y float32) float32 { return x + y })
		if !slices.Equal(cb.shape, out.shape) {
			fail(n, "C of shape %v does not broadcast to %v", c.shape, out.shape)
		}
		out = cb
	}
	return out
}

func (r *nativeRunner) matmul(n *nnode, a, b *ntensor) *ntensor {
	if len(a.shape) < 2 || len(b.shape) < 2 {
		fail(n, "rank-1 operands are not supported (%v, %v)", a.shape, b.shape)
	}
	K, N := b.shape[len(b.shape)-2], b.shape[len(b.shape)-1]
	if a.shape[len(a.shape)-1] != K {
		fail(n, "operands %v and %v do not fit", a.shape, b.shape)
	}
	M := a.shape[len(a.shape)-2]
	batchA := a.shape[:len(a.shape)-2]
	shape := append(slices.Clone(batchA), M, N)
	switch {
	case len(b.shape) == 2:
		rows := numel(a.shape[:len(a.shape)-1])
		out := &ntensor{shape: shape}
		out.f = n.floats(shape, 8*int64(rows)*int64(N)+4*int64(len(b.f)))
		dst := make([]float64, rows*N)
		kernel.Dots(dst, a.f, rows, transpose2(b.f, K, N), N, K, r.threads)
		for i, v := range dst {
			out.f[i] = float32(v)
		}
		return out
	case slices.Equal(batchA, b.shape[:len(b.shape)-2]):
		nb := numel(batchA)
		out := &ntensor{shape: shape}
		out.f = n.floats(shape, 8*int64(M)*int64(N))
		dst := make([]float64, M*N)
		for i := 0; i < nb; i++ {
			kernel.Dots(dst, a.f[i*M*K:(i+1)*M*K], M, transpose2(b.f[i*K*N:(i+1)*K*N], K, N), N, K, r.threads)
			for j, v := range dst {
				out.f[i*M*N+j] = float32(v)
			}
		}
		return out
	}
	fail(n, "broadcast batched products are not supported (%v, %v)", a.shape, b.shape)
	return nil
}

func (r *nativeRunner) softmax(n *nnode, x *ntensor) *ntensor {
	rank := len(x.shape)
	var outer, width, inner int
	if r.m.opset() >= 13 {
		a := normAxis(n, n.int("axis", -1), rank)
		outer, width, inner = numel(x.shape[:a]), x.shape[a], numel(x.shape[a+1:])
	} else {
		a := normAxis(n, n.int("axis", 1), rank)
		outer, width, inner = numel(x.shape[:a]), numel(x.shape[a:]), 1
	}
	out := &ntensor{shape: slices.Clone(x.shape), f: n.floats(x.shape, 0)}
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			base := o*width*inner + in
			m := math.Inf(-1)
			for k := 0; k < width; k++ {
				m = max(m, float64(x.f[base+k*inner]))
			}
			var s float64
			for k := 0; k < width; k++ {
				s += math.Exp(float64(x.f[base+k*inner]) - m)
			}
			for k := 0; k < width; k++ {
				out.f[base+k*inner] = float32(math.Exp(float64(x.f[base+k*inner])-m) / s)
			}
		}
	}
	return out
}
