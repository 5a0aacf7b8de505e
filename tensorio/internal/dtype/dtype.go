// Package dtype decodes the element types shared by the tensor file formats
// (.npy, .npz, .safetensors) into float64 and float32.
//
// Conversions are exact where the destination can represent the value:
// every float16, bfloat16, float32, bool, 8–32-bit integer, and integers up
// to 2⁵³ in magnitude. Wider integers are rounded to the nearest float64.
package dtype

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sync"
	"unsafe"
)

// Kind is the family of an element type.
type Kind uint8

// The element families.
const (
	Float  Kind = iota + 1 // IEEE 754 binary16, binary32 or binary64
	BFloat                 // bfloat16: the upper half of a binary32
	Int                    // two's complement signed integer
	Uint                   // unsigned integer
	Bool                   // one byte, nonzero is true (1)
)

// Type is an element type: its family, its size in bytes and its byte order.
type Type struct {
	Kind      Kind
	Size      int
	BigEndian bool
}

// Valid reports whether t is a type this package can decode.
func (t Type) Valid() bool {
	switch t.Kind {
	case Float:
		return t.Size == 2 || t.Size == 4 || t.Size == 8
	case BFloat:
		return t.Size == 2
	case Int, Uint:
		return t.Size == 1 || t.Size == 2 || t.Size == 4 || t.Size == 8
	case Bool:
		return t.Size == 1
	}
	return false
}

// String returns the numpy-style name of t ("float32", "bfloat16", "uint8",
// "bool"), with " big-endian" appended for multi-byte big-endian types.
func (t Type) String() string {
	var s string
	switch t.Kind {
	case Float:
		s = fmt.Sprintf("float%d", 8*t.Size)
	case BFloat:
		s = "bfloat16"
	case Int:
		s = fmt.Sprintf("int%d", 8*t.Size)
	case Uint:
		s = fmt.Sprintf("uint%d", 8*t.Size)
	case Bool:
		s = "bool"
	default:
		return fmt.Sprintf("invalid(%d,%d)", t.Kind, t.Size)
	}
	if t.BigEndian && t.Size > 1 {
		s += " big-endian"
	}
	return s
}

func (t Type) order() binary.ByteOrder {
	if t.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// Float16 returns the value of the IEEE 754 binary16 number with bits h,
// exactly (subnormals, ±0, ±Inf and NaN included).
func Float16(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	mant := int(h & 0x3ff)
	switch exp {
	case 0: // zero or subnormal: mant · 2⁻²⁴
		return sign * math.Ldexp(float64(mant), -24)
	case 0x1f:
		if mant == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * math.Ldexp(float64(0x400|mant), exp-25)
}

var (
	halfOnce  sync.Once
	halfTable *[1 << 16]float64
)

// half returns the value of every binary16 bit pattern (512 KiB, built on
// first use).
func half() *[1 << 16]float64 {
	halfOnce.Do(func() {
		halfTable = new([1 << 16]float64)
		for h := range halfTable {
			halfTable[h] = Float16(uint16(h))
		}
	})
	return halfTable
}

// BFloat16 returns the value of the bfloat16 number with bits b, exactly:
// bfloat16 is the upper 16 bits of an IEEE 754 binary32.
func BFloat16(b uint16) float64 {
	return float64(math.Float32frombits(uint32(b) << 16))
}

// Decode converts the elements in src, of type t, into dst.
// len(src) must be len(dst)·t.Size; t must be valid. src may be the tail of
// dst's own memory (see ReadFull): element i is read before dst[i] is written.
func (t Type) Decode(dst []float64, src []byte) {
	if len(src) != len(dst)*t.Size || !t.Valid() {
		panic(fmt.Sprintf("dtype: Decode: %d bytes of %v into %d values", len(src), t, len(dst)))
	}
	o := t.order()
	switch {
	case t.Kind == Float && t.Size == 8:
		for i := range dst {
			v := math.Float64frombits(o.Uint64(src[8*i:]))
			dst[i] = v
		}
	case t.Kind == Float && t.Size == 4 && !t.BigEndian: // the common case, inlined
		le := binary.LittleEndian
		for i := range dst {
			v := float64(math.Float32frombits(le.Uint32(src[4*i:])))
			dst[i] = v
		}
	case t.Kind == Float && t.Size == 4:
		for i := range dst {
			v := float64(math.Float32frombits(o.Uint32(src[4*i:])))
			dst[i] = v
		}
	case t.Kind == Float && t.Size == 2:
		tab := half()
		if !t.BigEndian {
			le := binary.LittleEndian
			for i := range dst {
				v := tab[le.Uint16(src[2*i:])]
				dst[i] = v
			}
			break
		}
		for i := range dst {
			v := tab[o.Uint16(src[2*i:])]
			dst[i] = v
		}
	case t.Kind == BFloat:
		for i := range dst {
			v := BFloat16(o.Uint16(src[2*i:]))
			dst[i] = v
		}
	case t.Kind == Int && t.Size == 1:
		for i := range dst {
			v := float64(int8(src[i]))
			dst[i] = v
		}
	case t.Kind == Int && t.Size == 2:
		for i := range dst {
			v := float64(int16(o.Uint16(src[2*i:])))
			dst[i] = v
		}
	case t.Kind == Int && t.Size == 4:
		for i := range dst {
			v := float64(int32(o.Uint32(src[4*i:])))
			dst[i] = v
		}
	case t.Kind == Int && t.Size == 8:
		for i := range dst {
			v := float64(int64(o.Uint64(src[8*i:])))
			dst[i] = v
		}
	case t.Kind == Uint && t.Size == 1:
		for i := range dst {
			v := float64(src[i])
			dst[i] = v
		}
	case t.Kind == Uint && t.Size == 2:
		for i := range dst {
			v := float64(o.Uint16(src[2*i:]))
			dst[i] = v
		}
	case t.Kind == Uint && t.Size == 4:
		for i := range dst {
			v := float64(o.Uint32(src[4*i:]))
			dst[i] = v
		}
	case t.Kind == Uint && t.Size == 8:
		for i := range dst {
			v := float64(o.Uint64(src[8*i:]))
			dst[i] = v
		}
	default: // Bool
		for i := range dst {
			v := 0.0
			if src[i] != 0 {
				v = 1
			}
			dst[i] = v
		}
	}
}

// Decode32 is Decode for a float32 destination; float64 and wide integer
// values are rounded to nearest.
func (t Type) Decode32(dst []float32, src []byte) {
	if len(src) != len(dst)*t.Size || !t.Valid() {
		panic(fmt.Sprintf("dtype: Decode32: %d bytes of %v into %d values", len(src), t, len(dst)))
	}
	if t.Kind == Float && t.Size == 4 {
		o := t.order()
		for i := range dst {
			dst[i] = math.Float32frombits(o.Uint32(src[4*i:]))
		}
		return
	}
	var buf [512]float64
	for len(dst) > 0 {
		m := min(len(dst), len(buf))
		t.Decode(buf[:m], src[:m*t.Size])
		for i, v := range buf[:m] {
			dst[i] = float32(v)
		}
		dst, src = dst[m:], src[m*t.Size:]
	}
}

// littleEndianHost reports whether this machine stores numbers little-endian.
var littleEndianHost = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// Bytes returns the memory of dst as bytes (len(dst)·8 of them).
func Bytes(dst []float64) []byte {
	if len(dst) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst)*8)
}

// ReadFull reads len(dst) elements of type t from r into dst, in place: the
// raw bytes land in the tail of dst's own memory and are widened front to
// back, so no second buffer of the data's size is ever allocated. A little-
// endian float64 stream on a little-endian machine is read straight into dst.
// A short stream gives io.ErrUnexpectedEOF (or io.EOF when it is empty).
func (t Type) ReadFull(r io.Reader, dst []float64) error {
	if !t.Valid() {
		panic(fmt.Sprintf("dtype: ReadFull: invalid type %v", t))
	}
	n := len(dst)
	if n == 0 {
		return nil
	}
	mem := Bytes(dst)
	raw := mem[len(mem)-n*t.Size:]
	if _, err := io.ReadFull(r, raw); err != nil {
		return err
	}
	if t.Kind == Float && t.Size == 8 && t.BigEndian != littleEndianHost {
		return nil // already the machine's float64s
	}
	// Element i's source starts at off+i·s ≥ 8·i, and writing dst[i]
	// (bytes 8i..8i+8) never reaches a source byte of element j > i:
	// 8(i+1) ≤ off+(i+1)·s ⇔ (i+1)(8−s) ≤ n(8−s). Read before write.
	t.Decode(dst, raw)
	return nil
}
