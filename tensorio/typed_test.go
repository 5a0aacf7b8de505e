package tensorio

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/tensorio/npy"
	"github.com/intdim/intdim/tensorio/safetensors"
)

// TestElementTypeKept: float32 arrays stay float32 (mapped for a plain
// little-endian .npy, read otherwise), float16 and bfloat16 widen to
// float32, float64 and integers are float64; Points views the same values.
func TestElementTypeKept(t *testing.T) {
	dir := t.TempDir()
	f32 := []float32{1.5, -2, 3.25, 4, 5, 6}
	writeNPY(t, filepath.Join(dir, "f4.npy"), []int{3, 2}, f32)
	writeNPY(t, filepath.Join(dir, "f8.npy"), []int{3, 2}, []float64{1, 2, 3, 4, 5, 6})
	writeST(t, filepath.Join(dir, "t.safetensors"), safetensors.F32("x", []int{3, 2}, f32))
	for _, c := range []struct {
		file   string
		elem   cloud.Elem
		mapped bool
	}{
		{"f4.npy", cloud.Float32, true},
		{"f8.npy", cloud.Float64, true},
		{"../testdata/i2_be.npy", cloud.Float64, false},
		{"../testdata/f8_be_fortran.npy", cloud.Float64, false},
		{"t.safetensors", cloud.Float32, false},
		{"../testdata/f2.npy", cloud.Float32, false},
		{"../testdata/f4_v2.npy", cloud.Float32, true},
	} {
		path := filepath.Join(dir, c.file)
		if c.file[0] == '.' {
			path = filepath.Join("testdata", filepath.Base(c.file))
		}
		a, err := OpenMatrix(path)
		if err != nil {
			t.Fatal(err)
		}
		if (a.Data32 != nil) != (c.elem == cloud.Float32) || (a.Data != nil) == (c.elem == cloud.Float32) {
			t.Errorf("%s: Data %d values, Data32 %d values", c.file, len(a.Data), len(a.Data32))
		}
		if (a.release != nil) != c.mapped {
			t.Errorf("%s: mapped %v, want %v", c.file, a.release != nil, c.mapped)
		}
		m, err := a.Points()
		if err != nil || m.Elem() != c.elem || m.N() != a.Shape[0] {
			t.Fatalf("%s: Points = %v, %v", c.file, m, err)
		}
		want, err := readAll(path)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Float64(), want) {
			t.Errorf("%s: values %v, want %v", c.file, a.Float64(), want)
		}
		if c.mapped {
			// The map is private: writing changes this copy, not the file.
			if a.Data32 != nil {
				a.Data32[0] = 99
			} else {
				a.Data[0] = 99
			}
			again, _ := readAll(path)
			if again[0] != want[0] {
				t.Errorf("%s: a write reached the file", c.file)
			}
		}
		if err := a.Close(); err != nil {
			t.Errorf("%s: Close: %v", c.file, err)
		}
	}
}

// readAll reads a file's first array as float64 through the npy and
// safetensors packages directly.
func readAll(path string) ([]float64, error) {
	if filepath.Ext(path) == ".safetensors" {
		f, err := safetensors.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return f.Tensors[0].Float64()
	}
	_, x, err := npy.ReadFile(path)
	return x, err
}
