package kernel

import "unsafe"

// ScanRow returns the least q ≥ from with h[q] − 2·g[q] ≤ t, or len(g)
// (len(h) ≥ len(g)): the candidate test along a row of a Gram block, where
// h holds the rows' (reduced) squared norms. Each value is computed as
// written, 2·g[q] (exact) and then the difference, rounded to float64; a
// NaN never passes. The variants agree with scanRowGo exactly.
func ScanRow(g, h []float64, t float64, from int) int {
	if from >= len(g) {
		return len(g)
	}
	h = h[:len(g)]
	n := len(g) - from
	q := from + scanBest.row(&g[from], &h[from], n&^7, t)
	if q < from+n&^7 {
		return q
	}
	for ; q < len(g); q++ {
		if h[q]-2*g[q] <= t {
			return q
		}
	}
	return len(g)
}

// ScanCol returns the least q ≥ from with hv − 2·g[q] ≤ t[q], or len(g)
// (len(t) ≥ len(g)): the candidate test across the columns of a Gram
// block, each with its own threshold, computed as ScanRow computes.
func ScanCol(g []float64, hv float64, t []float64, from int) int {
	if from >= len(g) {
		return len(g)
	}
	t = t[:len(g)]
	n := len(g) - from
	q := from + scanBest.col(&g[from], hv, &t[from], n&^7)
	if q < from+n&^7 {
		return q
	}
	for ; q < len(g); q++ {
		if hv-2*g[q] <= t[q] {
			return q
		}
	}
	return len(g)
}

// ScanRow32 is ScanRow on float32 entries (SymGram32, Cross32): the least
// q ≥ from with h[q] − 2·float64(g[q]) ≤ t, or len(g), each value computed
// as ScanRow computes it from the widened entry.
func ScanRow32(g []float32, h []float64, t float64, from int) int {
	if from >= len(g) {
		return len(g)
	}
	h = h[:len(g)]
	n := len(g) - from
	q := from + scanBest.row32(&g[from], &h[from], n&^7, t)
	if q < from+n&^7 {
		return q
	}
	for ; q < len(g); q++ {
		if h[q]-2*float64(g[q]) <= t {
			return q
		}
	}
	return len(g)
}

// ScanCol32 is ScanCol on float32 entries: the least q ≥ from with
// hv − 2·float64(g[q]) ≤ t[q], or len(g).
func ScanCol32(g []float32, hv float64, t []float64, from int) int {
	if from >= len(g) {
		return len(g)
	}
	t = t[:len(g)]
	n := len(g) - from
	q := from + scanBest.col32(&g[from], hv, &t[from], n&^7)
	if q < from+n&^7 {
		return q
	}
	for ; q < len(g); q++ {
		if hv-2*float64(g[q]) <= t[q] {
			return q
		}
	}
	return len(g)
}

// scanImpl is one variant of the scans over n values (a multiple of 8):
// the index of the first value that passes, or n.
type scanImpl struct {
	name string
	row  func(g, h *float64, n int, t float64) int
	col  func(g *float64, hv float64, t *float64, n int) int
	// the same on float32 entries (ScanRow32, ScanCol32)
	row32 func(g *float32, h *float64, n int, t float64) int
	col32 func(g *float32, hv float64, t *float64, n int) int
}

// scanRowGo and scanColGo are the specification of the variants.
func scanRowGo(g, h *float64, n int, t float64) int {
	gs, hs := unsafe.Slice(g, n), unsafe.Slice(h, n)
	for q, v := range gs {
		if hs[q]-2*v <= t {
			return q
		}
	}
	return n
}

func scanColGo(g *float64, hv float64, t *float64, n int) int {
	gs, ts := unsafe.Slice(g, n), unsafe.Slice(t, n)
	for q, v := range gs {
		if hv-2*v <= ts[q] {
			return q
		}
	}
	return n
}

func scanRow32Go(g *float32, h *float64, n int, t float64) int {
	gs, hs := unsafe.Slice(g, n), unsafe.Slice(h, n)
	for q, v := range gs {
		if hs[q]-2*float64(v) <= t {
			return q
		}
	}
	return n
}

func scanCol32Go(g *float32, hv float64, t *float64, n int) int {
	gs, ts := unsafe.Slice(g, n), unsafe.Slice(t, n)
	for q, v := range gs {
		if hv-2*float64(v) <= ts[q] {
			return q
		}
	}
	return n
}

// ScanVariant returns the name of the ScanRow and ScanCol variant in use:
// "avx512" or "purego" (see dispatch.go).
func ScanVariant() string { return scanBest.name }
