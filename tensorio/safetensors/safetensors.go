package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/intdim/intdim/tensorio/internal/dtype"
	"github.com/intdim/intdim/tensorio/internal/shape"
)

// Tensor is one named tensor: its dtype name ("F64", "F32", "F16", "BF16",
// "I8" … "I64", "U8" … "U64", "BOOL"), its shape, and its raw little-endian
// row-major bytes.
type Tensor struct {
	Name  string
	DType string
	Shape []int
	Data  []byte
}

// File is the content of a safetensors file: the optional string metadata
// and the tensors, in header order.
type File struct {
	Metadata map[string]string
	Tensors  []Tensor
}

// Tensor returns the tensor called name, or nil.
func (f *File) Tensor(name string) *Tensor {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i]
		}
	}
	return nil
}

// Names returns the tensors' names in header order.
func (f *File) Names() []string {
	names := make([]string, len(f.Tensors))
	for i, t := range f.Tensors {
		names[i] = t.Name
	}
	return names
}

// types maps the safetensors dtype names to element types.
var types = map[string]dtype.Type{
	"F64":  {Kind: dtype.Float, Size: 8},
	"F32":  {Kind: dtype.Float, Size: 4},
	"F16":  {Kind: dtype.Float, Size: 2},
	"BF16": {Kind: dtype.BFloat, Size: 2},
	"I8":   {Kind: dtype.Int, Size: 1},
	"I16":  {Kind: dtype.Int, Size: 2},
	"I32":  {Kind: dtype.Int, Size: 4},
	"I64":  {Kind: dtype.Int, Size: 8},
	"U8":   {Kind: dtype.Uint, Size: 1},
	"U16":  {Kind: dtype.Uint, Size: 2},
	"U32":  {Kind: dtype.Uint, Size: 4},
	"U64":  {Kind: dtype.Uint, Size: 8},
	"BOOL": {Kind: dtype.Bool, Size: 1},
}

// ElemType returns the element type of a safetensors dtype name.
func ElemType(name string) (dtype.Type, bool) {
	t, ok := types[name]
	return t, ok
}

// ItemSize returns the size in bytes of one element of the dtype name, or 0
// if the dtype is not supported.
func ItemSize(name string) int { return types[name].Size }

// Len returns the number of elements of t (1 for a scalar).
func (t *Tensor) Len() int {
	n, _ := shape.Count(t.Shape)
	return n
}

func (t *Tensor) check() (dtype.Type, error) {
	et, ok := types[t.DType]
	if !ok {
		return et, fmt.Errorf("tensor %q: unsupported dtype %q", t.Name, t.DType)
	}
	n, ok := shape.Count(t.Shape)
	if !ok || n > len(t.Data)/et.Size || n*et.Size != len(t.Data) {
		return et, fmt.Errorf("tensor %q: shape %s × %s needs %s bytes, data has %d",
			t.Name, shape.Format(t.Shape), t.DType, shape.FormatBytes(t.Shape, et.Size), len(t.Data))
	}
	return et, nil
}

// Float64 returns the tensor's values converted to float64 (exactly, except
// for integers beyond 2⁵³).
func (t *Tensor) Float64() ([]float64, error) {
	et, err := t.check()
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(t.Data)/et.Size)
	et.Decode(out, t.Data)
	return out, nil
}

// Float32 returns the tensor's values converted to float32 (F64 and wide
// integers are rounded to nearest).
func (t *Tensor) Float32() ([]float32, error) {
	et, err := t.check()
	if err != nil {
		return nil, err
	}
	out := make([]float32, len(t.Data)/et.Size)
	et.Decode32(out, t.Data)
	return out, nil
}

// F32 returns an F32 tensor holding data with the given shape.
// It panics if len(data) is not the product of shape.
func F32(name string, dims []int, data []float32) Tensor {
	n, ok := shape.Count(dims)
	if !ok || n != len(data) {
		panic(fmt.Sprintf("safetensors: F32: %d values for shape %v", len(data), dims))
	}
	b := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return Tensor{Name: name, DType: "F32", Shape: append([]int(nil), dims...), Data: b}
}

// F64 returns an F64 tensor holding data with the given shape.
// It panics if len(data) is not the product of shape.
func F64(name string, dims []int, data []float64) Tensor {
	n, ok := shape.Count(dims)
	if !ok || n != len(data) {
		panic(fmt.Sprintf("safetensors: F64: %d values for shape %v", len(data), dims))
	}
	b := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return Tensor{Name: name, DType: "F64", Shape: append([]int(nil), dims...), Data: b}
}
