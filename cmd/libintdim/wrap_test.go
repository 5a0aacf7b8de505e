package main

import (
	"testing"
	"unsafe"
)

// wrap views the caller's memory: the matrix's values are the caller's
// values, not a copy, for float32 and float64.
func TestWrapDoesNotCopy(t *testing.T) {
	x32 := []float32{1, 2, 3, 4, 5, 6}
	m, err := wrap(unsafe.Pointer(&x32[0]), 3, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	if &m.F32()[0] != &x32[0] || m.N() != 3 || m.D() != 2 || m.At(2, 1) != 6 {
		t.Errorf("float32 matrix does not view the buffer")
	}
	x64 := []float64{1, 2, 3, 4}
	m, err = wrap(unsafe.Pointer(&x64[0]), 2, 2, 8)
	if err != nil {
		t.Fatal(err)
	}
	if &m.F64()[0] != &x64[0] || m.At(1, 0) != 3 {
		t.Errorf("float64 matrix does not view the buffer")
	}
}

func TestWrapRefuses(t *testing.T) {
	x := make([]float64, 4)
	for _, c := range []struct {
		p        unsafe.Pointer
		n, d     int64
		elem     int
		refused  bool
		describe string
	}{
		{unsafe.Pointer(&x[0]), -1, 2, 8, true, "negative rows"},
		{unsafe.Pointer(&x[0]), 1 << 40, 1 << 40, 8, true, "overflowing shape"},
		{unsafe.Pointer(&x[0]), 2, 2, 2, true, "element size 2"},
		{nil, 2, 2, 8, true, "nil data"},
		{unsafe.Add(unsafe.Pointer(&x[0]), 1), 1, 1, 8, true, "misaligned"},
		{nil, 0, 5, 4, false, "empty"},
	} {
		_, err := wrap(c.p, c.n, c.d, c.elem)
		if (err != nil) != c.refused {
			t.Errorf("%s: err %v", c.describe, err)
		}
	}
}
