package npy

import (
	"io"

	"github.com/intdim/intdim/tensorio/internal/osfile"
)

// Values holds an array's elements, row-major, in the type they are kept
// in: F32 for float32, float16 and bfloat16 arrays (exact), F64 for every
// other type (as Read converts them). Exactly one of the two is non-nil.
type Values struct {
	F32 []float32
	F64 []float64
}

// Len returns the number of elements.
func (v Values) Len() int {
	if v.F32 != nil {
		return len(v.F32)
	}
	return len(v.F64)
}

// Float64 returns the elements as float64: F64, or F32 widened (a copy).
func (v Values) Float64() []float64 {
	if v.F32 == nil {
		return v.F64
	}
	out := make([]float64, len(v.F32))
	for i, x := range v.F32 {
		out[i] = float64(x)
	}
	return out
}

// Narrow reports whether arrays of this header are kept as float32
// (Values.F32): float32, float16 and bfloat16.
func (h *Header) Narrow() bool {
	t, err := parseDescr(h.DType)
	return err == nil && t.Narrow()
}

// ReadValues is Read keeping float32, float16 and bfloat16 arrays as
// float32 (Values), read in place as Read does.
func ReadValues(r io.Reader, size int64) (*Header, Values, error) {
	h, err := ReadHeader(r)
	if err != nil {
		return nil, Values{}, err
	}
	dataLen := int64(-1)
	if size >= 0 {
		dataLen = size - h.DataOffset
	}
	v, err := ReadDataValues(r, h, dataLen)
	if err != nil {
		return nil, Values{}, err
	}
	return h, v, nil
}

// ReadDataValues is ReadData keeping float32-like arrays as float32.
func ReadDataValues(r io.Reader, h *Header, dataLen int64) (Values, error) {
	t, err := parseDescr(h.DType)
	if err != nil {
		return Values{}, err
	}
	if !t.Narrow() {
		data, err := ReadData(r, h, dataLen)
		return Values{F64: data}, err
	}
	if err := h.CheckDataLen(dataLen); err != nil {
		return Values{}, err
	}
	n := h.Len()
	var data []float32
	if dataLen >= 0 {
		data = make([]float32, n)
		if err := t.ReadFull32(r, data); err != nil {
			return Values{}, shortRead(h, err)
		}
	} else {
		data = make([]float32, 0, min(n, growChunk))
		for len(data) < n {
			m := min(n-len(data), growChunk)
			data = append(data, make([]float32, m)...)
			if err := t.ReadFull32(r, data[len(data)-m:]); err != nil {
				return Values{}, shortRead(h, err)
			}
		}
	}
	if h.Fortran {
		data = fortranToC(data, h.Shape)
	}
	return Values{F32: data}, nil
}

// ReadFileValues reads the .npy file at path as ReadValues does; errors
// name the file.
func ReadFileValues(path string) (*Header, Values, error) {
	f, size, err := osfile.Open(path)
	if err != nil {
		return nil, Values{}, err
	}
	defer f.Close()
	h, v, err := ReadValues(f, size)
	if err != nil {
		return nil, Values{}, osfile.PathError(path, err)
	}
	return h, v, nil
}
