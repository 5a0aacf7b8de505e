package onnx

import "slices"

func reshape(n *nnode, x, s *ntensor) *ntensor {
	if !s.isInt {
		fail(n, "shape is not an integer tensor")
	}
	shape := make([]int, len(s.i))
	infer := -1
	known := 1
	for i, d := range s.i {
		if d > maxDim {
			fail(n, "shape %v", s.i)
		}
		switch {
		case d == 0 && n.int("allowzero", 0) == 0:
			if i >= len(x.shape) {
				fail(n, "shape %v for input %v", s.i, x.shape)
			}
			shape[i] = x.shape[i]
		case d == -1:
			if infer >= 0 {
				fail(n, "shape %v has two -1", s.i)
			}
			infer = i
			continue
		case d < 0:
			fail(n, "shape %v", s.i)
		default:
			shape[i] = int(d)
		}
		if shape[i] != 0 && known > x.size()/shape[i] && x.size() > 0 {
			fail(n, "cannot reshape %v to %v", x.shape, s.i)
		}
		known *= shape[i]
	}
	total := x.size()
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			fail(n, "cannot reshape %v to %v", x.shape, s.i)
		}
		shape[infer] = total / known
	} else if known != total {
		fail(n, "cannot reshape %v to %v", x.shape, s.i)
	}
	return reshaped(x, shape)
}

func squeeze(n *nnode, x, axesT *ntensor) *ntensor {
	axes := n.ints("axes", nil)
	if axesT != nil {
		axes = axesT.i
	}
	if n.op == "Unsqueeze" {
		r := len(x.shape) + len(axes)
		ins := map[int]bool{}
		for _, a := range axes {
			k := normAxis(n, a, r)
			if ins[k] {
				fail(n, "axis %d repeated in %v", a, axes)
			}
			ins[k] = true
		}
		shape := make([]int, 0, r)
		k := 0
		for i := 0; i < r; i++ {
			if ins[i] {
				shape = append(shape, 1)
			} else {
				shape = append(shape, x.shape[k])
				k++
			}
		}
		return reshaped(x, shape)
	}
	drop := map[int]bool{}
	for _, a := range axes {
		drop[normAxis(n, a, len(x.shape))] = true
	}
	var shape []int
	for i, d := range x.shape {
		if (len(axes) == 0 && d == 1) || drop[i] {
			if d != 1 {
				fail(n, "cannot squeeze dimension %d of %v", i, x.shape)
			}
			continue
		}
		shape = append(shape, d)
	}
	return reshaped(x, shape)
}

// permute copies x with its axes reordered by perm (any element type).
func permute(n *nnode, x *ntensor, perm []int) *ntensor {
	r := len(x.shape)
	shape := make([]int, r)
	for i, p := range perm {
		shape[i] = x.shape[p]
	}
	srcStride := make([]int, r)
	s := 1
	for i := r - 1; i >= 0; i-- {
		srcStride[i] = s
		s *= x.shape[i]
	}
	st := make([]int, r)
	for i, p := range perm {
		st[i] = srcStride[p]
	}
	out := &ntensor{shape: shape, isInt: x.isInt}
	total := numel(shape)
	if x.isInt {
		out.i = n.int64s(shape)
	} else {
		out.f = n.floats(shape, 0)
	}
	idx := make([]int, r)
	for o := 0; o < total; o++ {
		src := 0
		for k := 0; k < r; k++ {
			src += idx[k] * st[k]
		}
		if x.isInt {
			out.i[o] = x.i[src]
		} else {
			out.f[o] = x.f[src]
		}
		for k := r - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

func transposeOp(n *nnode, x *ntensor) *ntensor {
	r := len(x.shape)
	perm := make([]int, r)
	for i := range perm {
		perm[i] = r - 1 - i
	}
	if p := n.ints("perm", nil); p != nil {
		if len(p) != r {
			fail(n, "perm %v for rank %d", p, r)
		}
		seen := make([]bool, r)
		for i, v := range p {
			a := normAxis(n, v, r)
			if seen[a] {
				fail(n, "perm %v", p)
			}
			seen[a] = true
			perm[i] = a
		}
	}
	return permute(n, x, perm)
}

func concat(n *nnode, in []*ntensor) *ntensor {
	if len(in) == 0 || in[0] == nil {
		fail(n, "no inputs")
	}
	r := len(in[0].shape)
	axis := normAxis(n, n.int("axis", 0), r)
	shape := slices.Clone(in[0].shape)
	shape[axis] = 0
	for _, t := range in {
		if t == nil || len(t.shape) != r || t.isInt != in[0].isInt {
			fail(n, "inputs do not fit")
		}
		for k := range shape {
			if k != axis && t.shape[k] != shape[k] {
				fail(n, "shapes %v and %v do not fit", in[0].shape, t.shape)
			}
		}
		shape[axis] += t.shape[axis]
	}
	outer := numel(shape[:axis])
	out := &ntensor{shape: shape, isInt: in[0].isInt}
	if out.isInt {
		out.i = n.int64s(shape)[:0]
	} else {
		out.f = n.floats(shape, 0)[:0]
	}
	for o := 0; o < outer; o++ {
		for _, t := range in {
			chunk := numel(t.shape[axis:])
			if t.isInt {
				out.i = append(out.i, t.i[o*chunk:(o+1)*chunk]...)
			} else {
				out.f = append(out.f, t.f[o*chunk:(o+1)*chunk]...)
			}
		}
	}
	return out
}

func pad(n *nnode, x, padsT, valueT *ntensor) *ntensor {
	if m, ok := n.attrs["mode"]; ok && m.s != "constant" {
		fail(n, "mode %s not supported", m.s)
	}
	pads := n.ints("pads", nil)
	if padsT != nil {
		pads = padsT.i
	}
	value := n.float("value", 0)
	if valueT != nil && len(valueT.f) == 1 {
		value = valueT.f[0]
	}
	r := len(x.shape)
	if len(pads) != 2*r {
		fail(n, "pads %v for rank %d", pads, r)
	}
	shape := make([]int, r)
	for k := 0; k < r; k++ {
		if pads[k] < 0 || pads[k+r] < 0 {
			fail(n, "negative pads %v", pads)
		}
		if pads[k] > maxDim || pads[k+r] > maxDim {
			fail(n, "pads %v too large", pads)
		}
		shape[k] = x.shape[k] + int(pads[k]+pads[k+r])
	}
	out := &ntensor{shape: shape, f: n.floats(shape, 0)}
	if value != 0 {
		for i := range out.f {
			out.f[i] = value
		}
	}
	if x.size() == 0 {
		return out
	}
	last := x.shape[r-1]
	idx := make([]int, r)
	for s := 0; s < len(x.f); s += last {
		o := 0
		for k := 0; k < r; k++ {
			o = o*shape[k] + idx[k] + int(pads[k])
		}
		copy(out.f[o:o+last], x.f[s:s+last])
		for k := r - 2; k >= 0; k-- {
			idx[k]++
			if idx[k] < x.shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

func constant(n *nnode) *ntensor {
	if a, ok := n.attrs["value"]; ok && a.t != nil {
		return a.t
	}
	if a, ok := n.attrs["value_float"]; ok {
		return &ntensor{shape: []int{}, f: []float32{a.f}}
	}
	if a, ok := n.attrs["value_floats"]; ok {
		return &ntensor{shape: []int{len(a.floats)}, f: slices.Clone(a.floats)}
	}
	if a, ok := n.attrs["value_int"]; ok {
		return &ntensor{shape: []int{}, i: []int64{a.i}, isInt: true}
	}
	if a, ok := n.attrs["value_ints"]; ok {
		return &ntensor{shape: []int{len(a.ints)}, i: slices.Clone(a.ints), isInt: true}
	}
	fail(n, "constant without a supported value")
	return nil
}

// opset returns the version of the default ONNX operator set.
func (m *Model) opset() int64 {
	for _, o := range m.pb.opsets {
		if o.domain == "" || o.domain == "ai.onnx" {
			return o.version
		}
	}
	return 1
}

func cast(n *nnode, x *ntensor) *ntensor {
	switch to := n.int("to", 0); to {
	case tensorFloat:
		if !x.isInt {
			return x
		}
		out := &ntensor{shape: slices.Clone(x.shape), f: n.floats(x.shape, 0)}
		for i, v := range x.i {
			out.f[i] = float32(v)
		}
		return out
	case tensorBool:
		out := &ntensor{shape: slices.Clone(x.shape), isInt: true, i: n.int64s(x.shape)}
		for i := range out.i {
			if (x.isInt && x.i[i] != 0) || (!x.isInt && x.f[i] != 0) {
				out.i[i] = 1
			}
		}
		return out
	case tensorInt64, 6:
		if x.isInt {
			return x
		}
		out := &ntensor{shape: slices.Clone(x.shape), isInt: true, i: n.int64s(x.shape)}
		for i, v := range x.f {
			out.i[i] = int64(v)
		}
		return out
	default:
		fail(n, "cast to type %d not supported", to)
	}
	return nil
}

func constantOfShape(n *nnode, s *ntensor) *ntensor {
	if !s.isInt {
		fail(n, "shape is not an integer tensor")
	}
	shape := make([]int, len(s.i))
	for i, d := range s.i {
		if d < 0 || d > maxDim {
			fail(n, "dimension %d in %v", d, s.i)
		}
		shape[i] = int(d)
	}
	out := &ntensor{shape: shape}
	var v *ntensor
	if a, ok := n.attrs["value"]; ok {
		v = a.t
	}
	if v != nil && v.isInt {
		out.isInt, out.i = true, n.int64s(shape)
		for i := range out.i {
			out.i[i] = v.i[0]
		}
		return out
	}
	out.f = n.floats(shape, 0)
	if v != nil && len(v.f) > 0 && v.f[0] != 0 {
		for i := range out.f {
			out.f[i] = v.f[0]
		}
	}
	return out
}

// slice is ONNX Slice (opset 10 and later: starts, ends, axes and steps as
// inputs), on float or integer tensors.
func slice(n *nnode, x, startsT, endsT, axesT, stepsT *ntensor) *ntensor {
	if !startsT.isInt || !endsT.isInt {
		fail(n, "starts and ends are not integer tensors")
	}
	k := len(startsT.i)
	if len(endsT.i) != k || (axesT != nil && (!axesT.isInt || len(axesT.i) != k)) || (stepsT != nil && (!stepsT.isInt || len(stepsT.i) != k)) {
		fail(n, "starts, ends, axes and steps are not integer tensors of one length")
	}
	r := len(x.shape)
	if axesT == nil && k > r {
		fail(n, "%d starts for rank %d", k, r)
	}
	sliced := make([]bool, r)
	begin := make([]int, r)
	step := make([]int, r)
	shape := slices.Clone(x.shape)
	for k := range step {
		step[k] = 1
	}
	for j := range startsT.i {
		axis := j
		if axesT != nil {
			axis = normAxis(n, axesT.i[j], r)
		}
		if sliced[axis] {
			fail(n, "axis %d sliced twice", axis)
		}
		sliced[axis] = true
		st := int64(1)
		if stepsT != nil {
			st = stepsT.i[j]
		}
		if st == 0 {
			fail(n, "zero step")
		}
		d := int64(x.shape[axis])
		clamp := func(v, lo, hi int64) int64 { return max(lo, min(v, hi)) }
		s, e := startsT.i[j], endsT.i[j]
		if s < 0 {
			s += d
		}
		if e < 0 {
			e += d
		}
		var cnt int64
		if st > 0 {
			s, e = clamp(s, 0, d), clamp(e, 0, d)
			cnt = max(0, (e-s+st-1)/st)
		} else {
			s, e = clamp(s, 0, d-1), clamp(e, -1, d-1)
			cnt = max(0, (s-e-st-1)/(-st))
		}
		begin[axis], step[axis], shape[axis] = int(s), int(st), int(cnt)
	}
	stride := make([]int, r)
	acc := 1
	for k := r - 1; k >= 0; k-- {
		stride[k] = acc
		acc *= x.shape[k]
	}
	total := numel(shape)
	out := &ntensor{shape: shape, isInt: x.isInt}
	if x.isInt {
		out.i = n.int64s(shape)
	} else {
		out.f = n.floats(shape, 0)
	}
	idx := make([]int, r)
	for o := 0; o < total; o++ {
		src := 0
		for k := 0; k < r; k++ {
			src += (begin[k] + idx[k]*step[k]) * stride[k]
		}
		if x.isInt {
			out.i[o] = x.i[src]
		} else {
			out.f[o] = x.f[src]
		}
		for k := r - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// expand is ONNX Expand: x broadcast with the shape given as an int64
// tensor, numpy's rules in both directions (a 1 in the shape keeps x's
// dimension). The output's size is checked against the memory budget
// before it is allocated.
func expand(n *nnode, x, s *ntensor) *ntensor {
	if !s.isInt || len(s.shape) != 1 {
		fail(n, "shape is not a one-dimensional integer tensor")
	}
	target := make([]int, len(s.i))
	for i, d := range s.i {
		if d < 0 || d > maxDim {
			fail(n, "dimension %d in shape %v", d, s.i)
		}
		target[i] = int(d)
	}
	shape := broadcastShape(n, x.shape, target)
	out := &ntensor{shape: shape, isInt: x.isInt}
	if x.isInt {
		out.i = n.int64s(shape)
	} else {
		out.f = n.floats(shape, 0)
	}
	sx := bstrides(x.shape, shape)
	idx := make([]int, len(shape))
	for o := range numel(shape) {
		ix := 0
		for k, v := range idx {
			ix += v * sx[k]
		}
		if x.isInt {
			out.i[o] = x.i[ix]
		} else {
			out.f[o] = x.f[ix]
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
