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
	buf := make([]float32, d)
	for i := 0; i < n; i++ {
		row(i, buf)
		p.setRow(i, buf)
	}
	return p
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
	for i := 0; i < n; i++ {
		p.setRow(i, x[i*d:(i+1)*d])
	}
	return p
}

func (p *Packed) setRow(i int, row []float32) {
	d := p.D
	if p.a != nil {
		mr := p.im.mr
		pa := p.a[(i/mr)*mr*d:]
		r := i % mr
		for k, v := range row {
			pa[k*mr+r] = v
		}
	}
	if p.b != nil {
		nr := p.im.nr
		pb := p.b[(i/nr)*nr*d:]
		j := i % nr
		for k, v := range row {
			pb[k*nr+j] = v
		}
	}
}
