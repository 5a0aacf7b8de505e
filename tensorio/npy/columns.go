package npy

import (
	"fmt"
	"io"
	"math"
)

// ReadColumns reads columns [c0, c1) of every row of the array in r, whose
// header is h, into dst (row-major, len(dst) = Rows()·(c1 − c0)), converted
// to float64. Rows are Shape[0] and columns the product of Shape[1:] (an
// N×C×H×W array has C·H·W columns). Only the requested bytes are read, in
// place as Read does, so a layer larger than memory can be streamed in
// column blocks. Both C and Fortran order are supported: in C order each
// row's block is one read; in Fortran order each column is.
//
// It panics if the range or len(dst) is wrong; it returns an error if the
// dtype is unsupported or r ends early.
func ReadColumns(r io.ReaderAt, h *Header, c0, c1 int, dst []float64) error {
	return readColumns(r, h, nil, c0, c1, dst)
}

// ReadRowColumns is ReadColumns for the listed rows only (each in
// [0, Rows()), in any order): dst holds len(rows)·(c1 − c0) values, those
// of row rows[i] at i. In C order each listed row's block is one read, so
// a subset of a layer (one class) is streamed without reading the rest;
// in Fortran order each column is read whole and the rows picked from it.
func ReadRowColumns(r io.ReaderAt, h *Header, rows []int, c0, c1 int, dst []float64) error {
	n := h.Rows()
	for _, i := range rows {
		if i < 0 || i >= n {
			panic(fmt.Sprintf("npy: ReadRowColumns: row %d of %d", i, n))
		}
	}
	if rows == nil {
		rows = []int{}
	}
	return readColumns(r, h, rows, c0, c1, dst)
}

// readColumns reads columns [c0, c1) of the listed rows (nil: every row).
func readColumns(r io.ReaderAt, h *Header, rows []int, c0, c1 int, dst []float64) error {
	t, err := parseDescr(h.DType)
	if err != nil {
		return err
	}
	n, d := h.Rows(), h.Cols()
	m := n // rows read
	if rows != nil {
		m = len(rows)
	}
	w := c1 - c0
	if c0 < 0 || c1 > d || w < 0 || len(dst) != m*w {
		panic(fmt.Sprintf("npy: ReadColumns: columns [%d, %d) of %d×%d into %d values", c0, c1, m, d, len(dst)))
	}
	if w == 0 || m == 0 {
		return nil
	}
	s := int64(t.Size)
	read := func(off int64, dst []float64) error {
		sr := io.NewSectionReader(r, off, int64(len(dst))*s)
		if err := t.ReadFull(sr, dst); err != nil {
			return shortRead(h, err)
		}
		return nil
	}
	if h.Fortran && len(h.Shape) > 1 {
		// Column j is contiguous: n elements at n·F(j), with F(j) the
		// column-major position of j's multi-index over Shape[1:].
		col := make([]float64, n)
		for j := c0; j < c1; j++ {
			if err := read(h.DataOffset+int64(n)*int64(fortranIndex(j, h.Shape[1:]))*s, col); err != nil {
				return err
			}
			for i := range m {
				src := i
				if rows != nil {
					src = rows[i]
				}
				dst[i*w+j-c0] = col[src]
			}
		}
		return nil
	}
	if w == d && rows == nil { // whole rows: contiguous, read in blocks of about 64 MiB
		step := max(1, (64<<20)/(d*int(s)))
		if d*int(s) > math.MaxInt/2 {
			step = 1
		}
		for i := 0; i < n; i += step {
			k := min(step, n-i)
			if err := read(h.DataOffset+int64(i)*int64(d)*s, dst[i*w:(i+k)*w]); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range m {
		src := i
		if rows != nil {
			src = rows[i]
		}
		if err := read(h.DataOffset+(int64(src)*int64(d)+int64(c0))*s, dst[i*w:(i+1)*w]); err != nil {
			return err
		}
	}
	return nil
}

// fortranIndex returns the column-major linear index of the element whose
// row-major linear index in an array of the given shape is j.
func fortranIndex(j int, shape []int) int {
	f, stride := 0, 1
	// Peel the row-major multi-index from the last axis, weigh it with the
	// column-major strides (the first axis varies fastest).
	strides := make([]int, len(shape))
	for k := range shape {
		strides[k] = stride
		stride *= shape[k]
	}
	for k := len(shape) - 1; k >= 0; k-- {
		f += (j % shape[k]) * strides[k]
		j /= shape[k]
	}
	return f
}
