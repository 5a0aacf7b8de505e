package tensorio

import (
	"math"
	"path/filepath"
	"slices"
	"testing"
)

// ramp mirrors gen.py's ramp: arange(n)·scale + offset in row-major order.
func ramp(n int, scale, offset float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i)*scale + offset
	}
	return v
}

// TestNumpyReference reads the files numpy wrote (testdata/gen.py).
func TestNumpyReference(t *testing.T) {
	boolVals := ramp(6, 1, 0)
	for i := range boolVals {
		boolVals[i] = float64(i % 2)
	}
	cases := []struct {
		file  string
		shape []int
		dtype string
		want  []float64
	}{
		{"f4_c.npy", []int{3, 4}, "float32", ramp(12, 0.25, 0)},
		{"f4_v2.npy", []int{3, 4}, "float32", ramp(12, 0.25, 0)},
		{"f4_v3.npy", []int{3, 4}, "float32", ramp(12, 0.25, 0)},
		{"f8_be_fortran.npy", []int{2, 3, 4}, "float64 big-endian", ramp(24, 1, -5)},
		{"f2.npy", []int{3, 5}, "float16", ramp(15, 0.125, -1)},
		{"f2_special.npy", []int{3, 3}, "float16", []float64{1, 0.5, -2, 65504, math.Ldexp(1, -24), math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.Ldexp(1, -14)}},
		{"i2_be.npy", []int{3, 4}, "int16 big-endian", ramp(12, 1, -6)},
		{"i1.npy", []int{4, 2}, "int8", ramp(8, 1, -4)},
		{"u8.npy", []int{3, 2}, "uint64", ramp(6, 1000, 0)},
		{"u4_be_fortran.npy", []int{3, 2}, "uint32 big-endian", ramp(6, 7, 0)},
		{"bool.npy", []int{3, 2}, "bool", boolVals},
		{"f8_rank1.npy", []int{5}, "float64", ramp(5, 1, 0)},
	}
	for _, c := range cases {
		a, err := Open(filepath.Join("testdata", c.file))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if len(a) != 1 || !slices.Equal(a[0].Shape, c.shape) || a[0].DType != c.dtype {
			t.Errorf("%s: %d arrays, shape %v, dtype %s", c.file, len(a), a[0].Shape, a[0].DType)
			continue
		}
		for i, v := range a[0].Float64() {
			if v != c.want[i] || math.Signbit(v) != math.Signbit(c.want[i]) {
				t.Errorf("%s: [%d] = %g, want %g", c.file, i, v, c.want[i])
				break
			}
		}
	}
	for _, f := range []string{"savez.npz", "savez_compressed.npz"} {
		a, err := Open(filepath.Join("testdata", f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if got := names(a); !slices.Equal(got, []string{"zeta", "alpha", "mid"}) {
			t.Errorf("%s: member order %v", f, got)
			continue
		}
		if !slices.Equal(a[0].Float64(), ramp(6, 1, 0)) || !slices.Equal(a[1].Float64(), ramp(3, 2, 0)) || !slices.Equal(a[2].Float64(), ramp(12, 0.5, 0)) {
			t.Errorf("%s: values %v %v %v", f, a[0].Float64(), a[1].Float64(), a[2].Float64())
		}
		if a[1].DType != "int64" || !slices.Equal(a[2].Shape, []int{3, 2, 2}) {
			t.Errorf("%s: %s %v", f, a[1].DType, a[2].Shape)
		}
	}
	// The whole directory, in natural order.
	all, err := Names("testdata")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"bool", "f2", "f2_special", "f4_c", "f4_v2", "f4_v3", "f8_be_fortran", "f8_rank1", "i1", "i2_be",
		"zeta", "alpha", "mid", "zeta", "alpha", "mid", "u4_be_fortran", "u8"}
	if !slices.Equal(all, want) {
		t.Errorf("testdata names %v", all)
	}
}
