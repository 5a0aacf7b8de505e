package dtype

import (
	"fmt"
	"io"
	"unsafe"
)

// Narrow reports whether t's values are kept as float32 (docs/DESIGN.md §7:
// float32 stays float32): float32, float16 and bfloat16 convert to float32
// exactly; every other type is kept as float64.
func (t Type) Narrow() bool {
	return t.Kind == Float && (t.Size == 2 || t.Size == 4) || t.Kind == BFloat
}

// Bytes32 returns the memory of dst as bytes (len(dst)·4 of them).
func Bytes32(dst []float32) []byte {
	if len(dst) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst)*4)
}

// ReadFull32 is ReadFull for a float32 destination and a Narrow type: the
// raw bytes land in the tail of dst's memory and are widened front to back
// (a little-endian float32 stream is read straight into dst).
func (t Type) ReadFull32(r io.Reader, dst []float32) error {
	if !t.Narrow() {
		panic(fmt.Sprintf("dtype: ReadFull32: type %v is not kept as float32", t))
	}
	n := len(dst)
	if n == 0 {
		return nil
	}
	mem := Bytes32(dst)
	raw := mem[len(mem)-n*t.Size:]
	if _, err := io.ReadFull(r, raw); err != nil {
		return err
	}
	if t.Kind == Float && t.Size == 4 && t.BigEndian != littleEndianHost {
		return nil
	}
	// As in ReadFull: element i's source starts at 2n + 2i ≥ 4i for 2-byte
	// types, and Decode32 reads each chunk of sources before writing it.
	t.Decode32(dst, raw)
	return nil
}
