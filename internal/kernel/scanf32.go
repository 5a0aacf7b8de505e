package kernel

import "unsafe"

// ScanRowAllF32 writes to out, in increasing order, every q < len(g) with
// h[q] − 2·g[q] ≤ t computed in float32 (2·g[q] rounded to float32, exact
// unless it overflows, then the difference rounded to float32; a NaN never
// passes) and returns how many. len(h) ≥ len(g) and len(out) ≥ len(g); out
// past the count may be overwritten.
//
// ScanRowAll32's test in single precision, sixteen columns a vector step
// instead of eight, for a caller that passes a threshold and h rounded so
// that every column ScanRowAll32 would pass passes here too (knn's strip
// search: h rounded down, t rounded up by a margin) and then tests the few
// that pass exactly.
func ScanRowAllF32(g, h []float32, t float32, out []int32) int {
	if len(g) == 0 {
		return 0
	}
	h, out = h[:len(g)], out[:len(g)]
	n := len(g) &^ 15
	m := 0
	if n > 0 {
		m = scanF32Best.rowAll(&g[0], &h[0], n, t, &out[0])
	}
	for q := n; q < len(g); q++ {
		if h[q]-float32(2*g[q]) <= t {
			out[m] = int32(q)
			m++
		}
	}
	return m
}

// scanF32Impl is one variant of ScanRowAllF32 over n values (a multiple
// of 16).
type scanF32Impl struct {
	name   string
	rowAll func(g, h *float32, n int, t float32, out *int32) int
}

// scanRowAllF32Go is the specification of the variants.
func scanRowAllF32Go(g, h *float32, n int, t float32, out *int32) int {
	gs, hs, ov := unsafe.Slice(g, n), unsafe.Slice(h, n), unsafe.Slice(out, n)
	m := 0
	for q, v := range gs {
		if hs[q]-float32(2*v) <= t {
			ov[m] = int32(q)
			m++
		}
	}
	return m
}

// ScanF32Variant returns the name of the ScanRowAllF32 variant in use:
// "avx512" or "purego" (no faster than ScanRowAll32: callers keep that
// one there).
func ScanF32Variant() string { return scanF32Best.name }
