package pt

import (
	"errors"
	"fmt"
	"io"
)

// ReadFloat64 reads the tensor's values from the file r, in row-major
// order, into dst, converted to float64; len(dst) must be t.Len(). A
// contiguous tensor is read in place; a strided one (a transpose, a slice)
// reads the span of its storage it addresses, Offset to
// Offset + Σ (Shape[j]−1)·Stride[j], and gathers.
func (t *Tensor) ReadFloat64(r io.ReaderAt, dst []float64) error {
	if len(dst) != t.Len() {
		panic(fmt.Sprintf("pt: ReadFloat64: %d values for tensor %q of %d", len(dst), t.Name, t.Len()))
	}
	if len(dst) == 0 {
		return nil
	}
	typ := t.st.typ
	if t.contiguous() {
		return readErr(typ.ReadFull(t.section(r, t.Offset, int64(len(dst))), dst))
	}
	return t.gather(r, func(i int, raw []byte, n int) { typ.Decode(dst[i:i+n], raw) })
}

// ReadFloat32 is ReadFloat64 for a float32 destination, for the types kept
// as float32 (Narrow); it panics for another type.
func (t *Tensor) ReadFloat32(r io.ReaderAt, dst []float32) error {
	if len(dst) != t.Len() || !t.Narrow() {
		panic(fmt.Sprintf("pt: ReadFloat32: %d values for tensor %q (%s) of %d", len(dst), t.Name, t.DType, t.Len()))
	}
	if len(dst) == 0 {
		return nil
	}
	typ := t.st.typ
	if t.contiguous() {
		return readErr(typ.ReadFull32(t.section(r, t.Offset, int64(len(dst))), dst))
	}
	return t.gather(r, func(i int, raw []byte, n int) { typ.Decode32(dst[i:i+n], raw) })
}

func (t *Tensor) section(r io.ReaderAt, first, n int64) *io.SectionReader {
	size := int64(t.st.typ.Size)
	return io.NewSectionReader(r, t.st.off+first*size, n*size)
}

// contiguous reports whether the tensor's elements are its storage's
// elements from Offset on, in row-major order (dimensions of size 1 have
// any stride).
func (t *Tensor) contiguous() bool {
	want := 1
	for j := len(t.Shape) - 1; j >= 0; j-- {
		if t.Shape[j] != 1 && t.Stride[j] != want {
			return false
		}
		want *= t.Shape[j]
	}
	return true
}

// gather reads the span of storage the tensor addresses and calls put for
// each run of elements that lie next to each other in both (the last
// dimension when its stride is 1, else single elements), with the index
// of the run's first element in row-major order.
func (t *Tensor) gather(r io.ReaderAt, put func(i int, raw []byte, n int)) error {
	k := len(t.Shape)
	last := t.Offset
	for j := range k {
		last += int64(t.Shape[j]-1) * int64(t.Stride[j])
	}
	size := t.st.typ.Size
	span := make([]byte, (last-t.Offset+1)*int64(size)) // ≤ the storage, checked by Read
	if _, err := io.ReadFull(t.section(r, t.Offset, last-t.Offset+1), span); err != nil {
		return readErr(err)
	}
	run, step := 1, 1
	if k > 0 && t.Stride[k-1] == 1 {
		run, step = t.Shape[k-1], t.Shape[k-1]
	}
	idx := make([]int, k)
	at := 0 // element of span
	for i := 0; i < t.Len(); i += step {
		put(i, span[at*size:(at+run)*size], run)
		// advance idx over the dimensions, the last one by step
		j := k - 1
		if step > 1 {
			j = k - 2
		}
		for ; j >= 0; j-- {
			idx[j]++
			at += t.Stride[j]
			if idx[j] < t.Shape[j] {
				break
			}
			at -= idx[j] * t.Stride[j]
			idx[j] = 0
		}
	}
	return nil
}

func readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated data: file shorter than its storages")
	}
	return err
}
