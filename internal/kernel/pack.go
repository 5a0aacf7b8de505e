package kernel

import "fmt"

// padRows is the row padding of a Packed matrix: a multiple of every tile
// height and width in use (lcm(12, 32, 6, 16, 4, 8) = 96).
const padRows = 96

// Packed is an n×d float32 matrix laid out for the micro-kernel in both
// operand layouts: A holds panels of MR rows interleaved by feature
// (A[p·MR·d + k·MR + r] = x[(p·MR+r)·d + k]) and B panels of NR rows
// (B[q·NR·d + k·NR + j] = x[(q·NR+j)·d + k]). Rows from N up to Rows are zero.
type Packed struct {
	N, D, Rows int
	im         impl
	a, b       []float32
	abuf, bbuf []float32 // PackLeft's and PackRight's buffers, kept for reuse
}

// Pack returns x (n×d, row-major) packed for the micro-kernel in use.
func Pack(x []float32, n, d int) *Packed {
	return packWith(best, x, n, d, true, true)
}

// PackFunc packs an n×d matrix whose row i is produced by row(i, dst), which
// must fill dst (length d). It avoids holding a row-major float32 copy.
func PackFunc(n, d int, row func(i int, dst []float32)) *Packed {
	return packFunc(n, d, true, row)
}

// PackRightFunc is PackFunc for the right-hand layout only: the result can
// be the y argument of Cross, not x, nor an argument of SymGram.
func PackRightFunc(n, d int, row func(i int, dst []float32)) *Packed {
	return packFunc(n, d, false, row)
}

func packFunc(n, d int, left bool, row func(i int, dst []float32)) *Packed {
	p := newPacked(best, n, d, left, true)
	g := p.im.nr
	if left {
		g = padRows
	}
	rowGroups(n, d, g, row, func(i0, h int, x []float32) {
		if left {
			packPanels(p.a[i0*d:], p.im.mr, x, h, d, false)
		}
		packPanels(p.b[i0*d:], p.im.nr, x, h, d, false)
	})
	return p
}

// rowGroups calls row for rows 0…n−1 in order, g at a time (g a multiple
// of the panel widths), into a row-major buffer of min(g, n) rows, and
// hands each group to pack (first row i0, h rows): the panels are then
// written feature by feature from h rows read in sequence, instead of one
// row scattered over every cache line of its panel (as before), which missed
// the cache on wide rows (d = 21,632: 15 ns per entry). The buffer is
// smaller than the packed matrix.
func rowGroups(n, d, g int, row func(i int, dst []float32), pack func(i0, h int, x []float32)) {
	buf := make([]float32, min(g, n)*d)
	for i0 := 0; i0 < n; i0 += g {
		h := min(g, n-i0)
		for i := 0; i < h; i++ {
			row(i0+i, buf[i*d:(i+1)*d:(i+1)*d])
		}
		pack(i0, h, buf[:h*d])
	}
}

func newPacked(im impl, n, d int, left, right bool) *Packed {
	if n < 0 || d < 0 {
		panic(fmt.Sprintf("kernel: negative shape %d×%d", n, d))
	}
	// Pad to the tile height (left only), width (right only), or a multiple
	// of both (SymGram's blocks).
	pad := padRows
	switch {
	case left && !right:
		pad = im.mr
	case right && !left:
		pad = im.nr
	}
	rows := (n + pad - 1) / pad * pad
	p := &Packed{N: n, D: d, Rows: rows, im: im}
	if left {
		p.a = make([]float32, rows*d)
	}
	if right {
		p.b = make([]float32, rows*d)
	}
	return p
}

func packWith(im impl, x []float32, n, d int, left, right bool) *Packed {
	if len(x) != n*d {
		panic(fmt.Sprintf("kernel: len(x) = %d, want %d·%d", len(x), n, d))
	}
	p := newPacked(im, n, d, left, right)
	if left {
		packPanels(p.a, im.mr, x, n, d, false)
	}
	if right {
		packPanels(p.b, im.nr, x, n, d, false)
	}
	return p
}

// PackLeft packs the n×d matrix x into p in the left-hand layout only (p can
// then be the x argument of Cross), reusing p's buffers from earlier calls:
// a zero Packed is ready to use, and one kept across calls packs without
// allocating. When trans is set x is stored transposed (d×n, row i of the
// matrix is column i of x). The packed values, and so every product, are
// the same as Pack's.
func (p *Packed) PackLeft(x []float32, n, d int, trans bool) {
	im := best
	p.reset(im, n, d, im.mr)
	p.a = growF32(&p.abuf, p.Rows*d)
	p.b = nil
	packPanels(p.a, im.mr, x, n, d, trans)
}

// PackLeftFunc is PackLeft of the n×d matrix whose row i is produced by
// row(i, dst), which must fill dst (length d), without a row-major copy.
// The packed values are the same as PackLeft's of those rows.
func (p *Packed) PackLeftFunc(n, d int, row func(i int, dst []float32)) {
	im := best
	p.reset(im, n, d, im.mr)
	p.a = growF32(&p.abuf, p.Rows*d)
	p.b = nil
	p.fill(n, d, im.mr, p.a, row)
}

// PackRightFunc is PackLeftFunc for the right-hand layout only.
func (p *Packed) PackRightFunc(n, d int, row func(i int, dst []float32)) {
	im := best
	p.reset(im, n, d, im.nr)
	p.b = growF32(&p.bbuf, p.Rows*d)
	p.a = nil
	p.fill(n, d, im.nr, p.b, row)
}

// fill writes rows 0…n−1 from row into the one layout dst of panels of w
// rows, and zeros in the rows of the last panel past n.
func (p *Packed) fill(n, d, w int, dst []float32, row func(i int, dst []float32)) {
	clear(dst[(n+w-1)/w*w*d:])
	rowGroups(n, d, w, row, func(i0, h int, x []float32) {
		packPanels(dst[i0*d:], w, x, h, d, false)
	})
}

// PackRightChunks is PackRightFunc with the rows produced packChunk (256)
// features at a time: chunk(i, k0, dst) must fill dst with features
// [k0, k0 + len(dst)) of row i. For each group of rows, the chunks go in
// increasing k0 and, for each k0, in increasing i; every chunk but a row's
// last has 256 features. The chunk's values go from an L1 buffer into the
// panel (transposeInto: 8×8 blocks in registers), instead of through a
// row-major buffer of the panel's whole rows (on conv1's 21,632-wide rows,
// a panel's rows are 2.8 MB: written, then read back from beyond L2).
func (p *Packed) PackRightChunks(n, d int, chunk func(i, k0 int, dst []float32)) {
	im := best
	p.reset(im, n, d, im.nr)
	p.b = growF32(&p.bbuf, p.Rows*d)
	p.a = nil
	packChunks(p, n, d, im.nr, chunk)
}

// GramChunks returns the n×n Gram matrix (both triangles) of the n×d
// matrix whose rows chunk produces, as packChunks takes them, computed
// FlushEvery features at a time into one reused packed buffer of that
// width: the values of Gram of the whole matrix, bit for bit (each
// FlushEvery features are one flush of the micro-kernel's float32 sums,
// added in float64 in the same order), without a packed copy of the whole
// matrix (conv1's 250 sample rows: 50 MB of fresh memory, 12,000 page
// faults). chunk is called once for each chunk, one call at a time, each
// row's chunks in increasing k0; no order across rows is promised (rows
// restart every FlushEvery features, and at most BlockRows rows take
// gramChunksBlock's order).
func GramChunks(n, d int, chunk func(i, k0 int, dst []float32), threads int) []float64 {
	if n <= BlockRows {
		return gramChunksBlock(n, d, chunk)
	}
	g := make([]float64, n*n)
	var p Packed
	im := best
	for c0 := 0; c0 < d; c0 += FlushEvery {
		w := min(FlushEvery, d-c0)
		p.reset(im, n, w, padRows)
		p.a = growF32(&p.abuf, p.Rows*w)
		p.b = growF32(&p.bbuf, p.Rows*w)
		packChunks(&p, n, w, padRows, func(i, k0 int, dst []float32) { chunk(i, c0+k0, dst) })
		AddGram(g, &p, threads)
	}
	return g
}

// packChunks fills p's layouts (those not nil) from chunk, g rows at a
// time (g a multiple of the panel widths), zeroing the padding rows.
func packChunks(p *Packed, n, d, g int, chunk func(i, k0 int, dst []float32)) {
	mr, nr := p.im.mr, p.im.nr
	if p.a != nil {
		clear(p.a[(n+mr-1)/mr*mr*d:])
	}
	if p.b != nil {
		clear(p.b[(n+nr-1)/nr*nr*d:])
	}
	buf := make([]float32, min(g, n)*packChunk)
	for q0 := 0; q0 < n; q0 += g {
		h := min(g, n-q0)
		for k0 := 0; k0 < d; k0 += packChunk {
			k1 := min(k0+packChunk, d)
			kc := k1 - k0
			for r := 0; r < h; r++ {
				chunk(q0+r, k0, buf[r*kc:(r+1)*kc:(r+1)*kc])
			}
			for _, l := range [2]struct {
				dst []float32
				w   int
			}{{p.a, mr}, {p.b, nr}} {
				if l.dst == nil {
					continue
				}
				for r0 := 0; r0 < h; r0 += l.w {
					hh := min(l.w, h-r0)
					q := q0 + r0 // a multiple of l.w
					out := l.dst[q*d+k0*l.w : q*d+k1*l.w]
					transposeInto(out, l.w, buf[r0*kc:(r0+hh)*kc], hh, kc)
					if hh < l.w {
						for k := 0; k < kc; k++ {
							clear(out[k*l.w+hh : k*l.w+l.w])
						}
					}
				}
			}
		}
	}
}

// LeftOnly drops the right-hand layout of p (to free its memory): p can
// then be only the x argument of Cross.
func (p *Packed) LeftOnly() { p.b = nil }

// PackRight is PackLeft for the right-hand layout only (the y argument of
// Cross).
func (p *Packed) PackRight(x []float32, n, d int, trans bool) {
	im := best
	p.reset(im, n, d, im.nr)
	p.b = growF32(&p.bbuf, p.Rows*d)
	p.a = nil
	packPanels(p.b, im.nr, x, n, d, trans)
}

// StartRightT sets p up as the right-hand layout of an n×d matrix Y
// whose entries the caller then writes by SetRightT, a run of one of Y's
// columns at a time (a row of Yᵀ, as PackRight with trans reads it): every
// entry must be written once; the padding rows are zeroed here. For a
// matrix produced a row of Yᵀ at a time, this is PackRight(yt, n, d, true)
// without the d×n row-major copy yt (the pruned plan's sample: 4.3 MB of
// fresh memory on pool1, and a pass over it).
func (p *Packed) StartRightT(n, d int) {
	im := best
	p.reset(im, n, d, im.nr)
	p.b = growF32(&p.bbuf, p.Rows*d)
	p.a = nil
	nr := im.nr
	if h := n % nr; h != 0 {
		pan := p.b[(n-h)*d : (n-h+nr)*d]
		for k := 0; k < d; k++ {
			clear(pan[k*nr+h : k*nr+nr])
		}
	}
}

// SetRightT writes Y[j0+r][s] = v[r] into p's right-hand layout (started
// by StartRightT): features j0 … j0+len(v)−1 of column s.
func (p *Packed) SetRightT(s, j0 int, v []float32) {
	nr, d := p.im.nr, p.D
	if s < 0 || s >= d || j0 < 0 || j0+len(v) > p.N {
		panic(fmt.Sprintf("kernel: SetRightT(%d, %d, %d values) of a %d×%d matrix", s, j0, len(v), p.N, d))
	}
	for len(v) > 0 {
		q, r := j0/nr, j0%nr
		c := min(nr-r, len(v))
		copy(p.b[q*nr*d+s*nr+r:q*nr*d+s*nr+r+c], v[:c])
		v, j0 = v[c:], j0+c
	}
}

// Recycle hands p's buffers to q, whose next packing takes them where
// they are large enough (its left layout the larger, its right layout the
// other) instead of fresh memory; p is left empty, its values no longer
// to be read. q's own buffers are kept where larger.
func (p *Packed) Recycle(q *Packed) {
	a, b := p.abuf, p.bbuf
	if cap(a) < cap(b) {
		a, b = b, a
	}
	if a != nil && cap(a) > cap(q.abuf) {
		q.abuf = a[:0]
	}
	if b != nil && cap(b) > cap(q.bbuf) {
		q.bbuf = b[:0]
	}
	*p = Packed{}
}

func (p *Packed) reset(im impl, n, d, pad int) {
	if n < 0 || d < 0 {
		panic(fmt.Sprintf("kernel: negative shape %d×%d", n, d))
	}
	p.N, p.D, p.im = n, d, im
	p.Rows = (n + pad - 1) / pad * pad
}

func growF32(buf *[]float32, n int) []float32 {
	if cap(*buf) < n || *buf == nil { // non-nil even when empty: nil means no layout
		*buf = make([]float32, n)
	}
	return (*buf)[:n]
}

// packChunk is the number of features packPanels writes at a time.
const packChunk = 256

// packPanels writes the rows of x (n×d, or d×n when trans) into panels of w
// rows interleaved by feature, dst[q·w·d + k·w + r] = row q·w+r, feature k,
// with zeros for the rows from n up to the end of the last panel. Every
// entry of dst is written.
func packPanels(dst []float32, w int, x []float32, n, d int, trans bool) {
	if len(x) != n*d {
		panic(fmt.Sprintf("kernel: len(x) = %d, want %d·%d", len(x), n, d))
	}
	for q0 := 0; q0 < n; q0 += w {
		h := min(w, n-q0)
		pan := dst[q0*d : q0*d+w*d]
		if trans {
			for k := 0; k < d; k++ {
				seg := pan[k*w : k*w+w]
				copy(seg, x[k*n+q0:k*n+q0+h])
				clear(seg[h:])
			}
			continue
		}
		// Features in chunks of packChunk, so that the chunk of the panel
		// (packChunk·w values) stays in cache while its rows are written.
		for k0 := 0; k0 < d; k0 += packChunk {
			k1 := min(k0+packChunk, d)
			r := 0
			for ; r+4 <= h; r += 4 {
				s0 := x[(q0+r)*d+k0 : (q0+r)*d+k1]
				s1 := x[(q0+r+1)*d+k0 : (q0+r+1)*d+k1]
				s2 := x[(q0+r+2)*d+k0 : (q0+r+2)*d+k1]
				s3 := x[(q0+r+3)*d+k0 : (q0+r+3)*d+k1]
				s1, s2, s3 = s1[:len(s0)], s2[:len(s0)], s3[:len(s0)]
				for k := range s0 {
					o := (k0+k)*w + r
					t := pan[o : o+4 : o+4]
					t[0], t[1], t[2], t[3] = s0[k], s1[k], s2[k], s3[k]
				}
			}
			for ; r < h; r++ {
				s := x[(q0+r)*d+k0 : (q0+r)*d+k1]
				for k, v := range s {
					pan[(k0+k)*w+r] = v
				}
			}
		}
		if h < w {
			for k := 0; k < d; k++ {
				clear(pan[k*w+h : k*w+w])
			}
		}
	}
}
