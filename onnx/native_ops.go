package onnx

import (
	"math"
	"slices"
	"sync"

	"github.com/intdim/intdim/internal/kernel"
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
		return one(unary(float(0), func(v float32) float32 { return max(v, 0) }))
	case "LeakyRelu":
		a := n.float("alpha", 0.01)
		return one(unary(float(0), func(v float32) float32 {
			if v < 0 {
				return a * v
			}
			return v
		}))
	case "Sigmoid":
		return one(unary(float(0), func(v float32) float32 { return float32(1 / (1 + math.Exp(-float64(v)))) }))
	case "Tanh":
		return one(unary(float(0), func(v float32) float32 { return float32(math.Tanh(float64(v))) }))
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
		return one(unary(float(0), func(v float32) float32 { return min(max(v, lo), hi) }))
	case "Add":
		return one(elementwise(n, float(0), float(1), func(a, b float32) float32 { return a + b }))
	case "Sub":
		return one(elementwise(n, float(0), float(1), func(a, b float32) float32 { return a - b }))
	case "Mul":
		return one(elementwise(n, float(0), float(1), func(a, b float32) float32 { return a * b }))
	case "Div":
		return one(elementwise(n, float(0), float(1), func(a, b float32) float32 { return a / b }))
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
		return one(gather(n, arg(0), arg(1)))
	case "Cast":
		return one(cast(n, arg(0)))
	case "ConstantOfShape":
		return one(constantOfShape(n, arg(0)))
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

func unary(x *ntensor, f func(float32) float32) *ntensor {
	out := &ntensor{shape: slices.Clone(x.shape), f: make([]float32, len(x.f))}
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
	out := &ntensor{shape: shape, f: make([]float32, numel(shape))}
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
	out := &ntensor{shape: slices.Clone(x.shape), f: make([]float32, len(x.f))}
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

// window2 reads the attributes of a 2-D convolution or pooling: strides,
// padding at the start (top, left) and end (bottom, right), dilations.
func window2(n *nnode) (strides, begin, end, dil [2]int) {
	st := n.ints("strides", []int64{1, 1})
	pd := n.ints("pads", []int64{0, 0, 0, 0})
	dl := n.ints("dilations", []int64{1, 1})
	if a, ok := n.attrs["auto_pad"]; ok && a.s == "VALID" {
		pd = []int64{0, 0, 0, 0}
	}
	if len(st) != 2 || len(pd) != 4 || len(dl) != 2 {
		fail(n, "only 2-D windows are supported")
	}
	for i := 0; i < 2; i++ {
		strides[i], dil[i] = int(st[i]), int(dl[i])
		begin[i], end[i] = int(pd[i]), int(pd[i+2])
		if strides[i] < 1 || dil[i] < 1 || begin[i] < 0 || end[i] < 0 {
			fail(n, "bad strides %v, pads %v or dilations %v", st, pd, dl)
		}
	}
	return strides, begin, end, dil
}

func (r *nativeRunner) conv(n *nnode, x, w, b *ntensor) *ntensor {
	if len(x.shape) != 4 || len(w.shape) != 4 {
		fail(n, "only 2-D convolutions are supported (input %v, weights %v)", x.shape, w.shape)
	}
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	M, Cg, kh, kw := w.shape[0], w.shape[1], w.shape[2], w.shape[3]
	g := int(n.int("group", 1))
	if g < 1 || C != Cg*g || M%g != 0 {
		fail(n, "input %v, weights %v and group %d do not fit", x.shape, w.shape, g)
	}
	st, pd, pe, dl := window2(n)
	Ho := (H+pd[0]+pe[0]-dl[0]*(kh-1)-1)/st[0] + 1
	Wo := (W+pd[1]+pe[1]-dl[1]*(kw-1)-1)/st[1] + 1
	if Ho < 1 || Wo < 1 {
		fail(n, "empty output for input %v", x.shape)
	}
	if b != nil && len(b.f) != M {
		fail(n, "bias of %d values for %d channels", len(b.f), M)
	}
	Mg, K, P := M/g, Cg*kh*kw, Ho*Wo
	out := &ntensor{shape: []int{N, M, Ho, Wo}, f: make([]float32, N*M*P)}
	// Tasks: (image, group, chunk of output positions), spread over the
	// threads, each with a single-threaded product, so that im2row, packing
	// and products all run in parallel.
	chunks := 1
	if N*g < r.threads {
		chunks = min((r.threads+N*g-1)/(N*g), max(P/64, 1))
	}
	per := (P + chunks - 1) / chunks
	type task struct{ i, gi, p0, p1 int }
	var tasks []task
	for i := 0; i < N; i++ {
		for gi := 0; gi < g; gi++ {
			for p0 := 0; p0 < P; p0 += per {
				tasks = append(tasks, task{i, gi, p0, min(p0+per, P)})
			}
		}
	}
	parallel(len(tasks), r.threads, func() func(int) {
		col := make([]float32, per*K)
		dst := make([]float64, Mg*per)
		return func(t int) {
			tk := tasks[t]
			i, gi, np := tk.i, tk.gi, tk.p1-tk.p0
			// im2row: one row of K inputs per output position.
			for p := tk.p0; p < tk.p1; p++ {
				oy, ox := p/Wo, p%Wo
				row := col[(p-tk.p0)*K : (p-tk.p0+1)*K]
				k := 0
				for c := 0; c < Cg; c++ {
					plane := x.f[((i*C)+gi*Cg+c)*H*W:]
					for ky := 0; ky < kh; ky++ {
						iy := oy*st[0] - pd[0] + ky*dl[0]
						if iy < 0 || iy >= H {
							clear(row[k : k+kw])
							k += kw
							continue
						}
						line := plane[iy*W:]
						for kx := 0; kx < kw; kx++ {
							ix := ox*st[1] - pd[1] + kx*dl[1]
							if ix >= 0 && ix < W {
								row[k] = line[ix]
							} else {
								row[k] = 0
							}
							k++
						}
					}
				}
			}
			d := dst[:Mg*np]
			kernel.Dots(d, w.f[gi*Mg*K:(gi+1)*Mg*K], Mg, col[:np*K], np, K, 1)
			for m := 0; m < Mg; m++ {
				var bias float32
				if b != nil {
					bias = b.f[gi*Mg+m]
				}
				o := out.f[(i*M+gi*Mg+m)*P+tk.p0:]
				for p, v := range d[m*np : (m+1)*np] {
					o[p] = float32(v) + bias
				}
			}
		}
	})
	return out
}

// parallel runs tasks 0 … n−1 on up to threads goroutines; setup is called
// once per goroutine and returns its task function (with its own buffers).
func parallel(n, threads int, setup func() func(int)) {
	workers := max(1, min(n, threads))
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := setup()
			for {
				mu.Lock()
				t := next
				next++
				mu.Unlock()
				if t >= n {
					return
				}
				run(t)
			}
		}()
	}
	wg.Wait()
}

func pool(n *nnode, x *ntensor) *ntensor {
	if len(x.shape) != 4 {
		fail(n, "only 2-D pooling is supported (input %v)", x.shape)
	}
	ks := n.ints("kernel_shape", nil)
	if len(ks) != 2 {
		fail(n, "kernel_shape %v", ks)
	}
	kh, kw := int(ks[0]), int(ks[1])
	st, pd, pe, dl := window2(n)
	if dl != [2]int{1, 1} {
		fail(n, "dilated pooling is not supported")
	}
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	ceil := n.int("ceil_mode", 0) == 1
	size := func(in, k, s, p0, p1 int) int {
		span := in + p0 + p1 - k
		o := span/s + 1
		if ceil && span%s != 0 {
			o++
			if (o-1)*s >= in+p0 { // the last window would start in the end padding
				o--
			}
		}
		return o
	}
	Ho, Wo := size(H, kh, st[0], pd[0], pe[0]), size(W, kw, st[1], pd[1], pe[1])
	if Ho < 1 || Wo < 1 {
		fail(n, "empty output for input %v", x.shape)
	}
	isMax := n.op == "MaxPool"
	inclPad := n.int("count_include_pad", 0) == 1
	out := &ntensor{shape: []int{N, C, Ho, Wo}, f: make([]float32, N*C*Ho*Wo)}
	for plane := 0; plane < N*C; plane++ {
		src := x.f[plane*H*W : (plane+1)*H*W]
		dst := out.f[plane*Ho*Wo:]
		for oy := 0; oy < Ho; oy++ {
			y0 := oy*st[0] - pd[0]
			y1 := min(y0+kh, H+pe[0])
			for ox := 0; ox < Wo; ox++ {
				x0 := ox*st[1] - pd[1]
				x1 := min(x0+kw, W+pe[1])
				padded := (y1 - y0) * (x1 - x0)
				cy0, cy1, cx0, cx1 := max(y0, 0), min(y1, H), max(x0, 0), min(x1, W)
				if isMax {
					m := float32(math.Inf(-1))
					for yy := cy0; yy < cy1; yy++ {
						for xx := cx0; xx < cx1; xx++ {
							m = max(m, src[yy*W+xx])
						}
					}
					dst[oy*Wo+ox] = m
					continue
				}
				var s float32
				for yy := cy0; yy < cy1; yy++ {
					for xx := cx0; xx < cx1; xx++ {
						s += src[yy*W+xx]
					}
				}
				cnt := (cy1 - cy0) * (cx1 - cx0)
				if inclPad {
					cnt = padded
				}
				dst[oy*Wo+ox] = s / float32(max(cnt, 1))
			}
		}
	}
	return out
}

func globalPool(n *nnode, x *ntensor) *ntensor {
	if len(x.shape) < 3 {
		fail(n, "input of rank %d", len(x.shape))
	}
	nc := x.shape[0] * x.shape[1]
	inner := numel(x.shape[2:])
	shape := []int{x.shape[0], x.shape[1]}
	for range x.shape[2:] {
		shape = append(shape, 1)
	}
	out := &ntensor{shape: shape, f: make([]float32, nc)}
	for p := 0; p < nc; p++ {
		v := x.f[p*inner : (p+1)*inner]
		if n.op == "GlobalMaxPool" {
			m := float32(math.Inf(-1))
			for _, e := range v {
				m = max(m, e)
			}
			out.f[p] = m
		} else {
			var s float64
			for _, e := range v {
				s += float64(e)
			}
			out.f[p] = float32(s / float64(inner))
		}
	}
	return out
}

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
	dst := make([]float64, M*N)
	kernel.Dots(dst, af, M, bt, N, K, r.threads)
	out := &ntensor{shape: []int{M, N}, f: make([]float32, M*N)}
	for i, v := range dst {
		out.f[i] = alpha * float32(v)
	}
	if c != nil && beta != 0 {
		cb := elementwise(n, out, unary(c, func(v float32) float32 { return beta * v }), func(x, y float32) float32 { return x + y })
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
		dst := make([]float64, rows*N)
		kernel.Dots(dst, a.f, rows, transpose2(b.f, K, N), N, K, r.threads)
		out := &ntensor{shape: shape, f: make([]float32, len(dst))}
		for i, v := range dst {
			out.f[i] = float32(v)
		}
		return out
	case slices.Equal(batchA, b.shape[:len(b.shape)-2]):
		nb := numel(batchA)
		out := &ntensor{shape: shape, f: make([]float32, nb*M*N)}
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

func reshape(n *nnode, x, s *ntensor) *ntensor {
	if !s.isInt {
		fail(n, "shape is not an integer tensor")
	}
	shape := make([]int, len(s.i))
	infer := -1
	known := 1
	for i, d := range s.i {
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
			ins[normAxis(n, a, r)] = true
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
func permute(x *ntensor, perm []int) *ntensor {
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
		out.i = make([]int64, total)
	} else {
		out.f = make([]float32, total)
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
	return permute(x, perm)
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
	out := &ntensor{shape: slices.Clone(x.shape), f: make([]float32, len(x.f))}
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
		shape[k] = x.shape[k] + int(pads[k]+pads[k+r])
	}
	out := &ntensor{shape: shape, f: make([]float32, numel(shape))}
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

func gather(n *nnode, x, idx *ntensor) *ntensor {
	if !idx.isInt {
		fail(n, "indices are not integers")
	}
	if !x.isInt || len(x.shape) != 1 || n.int("axis", 0) != 0 {
		fail(n, "only gathers from 1-D integer tensors (shape computations) are supported")
	}
	out := &ntensor{shape: slices.Clone(idx.shape), isInt: true, i: make([]int64, len(idx.i))}
	for k, v := range idx.i {
		if v < 0 {
			v += int64(len(x.i))
		}
		if v < 0 || v >= int64(len(x.i)) {
			fail(n, "index %d out of range", idx.i[k])
		}
		out.i[k] = x.i[v]
	}
	return out
}

// opset returns the version of the default ONNX operator set.
func (m *Model) opset() int64 {
	for _, o := range m.g.Proto.GetOpsetImport() {
		if o.GetDomain() == "" || o.GetDomain() == "ai.onnx" {
			return o.GetVersion()
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
		out := &ntensor{shape: slices.Clone(x.shape), f: make([]float32, len(x.i))}
		for i, v := range x.i {
			out.f[i] = float32(v)
		}
		return out
	case tensorInt64, 6:
		if x.isInt {
			return x
		}
		out := &ntensor{shape: slices.Clone(x.shape), isInt: true, i: make([]int64, len(x.f))}
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
		if d < 0 {
			fail(n, "negative dimension in %v", s.i)
		}
		shape[i] = int(d)
	}
	out := &ntensor{shape: shape}
	var v *ntensor
	if a, ok := n.attrs["value"]; ok {
		v = a.t
	}
	if v != nil && v.isInt {
		out.isInt, out.i = true, make([]int64, numel(shape))
		for i := range out.i {
			out.i[i] = v.i[0]
		}
		return out
	}
	out.f = make([]float32, numel(shape))
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
	r := len(x.shape)
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
		out.i = make([]int64, total)
	} else {
		out.f = make([]float32, total)
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
