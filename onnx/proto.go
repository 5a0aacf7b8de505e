package onnx

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// This file decodes the part of the ONNX protocol buffer schema (onnx.proto,
// https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that intdim
// reads, with google.golang.org/protobuf's wire-format reader, so that the
// default build needs no generated code and no ONNX runtime. Every length
// is checked against the bytes that hold it before anything is allocated:
// a decoded model takes memory in proportion to the file, whatever it
// claims. Fields not listed are skipped.

// pbModel is a ModelProto.
type pbModel struct {
	opsets []pbOpset
	graph  *pbGraph
}

type pbOpset struct {
	domain  string
	version int64
}

// pbGraph is a GraphProto.
type pbGraph struct {
	nodes           []*pbNode
	inits           []*pbTensor
	inputs, outputs []*pbValueInfo
}

// pbNode is a NodeProto.
type pbNode struct {
	in, out          []string
	name, op, domain string
	attrs            []*pbAttr
}

// pbAttr is an AttributeProto.
type pbAttr struct {
	name   string
	f      float32
	i      int64
	s      []byte
	t      *pbTensor
	floats []float32
	ints   []int64
}

// pbTensor is a TensorProto.
type pbTensor struct {
	name     string
	dims     []int64
	dtype    int32
	raw      []byte
	floats   []float32
	int32s   []int32
	int64s   []int64
	external bool // data_location EXTERNAL or external_data entries
	other    int  // values in string_data, double_data or uint64_data
}

// pbValueInfo is a ValueInfoProto whose type is a tensor.
type pbValueInfo struct {
	name     string
	isTensor bool
	elem     int32
	hasShape bool
	dims     []pbDim
}

type pbDim struct {
	value int64
	param string
	set   bool // dim_value given
}

var errTruncated = errors.New("truncated or malformed protocol buffer")

// fields calls fn for each field of the message b. fn reads the value
// of type typ from v (for BytesType, v is the payload; for the others the
// remaining bytes) and returns how many bytes it consumed, or a negative
// protowire error code, or -1 to skip the field.
func fields(b []byte, fn func(num protowire.Number, typ protowire.Type, v []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errTruncated
		}
		b = b[n:]
		var val []byte
		switch typ {
		case protowire.BytesType:
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return errTruncated
			}
			val, n = v, m
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return errTruncated
			}
			val = b[:n]
		}
		if err := fn(num, typ, val); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

func varint(typ protowire.Type, v []byte) (uint64, error) {
	if typ != protowire.VarintType {
		return 0, errTruncated
	}
	x, n := protowire.ConsumeVarint(v)
	if n < 0 {
		return 0, errTruncated
	}
	return x, nil
}

// appendInt64s appends the values of a repeated int64 field, packed or
// not.
func appendInt64s(dst []int64, typ protowire.Type, v []byte) ([]int64, error) {
	if typ == protowire.VarintType {
		x, err := varint(typ, v)
		return append(dst, int64(x)), err
	}
	if typ != protowire.BytesType {
		return dst, errTruncated
	}
	for len(v) > 0 {
		x, n := protowire.ConsumeVarint(v)
		if n < 0 {
			return dst, errTruncated
		}
		dst = append(dst, int64(x))
		v = v[n:]
	}
	return dst, nil
}

// appendFloats appends the values of a repeated float field, packed or not.
func appendFloats(dst []float32, typ protowire.Type, v []byte) ([]float32, error) {
	switch typ {
	case protowire.Fixed32Type:
		x, n := protowire.ConsumeFixed32(v)
		if n < 0 {
			return dst, errTruncated
		}
		return append(dst, math.Float32frombits(x)), nil
	case protowire.BytesType:
		if len(v)%4 != 0 {
			return dst, errTruncated
		}
		dst = slicesGrow(dst, len(v)/4)
		for ; len(v) > 0; v = v[4:] {
			x, _ := protowire.ConsumeFixed32(v)
			dst = append(dst, math.Float32frombits(x))
		}
		return dst, nil
	}
	return dst, errTruncated
}

func slicesGrow[T any](s []T, n int) []T {
	if cap(s)-len(s) < n {
		t := make([]T, len(s), len(s)+n)
		copy(t, s)
		return t
	}
	return s
}

// countValues returns the number of values in a repeated scalar field
// occurrence (packed or not), for fields that are only counted.
func countValues(typ protowire.Type, v []byte, width int) int {
	if typ != protowire.BytesType {
		return 1
	}
	if width > 0 {
		return len(v) / width
	}
	n := 0
	for len(v) > 0 {
		_, k := protowire.ConsumeVarint(v)
		if k < 0 {
			break
		}
		n++
		v = v[k:]
	}
	return n
}

func decodeModel(b []byte) (*pbModel, error) {
	m := &pbModel{}
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case num == 7 && typ == protowire.BytesType:
			if m.graph == nil {
				m.graph = &pbGraph{}
			}
			return decodeGraph(m.graph, v)
		case num == 8 && typ == protowire.BytesType:
			var o pbOpset
			err := fields(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
				switch {
				case num == 1 && typ == protowire.BytesType:
					o.domain = string(v)
				case num == 2:
					x, err := varint(typ, v)
					o.version = int64(x)
					return err
				}
				return nil
			})
			m.opsets = append(m.opsets, o)
			return err
		}
		return nil
	})
	return m, err
}

func decodeGraph(g *pbGraph, b []byte) error {
	return fields(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case 1:
			n, err := decodeNode(v)
			g.nodes = append(g.nodes, n)
			return err
		case 5:
			t, err := decodeTensor(v)
			g.inits = append(g.inits, t)
			return err
		case 11, 12:
			vi, err := decodeValueInfo(v)
			if num == 11 {
				g.inputs = append(g.inputs, vi)
			} else {
				g.outputs = append(g.outputs, vi)
			}
			return err
		case 15:
			return errors.New("sparse initializers are not supported")
		}
		return nil
	})
}

func decodeNode(b []byte) (*pbNode, error) {
	n := &pbNode{}
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case 1:
			n.in = append(n.in, string(v))
		case 2:
			n.out = append(n.out, string(v))
		case 3:
			n.name = string(v)
		case 4:
			n.op = string(v)
		case 7:
			n.domain = string(v)
		case 5:
			a, err := decodeAttr(v)
			n.attrs = append(n.attrs, a)
			return err
		}
		return nil
	})
	return n, err
}

func decodeAttr(b []byte) (*pbAttr, error) {
	a := &pbAttr{}
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		var err error
		switch num {
		case 1:
			a.name = string(v)
		case 2:
			if typ != protowire.Fixed32Type {
				return errTruncated
			}
			x, _ := protowire.ConsumeFixed32(v)
			a.f = math.Float32frombits(x)
		case 3:
			var x uint64
			x, err = varint(typ, v)
			a.i = int64(x)
		case 4:
			a.s = v
		case 5:
			if typ != protowire.BytesType {
				return errTruncated
			}
			a.t, err = decodeTensor(v)
		case 7:
			a.floats, err = appendFloats(a.floats, typ, v)
		case 8:
			a.ints, err = appendInt64s(a.ints, typ, v)
		}
		return err
	})
	return a, err
}

func decodeTensor(b []byte) (*pbTensor, error) {
	t := &pbTensor{}
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		var err error
		switch num {
		case 1:
			t.dims, err = appendInt64s(t.dims, typ, v)
		case 2:
			var x uint64
			x, err = varint(typ, v)
			t.dtype = int32(x)
		case 4:
			t.floats, err = appendFloats(t.floats, typ, v)
		case 5:
			var xs []int64
			xs, err = appendInt64s(nil, typ, v)
			for _, x := range xs {
				t.int32s = append(t.int32s, int32(x))
			}
		case 7:
			t.int64s, err = appendInt64s(t.int64s, typ, v)
		case 8:
			t.name = string(v)
		case 9:
			t.raw = v
		case 13:
			t.external = true
		case 14:
			var x uint64
			x, err = varint(typ, v)
			t.external = t.external || x == 1
		case 6:
			t.other++
		case 10:
			t.other += countValues(typ, v, 8)
		case 11:
			t.other += countValues(typ, v, 0)
		}
		return err
	})
	return t, err
}

func decodeValueInfo(b []byte) (*pbValueInfo, error) {
	vi := &pbValueInfo{}
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case 1:
			vi.name = string(v)
		case 2: // TypeProto
			return fields(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
				if num != 1 || typ != protowire.BytesType {
					return nil
				}
				vi.isTensor = true
				return fields(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
					switch num {
					case 1:
						x, err := varint(typ, v)
						vi.elem = int32(x)
						return err
					case 2:
						vi.hasShape = true
						return fields(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
							if num != 1 || typ != protowire.BytesType {
								return nil
							}
							var d pbDim
							err := fields(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
								switch num {
								case 1:
									x, err := varint(typ, v)
									d.value, d.set = int64(x), true
									return err
								case 2:
									d.param = string(v)
								}
								return nil
							})
							vi.dims = append(vi.dims, d)
							return err
						})
					}
					return nil
				})
			})
		}
		return nil
	})
	return vi, err
}

// elemCount returns the number of elements that dims declare, or an error
// naming the tensor when a dimension is negative or the product overflows
// or exceeds limit.
func elemCount(what string, dims []int64, limit int64) (int64, error) {
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return 0, fmt.Errorf("%s: negative dimension in %v", what, dims)
		}
		if d != 0 && n > limit/d {
			return 0, fmt.Errorf("%s: shape %v declares more than %d elements", what, dims, limit)
		}
		n *= d
	}
	return n, nil
}

// withOutputs returns the model bytes b with the names added to the graph
// outputs (value infos with a name only: onnxruntime infers their type),
// so that runtimes that only return graph outputs expose intermediate
// values. Every other field is copied as it is.
func withOutputs(b []byte, names []string) ([]byte, error) {
	var out []byte
	done := false
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		out = protowire.AppendTag(out, num, typ)
		switch typ {
		case protowire.BytesType:
			if num == 7 && !done {
				g := append([]byte(nil), v...)
				for _, name := range names {
					vi := protowire.AppendTag(nil, 1, protowire.BytesType)
					vi = protowire.AppendString(vi, name)
					g = protowire.AppendTag(g, 12, protowire.BytesType)
					g = protowire.AppendBytes(g, vi)
				}
				v, done = g, true
			}
			out = protowire.AppendBytes(out, v)
		default:
			out = append(out, v...)
		}
		return nil
	})
	if err == nil && !done {
		err = errors.New("no graph")
	}
	return out, err
}
