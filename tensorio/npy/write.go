package npy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/intdim/intdim/tensorio/internal/dtype"
	"github.com/intdim/intdim/tensorio/internal/shape"
)

// Write writes data ([]float32, []float64 or []int64) with the given shape as a .npy
// stream: little-endian, C order, a version 1 header (version 2 if the
// header exceeds 65535 bytes), the header padded so that the data starts at
// a multiple of 64 bytes, as numpy does.
func Write(w io.Writer, dims []int, data any) error {
	var t dtype.Type
	var n int
	switch v := data.(type) {
	case []float32:
		t, n = dtype.Type{Kind: dtype.Float, Size: 4}, len(v)
	case []float64:
		t, n = dtype.Type{Kind: dtype.Float, Size: 8}, len(v)
	case []int64:
		t, n = dtype.Type{Kind: dtype.Int, Size: 8}, len(v)
	default:
		return fmt.Errorf("npy: Write: unsupported data type %T (want []float32, []float64 or []int64)", data)
	}
	if c, ok := shape.Count(dims); !ok || c != n {
		return fmt.Errorf("npy: Write: %d values for shape %v", n, dims)
	}
	if _, err := w.Write(header(descr(t), false, dims)); err != nil {
		return err
	}
	var buf [32 << 10]byte
	for i := 0; i < n; {
		m := min(n-i, len(buf)/t.Size)
		b := buf[:m*t.Size]
		switch v := data.(type) {
		case []float32:
			for k, x := range v[i : i+m] {
				binary.LittleEndian.PutUint32(b[4*k:], math.Float32bits(x))
			}
		case []float64:
			for k, x := range v[i : i+m] {
				binary.LittleEndian.PutUint64(b[8*k:], math.Float64bits(x))
			}
		case []int64:
			for k, x := range v[i : i+m] {
				binary.LittleEndian.PutUint64(b[8*k:], uint64(x))
			}
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		i += m
	}
	return nil
}

// EncodeHeader returns the .npy header numpy writes for an array of dtype
// descr ("<f4", "|u1", …), memory order and shape: magic, version (1, or 2
// for a dict over 65535 bytes), length and dict, padded with spaces so that
// the data start at a multiple of 64 bytes. The data follow it. It checks
// nothing: a header for a file that lies about its size is one use.
func EncodeHeader(descr string, fortran bool, shape []int) []byte {
	return header(descr, fortran, shape)
}

// header returns the magic, version, length and dict of a .npy header.
func header(descr string, fortran bool, shape []int) []byte {
	var d bytes.Buffer
	fmt.Fprintf(&d, "{'descr': '%s', 'fortran_order': %s, 'shape': (", descr, map[bool]string{true: "True", false: "False"}[fortran])
	for i, s := range shape {
		if i > 0 {
			d.WriteString(", ")
		}
		d.WriteString(strconv.Itoa(s))
	}
	if len(shape) == 1 {
		d.WriteByte(',')
	}
	d.WriteString("), }")
	version, pre := 1, 10
	if d.Len()+1+pre > 65535 {
		version, pre = 2, 12
	}
	for (pre+d.Len()+1)%64 != 0 {
		d.WriteByte(' ')
	}
	d.WriteByte('\n')
	out := append([]byte(Magic), byte(version), 0)
	if version == 1 {
		out = binary.LittleEndian.AppendUint16(out, uint16(d.Len()))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(d.Len()))
	}
	return append(out, d.Bytes()...)
}
