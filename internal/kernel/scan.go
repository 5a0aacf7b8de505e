package kernel

import "unsafe"

// ScanRow32 returns the least q ≥ from with h[q] − 2·float64(g[q]) ≤ t,
// or len(g) (len(h) ≥ len(g)): the candidate test along a row of a float32
// Gram block (SymGram32, Cross32), where h holds the rows' (reduced)
// squared norms. Each value is computed as written from the widened entry
// (exact), 2·g[q] (exact) and then the difference, rounded to float64; a
// NaN never passes. The variants agree with scanRow32Go exactly.
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

// ScanCol32 returns the least q ≥ from with hv − 2·float64(g[q]) ≤ t[q],
// or len(g) (len(t) ≥ len(g)): the candidate test across the columns of a
// float32 Gram block, each with its own threshold, computed as ScanRow32
// computes.
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

// ScanRowAll32 writes to out, in increasing order, every q < len(g) with
// h[q] − 2·float64(g[q]) ≤ t (ScanRow32's test, computed as it computes)
// and returns how many: the indices ScanRow32 returns one call at a time,
// from one pass. len(h) ≥ len(g) and len(out) ≥ len(g); out past the
// count may be overwritten.
func ScanRowAll32(g []float32, h []float64, t float64, out []int32) int {
	if len(g) == 0 {
		return 0
	}
	h, out = h[:len(g)], out[:len(g)]
	n := len(g) &^ 7
	m := 0
	if n > 0 {
		m = scanBest.rowAll32(&g[0], &h[0], n, t, &out[0])
	}
	for q := n; q < len(g); q++ {
		if h[q]-2*float64(g[q]) <= t {
			out[m] = int32(q)
			m++
		}
	}
	return m
}

// scanImpl is one variant of the scans over n values (a multiple of 8):
// the index of the first value that passes, or n.
type scanImpl struct {
	name  string
	row32 func(g *float32, h *float64, n int, t float64) int  // ScanRow32
	col32 func(g *float32, hv float64, t *float64, n int) int // ScanCol32
	// rowAll32 is ScanRowAll32's (n a multiple of 8).
	rowAll32 func(g *float32, h *float64, n int, t float64, out *int32) int
}

// scanRow32Go and scanCol32Go are the specification of the variants.
func scanRow32Go(g *float32, h *float64, n int, t float64) int {
	gs, hs := unsafe.Slice(g, n), unsafe.Slice(h, n)
	for q, v := range gs {
		if hs[q]-2*float64(v) <= t {
			return q
		}
	}
	return n
}

func scanRowAll32Go(g *float32, h *float64, n int, t float64, out *int32) int {
	gs, hs, ov := unsafe.Slice(g, n), unsafe.Slice(h, n), unsafe.Slice(out, n)
	m := 0
	for q, v := range gs {
		if hs[q]-2*float64(v) <= t {
			ov[m] = int32(q)
			m++
		}
	}
	return m
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

// ScanVariant returns the name of the ScanRow32 and ScanCol32 variant in use:
// "avx512" or "purego" (see dispatch.go).
func ScanVariant() string { return scanBest.name }
