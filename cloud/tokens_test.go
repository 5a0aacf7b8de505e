package cloud

import (
	"slices"
	"testing"
)

// Two sequences of three tokens of two values: x[i][t] = (10i + t, −(10i + t)).
func TestTokens(t *testing.T) {
	var x []float64
	for i := range 2 {
		for tok := range 3 {
			v := float64(10*i + tok)
			x = append(x, v, -v)
		}
	}
	m := Must64(x, 2, 6)
	want := map[string]struct {
		n    int
		vals []float64
	}{
		"flatten": {2, x},
		"first":   {2, []float64{0, 0, 10, -10}},
		"last":    {2, []float64{2, -2, 12, -12}},
		"mean":    {2, []float64{1, -1, 11, -11}},
		"all":     {6, x},
	}
	for mode, w := range want {
		for _, elem := range []Elem{Float64, Float32} {
			in := m
			if elem == Float32 {
				in = Must32(f32(x), 2, 6)
			}
			got, err := Tokens(in, 3, mode)
			if err != nil {
				t.Fatal(err)
			}
			if got.N() != w.n || got.N()*got.D() != len(w.vals) || got.Elem() != elem {
				t.Fatalf("%s %v: %d×%d %v", mode, elem, got.N(), got.D(), got.Elem())
			}
			vals := got.F64()
			if elem == Float32 {
				vals = nil
				for _, v := range got.F32() {
					vals = append(vals, float64(v))
				}
			}
			if !slices.Equal(vals, w.vals) {
				t.Errorf("%s %v: %v, want %v", mode, elem, vals, w.vals)
			}
		}
	}
	if _, err := Tokens(m, 4, "first"); err == nil {
		t.Error("4 tokens of rows of 6 values accepted")
	}
	if _, err := Tokens(m, 3, "middle"); err == nil {
		t.Error("unknown mode accepted")
	}
}

func f32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}
