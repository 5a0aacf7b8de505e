package onnx

import (
	"math"
	"slices"
)

// Operators of transformer encoders (PyTorch's nn.TransformerEncoder and
// the like): layer normalisation, GELU (as Erf or as Gelu), general
// Gather, Where, reductions and the element-wise functions and integer
// arithmetic of their shape computations. Boolean tensors are kept as
// integer tensors of 0 and 1.

// erfOp applies the error function.
func erfOp(n *nnode, x *ntensor) *ntensor {
	return unary(n, x, func(v float32) float32 { return float32(math.Erf(float64(v))) })
}

// gelu is Gelu (opset 20): x·Φ(x) = x/2·(1 + erf(x/√2)), or with
// approximate = "tanh", x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
func gelu(n *nnode, x *ntensor) *ntensor {
	if a, ok := n.attrs["approximate"]; ok && a.s == "tanh" {
		c := math.Sqrt(2 / math.Pi)
		return unary(n, x, func(v float32) float32 {
			u := float64(v)
			return float32(u / 2 * (1 + math.Tanh(c*(u+0.044715*u*u*u))))
		})
	}
	return unary(n, x, func(v float32) float32 {
		u := float64(v)
		return float32(u / 2 * (1 + math.Erf(u/math.Sqrt2)))
	})
}

// layerNorm is LayerNormalization (opset 17): over the axes from axis (−1
// by default) to the last, y = (x − mean)/√(var + ε)·scale + bias, the mean
// and the (biased) variance computed in float64.
func layerNorm(n *nnode, x, scale, bias *ntensor) *ntensor {
	if len(x.shape) == 0 {
		fail(n, "scalar input")
	}
	a := normAxis(n, n.int("axis", -1), len(x.shape))
	width := numel(x.shape[a:])
	if width == 0 {
		return &ntensor{shape: slices.Clone(x.shape), f: n.floats(x.shape, 0)}
	}
	if len(scale.f) != width && len(scale.f) != 1 {
		fail(n, "scale of %d values for groups of %d", len(scale.f), width)
	}
	if bias != nil && (bias.isInt || (len(bias.f) != width && len(bias.f) != 1)) {
		fail(n, "bias of %d values for groups of %d", len(bias.f), width)
	}
	eps := float64(n.float("epsilon", 1e-5))
	out := &ntensor{shape: slices.Clone(x.shape), f: n.floats(x.shape, 0)}
	at := func(t *ntensor, j int) float64 {
		if len(t.f) == 1 {
			return float64(t.f[0])
		}
		return float64(t.f[j])
	}
	for o := 0; o < len(x.f); o += width {
		row := x.f[o : o+width]
		var mean float64
		for _, v := range row {
			mean += float64(v)
		}
		mean /= float64(width)
		var vr float64
		for _, v := range row {
			vr += (float64(v) - mean) * (float64(v) - mean)
		}
		inv := 1 / math.Sqrt(vr/float64(width)+eps)
		for j, v := range row {
			y := (float64(v) - mean) * inv * at(scale, j)
			if bias != nil {
				y += at(bias, j)
			}
			out.f[o+j] = float32(y)
		}
	}
	return out
}

// broadcastEach calls f(o, ia, ib) for every element o of the broadcast
// shape of a and b, with the positions of its operands.
func broadcastEach(n *nnode, a, b []int, f func(o, ia, ib int)) []int {
	shape := broadcastShape(n, a, b)
	sa, sb := bstrides(a, shape), bstrides(b, shape)
	idx := make([]int, len(shape))
	total := numel(shape)
	for o := 0; o < total; o++ {
		ia, ib := 0, 0
		for k, v := range idx {
			ia += v * sa[k]
			ib += v * sb[k]
		}
		f(o, ia, ib)
		for k := len(idx) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return shape
}

// arith is Add, Sub, Mul or Div: float32 as elementwise, or on two integer
// tensors (shape computations) with Div truncating as ONNX's integer Div;
// an integer result beyond ±maxDim (no dimension can be that large, and
// products of such values could overflow) fails.
func arith(n *nnode, a, b *ntensor, f func(x, y float32) float32) *ntensor {
	if a.isInt != b.isInt {
		fail(n, "one operand is integer, the other float32")
	}
	if !a.isInt {
		return elementwise(n, a, b, f)
	}
	shape := broadcastShape(n, a.shape, b.shape)
	out := &ntensor{shape: shape, isInt: true, i: n.int64s(shape)}
	broadcastEach(n, a.shape, b.shape, func(o, ia, ib int) {
		x, y := a.i[ia], b.i[ib]
		switch n.op {
		case "Add":
			out.i[o] = x + y
		case "Sub":
			out.i[o] = x - y
		case "Mul":
			out.i[o] = x * y
		case "Div":
			if y == 0 {
				fail(n, "integer division by zero")
			}
			out.i[o] = x / y
		}
		if v := out.i[o]; v > maxDim || v < -maxDim {
			fail(n, "integer result %d beyond ±%d (integer arithmetic is for shape computations)", v, maxDim)
		}
	})
	return out
}

// compare is Equal, Less or Greater, giving 0 or 1 (an integer tensor).
func compare(n *nnode, a, b *ntensor) *ntensor {
	if a.isInt != b.isInt {
		fail(n, "one operand is integer, the other float32")
	}
	shape := broadcastShape(n, a.shape, b.shape)
	out := &ntensor{shape: shape, isInt: true, i: n.int64s(shape)}
	broadcastEach(n, a.shape, b.shape, func(o, ia, ib int) {
		var x, y float64
		if a.isInt {
			x, y = float64(a.i[ia]), float64(b.i[ib])
		} else {
			x, y = float64(a.f[ia]), float64(b.f[ib])
		}
		var r bool
		switch n.op {
		case "Equal":
			r = x == y
		case "Less":
			r = x < y
		case "Greater":
			r = x > y
		}
		if r {
			out.i[o] = 1
		}
	})
	return out
}

// where is Where: x where cond is non-zero, else y, broadcast together.
func where(n *nnode, cond, x, y *ntensor) *ntensor {
	if !cond.isInt {
		fail(n, "condition is not boolean")
	}
	if x.isInt != y.isInt {
		fail(n, "one branch is integer, the other float32")
	}
	shape := broadcastShape(n, broadcastShape(n, cond.shape, x.shape), y.shape)
	out := &ntensor{shape: shape, isInt: x.isInt}
	if x.isInt {
		out.i = n.int64s(shape)
	} else {
		out.f = n.floats(shape, 0)
	}
	sc, sx, sy := bstrides(cond.shape, shape), bstrides(x.shape, shape), bstrides(y.shape, shape)
	idx := make([]int, len(shape))
	for o := range numel(shape) {
		ic, ix, iy := 0, 0, 0
		for k, v := range idx {
			ic += v * sc[k]
			ix += v * sx[k]
			iy += v * sy[k]
		}
		switch {
		case x.isInt && cond.i[ic] != 0:
			out.i[o] = x.i[ix]
		case x.isInt:
			out.i[o] = y.i[iy]
		case cond.i[ic] != 0:
			out.f[o] = x.f[ix]
		default:
			out.f[o] = y.f[iy]
		}
		for k := len(idx) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// gatherAxis is Gather along any axis of a float32 or integer tensor (the
// rows of an embedding table, a token of a sequence); out has shape
// x.shape[:axis] + idx.shape + x.shape[axis+1:].
func gatherAxis(n *nnode, x, idx *ntensor) *ntensor {
	if !idx.isInt {
		fail(n, "indices are not integers")
	}
	if len(x.shape) == 0 {
		fail(n, "gather from a scalar")
	}
	a := normAxis(n, n.int("axis", 0), len(x.shape))
	outer, width, inner := numel(x.shape[:a]), x.shape[a], numel(x.shape[a+1:])
	shape := append(append(slices.Clone(x.shape[:a]), idx.shape...), x.shape[a+1:]...)
	out := &ntensor{shape: shape, isInt: x.isInt}
	if x.isInt {
		out.i = n.int64s(shape)
	} else {
		out.f = n.floats(shape, 0)
	}
	m := len(idx.i)
	for k, v := range idx.i {
		if v < 0 {
			v += int64(width)
		}
		if v < 0 || v >= int64(width) {
			fail(n, "index %d out of range [%d, %d)", idx.i[k], -width, width)
		}
		for o := range outer {
			src, dst := (o*width+int(v))*inner, (o*m+k)*inner
			if x.isInt {
				copy(out.i[dst:dst+inner], x.i[src:src+inner])
			} else {
				copy(out.f[dst:dst+inner], x.f[src:src+inner])
			}
		}
	}
	return out
}

// reduceMean is ReduceMean over the axes (an attribute, or from opset 18
// the second input; all axes when none are given), with keepdims (1 by
// default); sums in float64.
func reduceMean(n *nnode, x, axesT *ntensor) *ntensor {
	axes := n.ints("axes", nil)
	if axesT != nil {
		if !axesT.isInt {
			fail(n, "axes are not integers")
		}
		axes = axesT.i
	}
	r := len(x.shape)
	red := make([]bool, r)
	if len(axes) == 0 {
		if n.int("noop_with_empty_axes", 0) == 1 {
			return x
		}
		for i := range red {
			red[i] = true
		}
	}
	for _, a := range axes {
		red[normAxis(n, a, r)] = true
	}
	keep := n.int("keepdims", 1) == 1
	var shape, kept []int
	count := 1
	for i, d := range x.shape {
		switch {
		case !red[i]:
			shape, kept = append(shape, d), append(kept, d)
		case keep:
			shape, kept = append(shape, 1), append(kept, 1)
			count *= d
		default:
			kept = append(kept, 1)
			count *= d
		}
	}
	sum := make([]float64, numel(kept))
	st := bstrides(kept, x.shape)
	idx := make([]int, r)
	for _, v := range x.f {
		o := 0
		for k, i := range idx {
			o += i * st[k]
		}
		sum[o] += float64(v)
		for k := r - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < x.shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	out := &ntensor{shape: shape, f: n.floats(shape, 8*int64(len(sum)))}
	for i, s := range sum {
		out.f[i] = float32(s / float64(count))
	}
	return out
}
