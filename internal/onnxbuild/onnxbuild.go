// Package onnxbuild writes small ONNX models as protocol buffer bytes, for
// tests: well-formed ones and the crafted ones of hostile-input tests
// (shapes that claim more than their data, huge declared sizes), without
// Python or generated protobuf code. Field numbers are those of onnx.proto
// (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
package onnxbuild

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// ONNX element types (TensorProto.DataType).
const (
	Float = 1
	Int32 = 6
	Int64 = 7
)

// Model is an ONNX model with one graph.
type Model struct {
	Opset   int64 // default operator set; 0 means 13
	Nodes   []Node
	Inits   []Tensor
	Inputs  []Value
	Outputs []Value
}

// Node is a NodeProto.
type Node struct {
	Op, Name, Domain string
	In, Out          []string
	Attrs            []Attr
}

// Attr is an AttributeProto; set the field that matches Kind.
type Attr struct {
	Name   string
	Kind   AttrKind
	I      int64
	F      float32
	S      string
	Ints   []int64
	Floats []float32
	T      *Tensor
}

// AttrKind is AttributeProto.AttributeType.
type AttrKind int

// Attribute kinds.
const (
	AttrFloat AttrKind = 1 + iota
	AttrInt
	AttrString
	AttrTensor
	_
	AttrFloats
	AttrInts
)

// Int, Ints, Float, String and TensorAttr build attributes.
func Int(name string, v int64) Attr { return Attr{Name: name, Kind: AttrInt, I: v} }
func Ints(name string, v ...int64) Attr {
	return Attr{Name: name, Kind: AttrInts, Ints: v}
}
func Float32(name string, v float32) Attr { return Attr{Name: name, Kind: AttrFloat, F: v} }
func String(name, v string) Attr          { return Attr{Name: name, Kind: AttrString, S: v} }
func TensorAttr(name string, t Tensor) Attr {
	return Attr{Name: name, Kind: AttrTensor, T: &t}
}

// Tensor is a TensorProto. Raw, when set, is written as raw_data (the
// data then need not match Dims: crafted tensors); otherwise Floats or
// Int64s are written as raw little-endian data.
type Tensor struct {
	Name   string
	Dims   []int64
	Type   int32
	Raw    []byte
	Floats []float32
	Int64s []int64
}

// Floats32 is a float tensor with its data.
func Floats32(name string, dims []int64, v []float32) Tensor {
	return Tensor{Name: name, Dims: dims, Type: Float, Floats: v}
}

// Int64Tensor is an int64 tensor with its data.
func Int64Tensor(name string, dims []int64, v []int64) Tensor {
	return Tensor{Name: name, Dims: dims, Type: Int64, Int64s: v}
}

// Value is a graph input or output (ValueInfoProto). A negative dimension
// is written as a named (dynamic) one unless Raw is set; NoShape writes a
// tensor type without a shape; NoType no type at all.
type Value struct {
	Name    string
	Elem    int32 // 0 means Float
	Dims    []int64
	RawDims bool // write Dims as dim_value even when negative
	NoShape bool
	NoType  bool
}

// Bytes serializes the model.
func (m *Model) Bytes() []byte {
	opset := m.Opset
	if opset == 0 {
		opset = 13
	}
	var g []byte
	for _, n := range m.Nodes {
		g = protowire.AppendTag(g, 1, protowire.BytesType)
		g = protowire.AppendBytes(g, n.bytes())
	}
	g = appendString(g, 2, "graph")
	for _, t := range m.Inits {
		g = protowire.AppendTag(g, 5, protowire.BytesType)
		g = protowire.AppendBytes(g, t.bytes())
	}
	for _, v := range m.Inputs {
		g = protowire.AppendTag(g, 11, protowire.BytesType)
		g = protowire.AppendBytes(g, v.bytes())
	}
	for _, v := range m.Outputs {
		g = protowire.AppendTag(g, 12, protowire.BytesType)
		g = protowire.AppendBytes(g, v.bytes())
	}
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType) // ir_version
	b = protowire.AppendVarint(b, 8)
	b = protowire.AppendTag(b, 7, protowire.BytesType)
	b = protowire.AppendBytes(b, g)
	var os []byte
	os = appendString(os, 1, "")
	os = protowire.AppendTag(os, 2, protowire.VarintType)
	os = protowire.AppendVarint(os, uint64(opset))
	b = protowire.AppendTag(b, 8, protowire.BytesType)
	b = protowire.AppendBytes(b, os)
	return b
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func (n *Node) bytes() []byte {
	var b []byte
	for _, s := range n.In {
		b = appendString(b, 1, s)
	}
	for _, s := range n.Out {
		b = appendString(b, 2, s)
	}
	b = appendString(b, 3, n.Name)
	b = appendString(b, 4, n.Op)
	for _, a := range n.Attrs {
		b = protowire.AppendTag(b, 5, protowire.BytesType)
		b = protowire.AppendBytes(b, a.bytes())
	}
	if n.Domain != "" {
		b = appendString(b, 7, n.Domain)
	}
	return b
}

func (a *Attr) bytes() []byte {
	b := appendString(nil, 1, a.Name)
	switch a.Kind {
	case AttrFloat:
		b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.F))
	case AttrInt:
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(a.I))
	case AttrString:
		b = appendString(b, 4, a.S)
	case AttrTensor:
		b = protowire.AppendTag(b, 5, protowire.BytesType)
		b = protowire.AppendBytes(b, a.T.bytes())
	case AttrFloats:
		for _, f := range a.Floats {
			b = protowire.AppendTag(b, 7, protowire.Fixed32Type)
			b = protowire.AppendFixed32(b, math.Float32bits(f))
		}
	case AttrInts:
		var p []byte
		for _, v := range a.Ints {
			p = protowire.AppendVarint(p, uint64(v))
		}
		b = protowire.AppendTag(b, 8, protowire.BytesType)
		b = protowire.AppendBytes(b, p)
	}
	b = protowire.AppendTag(b, 20, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(a.Kind))
}

func (t *Tensor) bytes() []byte {
	var b []byte
	if len(t.Dims) > 0 {
		var p []byte
		for _, d := range t.Dims {
			p = protowire.AppendVarint(p, uint64(d))
		}
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, p)
	}
	typ := t.Type
	if typ == 0 {
		typ = Float
	}
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(typ))
	b = appendString(b, 8, t.Name)
	raw := t.Raw
	if raw == nil {
		for _, f := range t.Floats {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(f))
		}
		for _, v := range t.Int64s {
			raw = binary.LittleEndian.AppendUint64(raw, uint64(v))
		}
	}
	if len(raw) > 0 {
		b = protowire.AppendTag(b, 9, protowire.BytesType)
		b = protowire.AppendBytes(b, raw)
	}
	return b
}

func (v *Value) bytes() []byte {
	b := appendString(nil, 1, v.Name)
	if v.NoType {
		return b
	}
	elem := v.Elem
	if elem == 0 {
		elem = Float
	}
	var tt []byte
	tt = protowire.AppendTag(tt, 1, protowire.VarintType)
	tt = protowire.AppendVarint(tt, uint64(elem))
	if !v.NoShape {
		var shape []byte
		for _, d := range v.Dims {
			var dim []byte
			if d >= 0 || v.RawDims {
				dim = protowire.AppendTag(dim, 1, protowire.VarintType)
				dim = protowire.AppendVarint(dim, uint64(d))
			} else {
				dim = appendString(dim, 2, "N")
			}
			shape = protowire.AppendTag(shape, 1, protowire.BytesType)
			shape = protowire.AppendBytes(shape, dim)
		}
		tt = protowire.AppendTag(tt, 2, protowire.BytesType)
		tt = protowire.AppendBytes(tt, shape)
	}
	var typ []byte
	typ = protowire.AppendTag(typ, 1, protowire.BytesType)
	typ = protowire.AppendBytes(typ, tt)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	return protowire.AppendBytes(b, typ)
}

// ConvNet is a small well-formed image model: input (N, c, h, w) →
// Conv 3×3 (4 filters, pads 1) → Relu → MaxPool 2×2 → Flatten → Gemm
// (to 3 outputs) → "output". Its weights are fixed pseudo-random values.
func ConvNet(c, h, w int64) *Model {
	wts := func(n int, seed uint32) []float32 {
		out := make([]float32, n)
		for i := range out {
			seed = seed*1664525 + 1013904223
			out[i] = float32(int32(seed>>8)%1000) / 4000
		}
		return out
	}
	flat := 4 * (h / 2) * (w / 2)
	return &Model{
		Inputs:  []Value{{Name: "input", Dims: []int64{-1, c, h, w}}},
		Outputs: []Value{{Name: "output", Dims: []int64{-1, 3}}},
		Inits: []Tensor{
			Floats32("conv.w", []int64{4, c, 3, 3}, wts(int(4*c*9), 1)),
			Floats32("conv.b", []int64{4}, wts(4, 2)),
			Floats32("fc.w", []int64{3, flat}, wts(int(3*flat), 3)),
			Floats32("fc.b", []int64{3}, wts(3, 4)),
		},
		Nodes: []Node{
			{Op: "Conv", Name: "conv", In: []string{"input", "conv.w", "conv.b"}, Out: []string{"conv_out"},
				Attrs: []Attr{Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1)}},
			{Op: "Relu", Name: "relu", In: []string{"conv_out"}, Out: []string{"relu_out"}},
			{Op: "MaxPool", Name: "pool", In: []string{"relu_out"}, Out: []string{"pool_out"},
				Attrs: []Attr{Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)}},
			{Op: "Flatten", Name: "flatten", In: []string{"pool_out"}, Out: []string{"flat"}},
			{Op: "Gemm", Name: "fc", In: []string{"flat", "fc.w", "fc.b"}, Out: []string{"output"},
				Attrs: []Attr{Int("transB", 1)}},
		},
	}
}

// MaskModel is a model of two inputs, x float32 [N, 4] and an int64 mask
// [N, 4], applied as an attention mask is: h = x·W, y = where(mask == 0,
// −100, h), with W the 4 × 4 matrix w (row-major).
func MaskModel(w []float32) *Model {
	return &Model{
		Inputs:  []Value{{Name: "x", Dims: []int64{-1, 4}}, {Name: "mask", Elem: Int64, Dims: []int64{-1, 4}}},
		Outputs: []Value{{Name: "y", Dims: []int64{-1, 4}}},
		Inits: []Tensor{Floats32("w", []int64{4, 4}, w), Int64Tensor("zero", []int64{}, []int64{0}),
			Floats32("neg", []int64{}, []float32{-100})},
		Nodes: []Node{
			{Op: "MatMul", Name: "mm", In: []string{"x", "w"}, Out: []string{"h"}},
			{Op: "Equal", Name: "eq", In: []string{"mask", "zero"}, Out: []string{"c"}},
			{Op: "Where", Name: "where", In: []string{"c", "neg", "h"}, Out: []string{"y"}},
		},
	}
}
