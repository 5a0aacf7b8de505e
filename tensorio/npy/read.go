package npy

import (
	"errors"
	"fmt"
	"io"

	"github.com/intdim/intdim/tensorio/internal/osfile"
)

// growChunk is how many elements are read at a time from a stream of
// unknown length, so that memory follows the data actually present.
const growChunk = 1 << 20

// Read reads a whole .npy stream: the header, then the elements converted
// to float64 in row-major (C) order; a Fortran-order array is transposed.
// size is the stream's total length in bytes, or -1 if unknown; when known,
// the header's shape × dtype must account for exactly size − DataOffset
// bytes, which is checked before anything is allocated.
//
// The elements are read once, in place: the raw bytes land in the tail of
// the result's own memory and are widened front to back, so a little-endian
// float64 array goes straight from r into the result with no intermediate
// copy, and no other dtype needs a second buffer either.
func Read(r io.Reader, size int64) (*Header, []float64, error) {
	h, err := ReadHeader(r)
	if err != nil {
		return nil, nil, err
	}
	dataLen := int64(-1)
	if size >= 0 {
		dataLen = size - h.DataOffset
	}
	data, err := ReadData(r, h, dataLen)
	if err != nil {
		return nil, nil, err
	}
	return h, data, nil
}

// CheckDataLen checks the header's claim against the dataLen bytes that
// follow it (−1 if unknown): exactly Len() elements of the dtype, neither
// fewer ("truncated data") nor more ("data length mismatch"); with dataLen
// unknown, only that their size fits in an int64. It is the one rule of
// every reader of this package, whole (Read, ReadFile) or streamed (Open,
// ReadColumns), checked before anything is allocated.
func (h *Header) CheckDataLen(dataLen int64) error {
	need, ok := h.DataSize()
	if dataLen < 0 {
		if !ok {
			return fmt.Errorf("bad header: %s is too large", h.describe())
		}
		return nil
	}
	if !ok || need > dataLen {
		return fmt.Errorf("truncated data: header says %s, file has %d", h.describe(), dataLen)
	}
	if need < dataLen {
		return fmt.Errorf("data length mismatch: header says %s, file has %d", h.describe(), dataLen)
	}
	return nil
}

// ReadData reads the elements that follow the header h in r, as Read does.
// dataLen is the number of bytes after the header, or -1 if unknown.
func ReadData(r io.Reader, h *Header, dataLen int64) ([]float64, error) {
	t, err := parseDescr(h.DType)
	if err != nil {
		return nil, err
	}
	if err := h.CheckDataLen(dataLen); err != nil {
		return nil, err
	}
	n := h.Len()
	var data []float64
	if dataLen >= 0 {
		data = make([]float64, n)
		if err := t.ReadFull(r, data); err != nil {
			return nil, shortRead(h, err)
		}
	} else {
		data = make([]float64, 0, min(n, growChunk))
		for len(data) < n {
			m := min(n-len(data), growChunk)
			data = append(data, make([]float64, m)...)
			if err := t.ReadFull(r, data[len(data)-m:]); err != nil {
				return nil, shortRead(h, err)
			}
		}
	}
	if h.Fortran {
		data = fortranToC(data, h.Shape)
	}
	return data, nil
}

func shortRead(h *Header, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("truncated data: header says %s, stream ended early", h.describe())
	}
	return err
}

// fortranToC returns the column-major array src of the given shape in
// row-major order. A column-major array is the row-major array of the
// reversed shape, so this reverses the axes.
func fortranToC[E float32 | float64](src []E, shape []int) []E {
	k := len(shape)
	if k < 2 || len(src) == 0 {
		return src
	}
	dst := make([]E, len(src))
	fstride := make([]int, k) // stride of axis j in src
	s := 1
	for j := range shape {
		fstride[j] = s
		s *= shape[j]
	}
	idx := make([]int, k-1)
	last, ls := shape[k-1], fstride[k-1]
	f := 0
	for c := 0; c < len(dst); c += last {
		row := dst[c : c+last]
		for t := range row {
			row[t] = src[f+t*ls]
		}
		for j := k - 2; j >= 0; j-- { // next multi-index over the leading axes
			idx[j]++
			f += fstride[j]
			if idx[j] < shape[j] {
				break
			}
			f -= idx[j] * fstride[j]
			idx[j] = 0
		}
	}
	return dst
}

// ReadFile reads the .npy file at path as Read does. Errors name the file:
// "x.npy: truncated data: header says 2000×100 float32 (800000 bytes), file
// has 1234".
func ReadFile(path string) (*Header, []float64, error) {
	f, size, err := osfile.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	h, data, err := Read(f, size)
	if err != nil {
		return nil, nil, osfile.PathError(path, err)
	}
	return h, data, nil
}
