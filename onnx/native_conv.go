package onnx

import (
	"math"
	"sync"

	"github.com/intdim/intdim/internal/kernel"
)

// maxWindow bounds the window attributes (kernel, strides, pads,
// dilations), so that output sizes are computed without overflow.
const maxWindow = 1 << 30

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
	for _, v := range [][]int64{st, pd, dl} {
		for _, x := range v {
			if x < 0 || x > maxWindow {
				fail(n, "bad strides %v, pads %v or dilations %v", st, pd, dl)
			}
		}
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
	out := &ntensor{shape: []int{N, M, Ho, Wo}}
	out.f = n.floats(out.shape, 0)
	// Tasks: (image, group, chunk of output positions), spread over the
	// threads, each with a single-threaded product, so that im2row, packing
	// and products all run in parallel.
	chunks := 1
	if N*g < r.threads {
		chunks = min((r.threads+N*g-1)/(N*g), max(P/64, 1))
	}
	per := (P + chunks - 1) / chunks
	n.reserve([]int{r.threads, per, K + 2*Mg}, 4, 0) // each thread's im2row and product buffers
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
	if ks[0] < 1 || ks[1] < 1 || ks[0] > maxWindow || ks[1] > maxWindow {
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
	out := &ntensor{shape: []int{N, C, Ho, Wo}}
	out.f = n.floats(out.shape, 0)
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
	out := &ntensor{shape: shape, f: n.floats(shape, 0)}
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
