// Package shape holds the array-shape arithmetic and formatting shared by
// the tensor readers (.npy, .npz, .safetensors).
package shape

import (
	"math"
	"strconv"
	"strings"
)

// Count returns the number of elements of an array of the given shape (1
// for a scalar), and false if a dimension is negative or the product of
// the nonzero dimensions overflows int (so that no sub-product, such as the
// row length of a 0×10¹⁰×10¹⁰ array, overflows either).
func Count(shape []int) (int, bool) {
	n, nz := 1, 1
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d == 0 {
			n = 0
			continue
		}
		if nz > math.MaxInt/d {
			return 0, false
		}
		nz *= d
		n *= d
	}
	return n, true
}

// Bytes returns Count(shape)·size, and false if that overflows int64 or
// the shape is invalid.
func Bytes(shape []int, size int) (int64, bool) {
	n, ok := Count(shape)
	if !ok || size < 0 || (size > 0 && int64(n) > math.MaxInt64/int64(size)) {
		return 0, false
	}
	return int64(n) * int64(size), true
}

// FormatBytes writes Bytes(shape, size) in decimal, or "too many" when it
// overflows, for messages such as "2000×100 float32 (800000 bytes)".
func FormatBytes(shape []int, size int) string {
	b, ok := Bytes(shape, size)
	if !ok {
		return "too many"
	}
	return strconv.FormatInt(b, 10)
}

// Format writes a shape as "2000×100" ("scalar" for rank 0).
func Format(shape []int) string {
	if len(shape) == 0 {
		return "scalar"
	}
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "×")
}
