package kernel

import (
	"math"
	"unsafe"
)

// GroupMin32 sets out[c·8 + l], for every chunk c of 8·gs values of g and
// lane l < 8, to the least of h[q] − 2·float64(g[q]) over the gs columns
// q = c·8·gs + 8r + l (r < gs): the minima of the candidate values of
// ScanRow32 over groups of gs columns, each value computed as ScanRow32
// computes it. len(g) must be a multiple of 8·gs, len(h) ≥ len(g) and
// len(out) ≥ len(g)/gs. A value replaces the minimum so far only when it
// is smaller (a NaN never does; a group of NaN gives +Inf). The variants
// agree with groupMin32Go exactly.
func GroupMin32(g []float32, h []float64, gs int, out []float64) {
	if gs < 1 || len(g)%(8*gs) != 0 {
		panic("kernel: GroupMin32: length not a multiple of 8·gs")
	}
	if len(g) == 0 {
		return
	}
	h, out = h[:len(g)], out[:len(g)/gs]
	groupMinBest.min32(&g[0], &h[0], len(g), gs, &out[0])
}

// groupMinImpl is one variant of GroupMin32 (n a positive multiple of 8·gs).
type groupMinImpl struct {
	name  string
	min32 func(g *float32, h *float64, n, gs int, out *float64)
}

// groupMin32Go is the specification of the variants.
func groupMin32Go(g *float32, h *float64, n, gs int, out *float64) {
	gv, hv, ov := unsafe.Slice(g, n), unsafe.Slice(h, n), unsafe.Slice(out, n/gs)
	w := 8 * gs
	for c := 0; c < n/w; c++ {
		for l := range 8 {
			m := math.Inf(1)
			for r := range gs {
				q := c*w + 8*r + l
				if v := hv[q] - 2*float64(gv[q]); v < m {
					m = v
				}
			}
			ov[c*8+l] = m
		}
	}
}
