package kernel

import (
	"math"
	"unsafe"
)

// GroupMinF32 sets out[c·16 + l], for every chunk c of 16·gs values of g
// and lane l < 16, to the least of h[q] − 2·g[q] computed in float32
// (float32(2·g[q]), then the difference rounded to float32) over the gs
// columns q = c·16·gs + 16r + l (r < gs): GroupMin32's minima in single
// precision, sixteen lanes a vector step and no widening. len(g) must be a
// multiple of 16·gs, len(h) ≥ len(g) and len(out) ≥ len(g)/gs. A value
// replaces the minimum so far only when it is smaller (a NaN never does; a
// group of NaN gives +Inf). The variants agree with groupMinF32Go exactly.
func GroupMinF32(g, h []float32, gs int, out []float32) {
	if gs < 1 || len(g)%(16*gs) != 0 {
		panic("kernel: GroupMinF32: length not a multiple of 16·gs")
	}
	if len(g) == 0 {
		return
	}
	h, out = h[:len(g)], out[:len(g)/gs]
	groupMinF32Best.min(&g[0], &h[0], len(g), gs, &out[0])
}

// groupMinF32Impl is one variant of GroupMinF32 (n a positive multiple of
// 16·gs).
type groupMinF32Impl struct {
	name string
	min  func(g, h *float32, n, gs int, out *float32)
}

// groupMinF32Go is the specification of the variants.
func groupMinF32Go(g, h *float32, n, gs int, out *float32) {
	gv, hv, ov := unsafe.Slice(g, n), unsafe.Slice(h, n), unsafe.Slice(out, n/gs)
	w := 16 * gs
	for c := 0; c < n/w; c++ {
		for l := range 16 {
			m := float32(math.Inf(1))
			for r := range gs {
				q := c*w + 16*r + l
				if v := hv[q] - float32(2*gv[q]); v < m {
					m = v
				}
			}
			ov[c*16+l] = m
		}
	}
}

// GroupMinF32Variant returns the name of the GroupMinF32 variant in use:
// "avx512" or "purego".
func GroupMinF32Variant() string { return groupMinF32Best.name }
