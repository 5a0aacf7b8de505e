package onnx

import (
	"math"
	"slices"
)

// eval computes one node. Malformed inputs stop the run through fail.
func (r *nativeRunner) eval(n *nnode, in []*ntensor) []*ntensor {
	arg := func(i int) *ntensor {
		if i >= len(in) || in[i] == nil {
			fail(n, "missing input %d", i)
		}
		return in[i]
	}
	float := func(i int) *ntensor {
		t := arg(i)
		if t.isInt {
			fail(n, "input %d is not float32", i)
		}
		return t
	}
	opt := func(i int) *ntensor {
		if i < len(in) {
			return in[i]
		}
		return nil
	}
	one := func(t *ntensor) []*ntensor { return []*ntensor{t} }
	switch n.op {
	case "Conv":
		return one(r.conv(n, float(0), float(1), opt(2)))
	case "MaxPool", "AveragePool":
		return one(pool(n, float(0)))
	case "GlobalAveragePool", "GlobalMaxPool":
		return one(globalPool(n, float(0)))
	case "Relu":
		return one(unary(n, float(0), func(v float32) float32 { return max(v, 0) }))
	case "LeakyRelu":
		a := n.float("alpha", 0.01)
		return one(unary(n, float(0), func(v float32) float32 {
			if v < 0 {
				return a * v
			}
			return v
		}))
	case "Sigmoid":
		return one(unary(n, float(0), func(v float32) float32 { return float32(1 / (1 + math.Exp(-float64(v)))) }))
	case "Tanh":
		return one(unary(n, float(0), func(v float32) float32 { return float32(math.Tanh(float64(v))) }))
	case "Clip":
		lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
		if a, ok := n.attrs["min"]; ok {
			lo = a.f
		}
		if a, ok := n.attrs["max"]; ok {
			hi = a.f
		}
		if t := opt(1); t != nil && !t.isInt && len(t.f) == 1 {
			lo = t.f[0]
		}
		if t := opt(2); t != nil && !t.isInt && len(t.f) == 1 {
			hi = t.f[0]
		}
		return one(unary(n, float(0), func(v float32) float32 { return min(max(v, lo), hi) }))
	case "Add":
		return one(arith(n, arg(0), arg(1), func(a, b float32) float32 { return a + b }))
	case "Sub":
		return one(arith(n, arg(0), arg(1), func(a, b float32) float32 { return a - b }))
	case "Mul":
		return one(arith(n, arg(0), arg(1), func(a, b float32) float32 { return a * b }))
	case "Div":
		return one(arith(n, arg(0), arg(1), func(a, b float32) float32 { return a / b }))
	case "BatchNormalization":
		return one(batchNorm(n, float(0), float(1), float(2), float(3), float(4)))
	case "Gemm":
		return one(r.gemm(n, float(0), float(1), opt(2)))
	case "MatMul":
		return one(r.matmul(n, float(0), float(1)))
	case "Identity", "Dropout":
		return one(arg(0))
	case "Flatten":
		x := arg(0)
		axis := normAxis(n, n.int("axis", 1), len(x.shape)+1)
		return one(reshaped(x, []int{numel(x.shape[:axis]), numel(x.shape[axis:])}))
	case "Reshape":
		return one(reshape(n, arg(0), arg(1)))
	case "Squeeze", "Unsqueeze":
		return one(squeeze(n, arg(0), opt(1)))
	case "Transpose":
		return one(transposeOp(n, arg(0)))
	case "Concat":
		return one(concat(n, in))
	case "Softmax":
		return one(r.softmax(n, float(0)))
	case "Pad":
		return one(pad(n, float(0), opt(1), opt(2)))
	case "Constant":
		return one(constant(n))
	case "Shape":
		x := arg(0)
		s, e := int(n.int("start", 0)), int(n.int("end", int64(len(x.shape))))
		if s < 0 {
			s += len(x.shape)
		}
		if e < 0 {
			e += len(x.shape)
		}
		s, e = max(0, min(s, len(x.shape))), max(0, min(e, len(x.shape)))
		t := &ntensor{shape: []int{max(e-s, 0)}, isInt: true}
		for _, d := range x.shape[s:max(e, s)] {
			t.i = append(t.i, int64(d))
		}
		return one(t)
	case "Gather":
		return one(gatherAxis(n, arg(0), arg(1)))
	case "LayerNormalization":
		return one(layerNorm(n, float(0), float(1), opt(2)))
	case "Erf":
		return one(erfOp(n, float(0)))
	case "Gelu":
		return one(gelu(n, float(0)))
	case "Sqrt":
		return one(unary(n, float(0), func(v float32) float32 { return float32(math.Sqrt(float64(v))) }))
	case "Exp":
		return one(unary(n, float(0), func(v float32) float32 { return float32(math.Exp(float64(v))) }))
	case "Neg":
		return one(unary(n, float(0), func(v float32) float32 { return -v }))
	case "Reciprocal":
		return one(unary(n, float(0), func(v float32) float32 { return 1 / v }))
	case "Pow":
		y := arg(1)
		if y.isInt {
			y = cast(&nnode{node: n.node, attrs: map[string]attr{"to": {i: tensorFloat, set: true}}, r: n.r}, y)
		}
		return one(elementwise(n, float(0), y, func(a, b float32) float32 {
			if b == 2 {
				return a * a
			}
			return float32(math.Pow(float64(a), float64(b)))
		}))
	case "Where":
		return one(where(n, arg(0), arg(1), arg(2)))
	case "Equal", "Less", "Greater":
		return one(compare(n, arg(0), arg(1)))
	case "ReduceMean":
		return one(reduceMean(n, float(0), opt(1)))
	case "Cast":
		return one(cast(n, arg(0)))
	case "ConstantOfShape":
		return one(constantOfShape(n, arg(0)))
	case "Expand":
		return one(expand(n, arg(0), arg(1)))
	case "Slice":
		return one(slice(n, arg(0), arg(1), arg(2), opt(3), opt(4)))
	}
	fail(n, "operator not supported by the native backend")
	return nil
}

func normAxis(n *nnode, axis int64, rank int) int {
	a := int(axis)
	if a < 0 {
		a += rank
	}
	if a < 0 || a >= rank {
		fail(n, "axis %d out of range", axis)
	}
	return a
}

func reshaped(x *ntensor, shape []int) *ntensor {
	t := *x
	t.shape = shape
	return &t
}

func unary(n *nnode, x *ntensor, f func(float32) float32) *ntensor {
	out := &ntensor{shape: slices.Clone(x.shape), f: n.floats(x.shape, 0)}
	for i, v := range x.f {
		out.f[i] = f(v)
	}
	return out
}

// broadcastShape is numpy's broadcasting of two shapes.
func broadcastShape(n *nnode, a, b []int) []int {
	r := max(len(a), len(b))
	out := make([]int, r)
	for i := 0; i < r; i++ {
		da, db := 1, 1
		if k := i - (r - len(a)); k >= 0 {
			da = a[k]
		}
		if k := i - (r - len(b)); k >= 0 {
			db = b[k]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			fail(n, "shapes %v and %v do not broadcast", a, b)
		}
	}
	return out
}

// bstrides returns the strides of shape aligned to the rank of out, zero
// along broadcast dimensions.
func bstrides(shape, out []int) []int {
	st := make([]int, len(out))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		k := i + len(out) - len(shape)
		if shape[i] != 1 {
			st[k] = s
		}
		s *= shape[i]
	}
	return st
}

func elementwise(n *nnode, a, b *ntensor, f func(x, y float32) float32) *ntensor {
	shape := broadcastShape(n, a.shape, b.shape)
	out := &ntensor{shape: shape, f: n.floats(shape, 0)}
	switch {
	case slices.Equal(a.shape, b.shape):
		for i := range out.f {
			out.f[i] = f(a.f[i], b.f[i])
		}
		return out
	case len(b.f) == 1 && len(a.f) == len(out.f):
		y := b.f[0]
		for i := range out.f {
			out.f[i] = f(a.f[i], y)
		}
		return out
	}
	sa, sb := bstrides(a.shape, shape), bstrides(b.shape, shape)
	r := len(shape)
	if r == 0 {
		out.f[0] = f(a.f[0], b.f[0])
		return out
	}
	last := shape[r-1]
	idx := make([]int, r)
	for o := 0; o < len(out.f); o += last {
		ia, ib := 0, 0
		for k := 0; k < r-1; k++ {
			ia += idx[k] * sa[k]
			ib += idx[k] * sb[k]
		}
		la, lb := sa[r-1], sb[r-1]
		for j := 0; j < last; j++ {
			out.f[o+j] = f(a.f[ia+j*la], b.f[ib+j*lb])
		}
		for k := r - 2; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

func batchNorm(n *nnode, x, scale, bias, mean, variance *ntensor) *ntensor {
	if len(x.shape) < 2 {
		fail(n, "input of rank %d", len(x.shape))
	}
	c := x.shape[1]
	if len(scale.f) != c || len(bias.f) != c || len(mean.f) != c || len(variance.f) != c {
		fail(n, "statistics do not match %d channels", c)
	}
	eps := float64(n.float("epsilon", 1e-5))
	inner := numel(x.shape[2:])
	out := &ntensor{shape: slices.Clone(x.shape), f: n.floats(x.shape, 0)}
	for i := 0; i < x.shape[0]; i++ {
		for ch := 0; ch < c; ch++ {
			s := float32(float64(scale.f[ch]) / math.Sqrt(float64(variance.f[ch])+eps))
			b := bias.f[ch] - mean.f[ch]*s
			o := (i*c + ch) * inner
			for k := o; k < o+inner; k++ {
				out.f[k] = x.f[k]*s + b
			}
		}
	}
	return out
}
