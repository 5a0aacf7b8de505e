package kernel

import (
	"fmt"
	"math"
	"unsafe"
)

// covMaxD is the most columns the direct covariance path takes: a row of
// the centred block fits three 8-lane vectors.
const covMaxD = 24

// covImpl is the direct path of GramCols64 for d ≤ covMaxD: no panels,
// the rows are centred a block of kc64 at a time into a buffer of stride
// ldc = 8·⌈d/8⌉ and multiplied from there.
//
//	centre: dst[k·ldc + j] = src[k·d + j] − shift[j] for j < d, +0 for
//	        d ≤ j < ldc (shift holds 24 values, zero past d), k < rows;
//	sums:   out[j] = Σ_{k<rows} src[k·d + j] for j < d, summed in row
//	        order from +0 (out holds 24 values; those past d are
//	        unspecified);
//	tile:   for r < h, j < 8·nz:  t = 0;  for k < kc: t = FMA(c[k·ldc+r],
//	        c[k·ldc+j], t);  g[r·ldc+j] = t  or  g[r·ldc+j] + t (acc);
//	        h is 8, or 4 with nz = 1 (the last strip of d ≤ 4 columns
//	        past its start).
//
// tile is the float64 micro-kernels' contract (tileGo64) with the same
// centred values in both operands, so that every sum is the panel path's
// bit for bit (the product of an FMA is exact and commutes).
type covImpl struct {
	name   string
	centre func(dst *float64, ldc int, src *float64, d, rows int, shift *float64)
	sums   func(src *float64, d, rows int, out *float64)
	tile   func(c *float64, ldc, kc, nz int, g *float64, h int, acc bool)
}

// ColumnSums64 returns the sums of the columns of the n×d row-major a,
// each in row order from +0 (so ColumnSums64(a)[j]/n is the column mean
// of a loop over the rows, bit for bit): for d ≤ 24, one pass of vector
// adds where the CPU has them.
func ColumnSums64(a []float64, n, d int) []float64 {
	if len(a) != n*d {
		panic(fmt.Sprintf("kernel: ColumnSums64 of len(a) = %d, want %d·%d", len(a), n, d))
	}
	if d >= 1 && d <= covMaxD && n >= 1 && covBest.name != "purego" {
		var out [covMaxD]float64
		covBest.sums(&a[0], d, n, &out[0])
		return append([]float64(nil), out[:d]...)
	}
	out := make([]float64, d)
	colSumsGo(a, n, d, out)
	return out
}

// colSumsGo is the specification of covImpl.sums.
func colSumsGo(src []float64, n, d int, out []float64) {
	clear(out[:d])
	for k := range n {
		for j, v := range src[k*d : (k+1)*d] {
			out[j] += v
		}
	}
}

// covCentreGo is the specification of covImpl.centre.
func covCentreGo(dst []float64, ldc int, src []float64, d, rows int, shift []float64) {
	for k := range rows {
		out := dst[k*ldc : (k+1)*ldc]
		for j, v := range src[k*d : (k+1)*d] {
			out[j] = v - shift[j]
		}
		clear(out[d:])
	}
}

// covTileGo is the specification of covImpl.tile: c and g start at the
// tile's first row and column (row-major, stride ldc).
func covTileGo(c []float64, ldc, kc, nz int, g []float64, h int, acc bool) {
	var buf [8 * covMaxD]float64
	w := 8 * nz
	t := buf[:8*w]
	for k := range kc {
		row := c[k*ldc : k*ldc+w]
		for r, a := range row[:h] {
			tr := t[r*w : (r+1)*w]
			for j, b := range row {
				tr[j] = math.FMA(a, b, tr[j])
			}
		}
	}
	for r := range h {
		dst := g[r*ldc : r*ldc+w]
		src := t[r*w : (r+1)*w]
		if acc {
			for j, v := range src {
				dst[j] += v
			}
		} else {
			copy(dst, src)
		}
	}
}

// covGoImpl wraps the pure-Go twins as a covImpl.
var covGoImpl = covImpl{name: "purego",
	centre: func(dst *float64, ldc int, src *float64, d, rows int, shift *float64) {
		covCentreGo(unsafe.Slice(dst, rows*ldc), ldc, unsafe.Slice(src, rows*d), d, rows, unsafe.Slice(shift, covMaxD))
	},
	sums: func(src *float64, d, rows int, out *float64) {
		colSumsGo(unsafe.Slice(src, rows*d), rows, d, unsafe.Slice(out, covMaxD))
	},
	tile: func(c *float64, ldc, kc, nz int, g *float64, h int, acc bool) {
		covTileGo(unsafe.Slice(c, (kc-1)*ldc+8*nz), ldc, kc, nz, unsafe.Slice(g, (h-1)*ldc+8*nz), h, acc)
	},
}

// covSmall64 is GramCols64 for 1 ≤ d ≤ covMaxD through im: the rows are
// centred kc64 at a time into a buffer (in cache), and each 8-row strip of
// the upper triangle of the padded ldc×ldc matrix is accumulated from it,
// block by block in row order as the panel path sums its blocks of kc64
// features; the lower triangle is mirrored.
func covSmall64(im covImpl, a []float64, n, d int, shift []float64) []float64 {
	ldc := (d + 7) / 8 * 8
	var sh [covMaxD]float64
	copy(sh[:], shift)
	buf := make([]float64, min(n, kc64)*ldc)
	gp := make([]float64, ldc*ldc)
	for k0 := 0; k0 < n; k0 += kc64 {
		kc := min(kc64, n-k0)
		im.centre(&buf[0], ldc, &a[k0*d], d, kc, &sh[0])
		for i0 := 0; i0 < ldc; i0 += 8 {
			h := 8
			if d-i0 <= 4 {
				h = 4 // the last strip's rows past d are not needed
			}
			im.tile(&buf[i0], ldc, kc, (ldc-i0)/8, &gp[i0*ldc+i0], h, k0 > 0)
		}
	}
	g := make([]float64, d*d)
	for i := range d {
		for j := i; j < d; j++ {
			v := gp[i*ldc+j]
			if n > kc64 {
				// The panel path adds its tiles into a zeroed g (a −0
				// sum becomes +0); for n ≤ kc64 it stores the chains.
				v = 0 + v
			}
			g[i*d+j], g[j*d+i] = v, v
		}
	}
	return g
}
