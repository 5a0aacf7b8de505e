package shape

import (
	"math"
	"testing"
)

func TestCountAndBytes(t *testing.T) {
	cases := []struct {
		shape []int
		n     int
		ok    bool
	}{
		{nil, 1, true},
		{[]int{2000, 100}, 200000, true},
		{[]int{0, 1 << 40, 1 << 40}, 0, false}, // the nonzero product overflows
		{[]int{0, 1 << 20, 1 << 20}, 0, true},
		{[]int{3, -1}, 0, false},
		{[]int{math.MaxInt, 2}, 0, false},
	}
	for _, c := range cases {
		n, ok := Count(c.shape)
		if n != c.n || ok != c.ok {
			t.Errorf("Count(%v) = %d, %v; want %d, %v", c.shape, n, ok, c.n, c.ok)
		}
	}
	if b, ok := Bytes([]int{2000, 100}, 4); !ok || b != 800000 {
		t.Errorf("Bytes = %d, %v", b, ok)
	}
	if _, ok := Bytes([]int{1 << 61}, 8); ok {
		t.Error("Bytes(2⁶¹ × 8) did not overflow")
	}
	if s := FormatBytes([]int{1 << 61}, 8); s != "too many" {
		t.Errorf("FormatBytes = %q", s)
	}
	if s := Format([]int{2000, 3, 32, 32}); s != "2000×3×32×32" {
		t.Errorf("Format = %q", s)
	}
	if s := Format(nil); s != "scalar" {
		t.Errorf("Format(nil) = %q", s)
	}
}
