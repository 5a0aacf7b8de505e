package onnx

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

func ft(shape []int, v ...float32) *ntensor { return &ntensor{shape: shape, f: v} }
func it(shape []int, v ...int64) *ntensor   { return &ntensor{shape: shape, i: v, isInt: true} }

func op(name string, attrs map[string]attr) *nnode {
	if attrs == nil {
		attrs = map[string]attr{}
	}
	return &nnode{node: node{op: name, name: "t"}, attrs: attrs}
}

func ints(v ...int64) attr { return attr{ints: v, set: true} }
func one(v int64) attr     { return attr{i: v, set: true} }

func same(t *testing.T, what string, got *ntensor, shape []int, want []float32) {
	t.Helper()
	if !slices.Equal(got.shape, shape) {
		t.Errorf("%s: shape %v, want %v", what, got.shape, shape)
		return
	}
	for i := range want {
		if d := got.f[i] - want[i]; d > 1e-6 || d < -1e-6 {
			t.Errorf("%s: %v, want %v", what, got.f, want)
			return
		}
	}
}

// TestNativeOpsUnit checks operator details that the test models do not
// reach, against values worked out by hand from the ONNX specification.
func TestNativeOpsUnit(t *testing.T) {
	x := ft([]int{1, 1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	// Average pooling 2×2, stride 1, padding 1: the corner window holds one
	// value; with count_include_pad it is divided by 4.
	avg := func(incl int64) *ntensor {
		return pool(op("AveragePool", map[string]attr{"kernel_shape": ints(2, 2), "pads": ints(1, 1, 1, 1), "count_include_pad": one(incl)}), x)
	}
	a0, a1 := avg(0), avg(1)
	same(t, "avgpool", a0, []int{1, 1, 4, 4}, []float32{1, 1.5, 2.5, 3, 2.5, 3})
	same(t, "avgpool include pad", a1, []int{1, 1, 4, 4}, []float32{0.25, 0.75, 1.25, 0.75, 1.25, 3})
	// Max pooling 2×2 stride 2 in ceil mode: 3 → 2 windows, the last partial.
	mp := pool(op("MaxPool", map[string]attr{"kernel_shape": ints(2, 2), "strides": ints(2, 2), "ceil_mode": one(1)}), x)
	same(t, "maxpool ceil", mp, []int{1, 1, 2, 2}, []float32{5, 6, 8, 9})

	r := &nativeRunner{threads: 2}
	// Gemm with transA, alpha, beta and a row-broadcast C.
	A := ft([]int{2, 2}, 1, 2, 3, 4) // Aᵀ = [[1 3] [2 4]]
	B := ft([]int{2, 2}, 1, 0, 0, 1)
	C := ft([]int{2}, 10, 20)
	g := r.gemm(op("Gemm", map[string]attr{"transA": one(1), "alpha": {f: 2, set: true}, "beta": {f: 0.5, set: true}}), A, B, C)
	same(t, "gemm", g, []int{2, 2}, []float32{2 + 5, 6 + 10, 4 + 5, 8 + 10})
	// A 1×1 convolution with two groups and a bias.
	cx := ft([]int{1, 2, 1, 2}, 1, 2, 3, 4)
	cw := ft([]int{2, 1, 1, 1}, 10, 100)
	cv := r.conv(op("Conv", map[string]attr{"group": one(2)}), cx, cw, ft([]int{2}, 1, 2))
	same(t, "grouped conv", cv, []int{1, 2, 1, 2}, []float32{11, 21, 302, 402})

	// Broadcasting [2,1,3] with [4,1].
	e := elementwise(op("Add", nil), ft([]int{2, 1, 3}, 0, 1, 2, 10, 11, 12), ft([]int{4, 1}, 100, 200, 300, 400),
		func(a, b float32) float32 { return a + b })
	if !slices.Equal(e.shape, []int{2, 4, 3}) || e.f[0] != 100 || e.f[5] != 202 || e.f[23] != 412 {
		t.Errorf("broadcast: %v %v", e.shape, e.f)
	}
	// Reshape with 0 (copy) and −1 (infer).
	rs := reshape(op("Reshape", nil), ft([]int{2, 3, 4}, make([]float32, 24)...), it([]int{2}, 0, -1))
	if !slices.Equal(rs.shape, []int{2, 12}) {
		t.Errorf("reshape: %v", rs.shape)
	}
	// Transpose with the default (reversed) axes.
	tr := transposeOp(op("Transpose", nil), ft([]int{2, 3}, 1, 2, 3, 4, 5, 6))
	same(t, "transpose", tr, []int{3, 2}, []float32{1, 4, 2, 5, 3, 6})
	// Slice with a negative step reverses.
	sl := slice(op("Slice", nil), it([]int{4}, 1, 2, 3, 4), it([]int{1}, -1), it([]int{1}, -5), it([]int{1}, 0), it([]int{1}, -1))
	if !slices.Equal(sl.i, []int64{4, 3, 2, 1}) {
		t.Errorf("reverse slice: %v", sl.i)
	}
	// Squeeze without axes drops every 1.
	sq := squeeze(op("Squeeze", nil), ft([]int{1, 3, 1}, 1, 2, 3), nil)
	if !slices.Equal(sq.shape, []int{3}) {
		t.Errorf("squeeze: %v", sq.shape)
	}
	// Malformed graphs fail with an error naming the node, not a crash.
	func() {
		defer func() {
			p := recover()
			e, ok := p.(opError)
			if !ok || e.err == nil {
				t.Errorf("mismatched Gemm: recovered %v", p)
			}
			if s := fmt.Sprint(e.err); s != "node t (Gemm): operands [2 2] and [3 1] do not fit" {
				t.Errorf("message %q", s)
			}
		}()
		r.gemm(op("Gemm", nil), A, ft([]int{3, 1}, 1, 2, 3), nil)
	}()
}

// TestExpand checks Expand against numpy's broadcasting worked out by
// hand: a column against a 3-d shape, a 1 in the shape keeping x's
// dimension, and integer values.
func TestExpand(t *testing.T) {
	x := ft([]int{3, 1}, 1, 2, 3)
	got := expand(op("Expand", nil), x, it([]int{3}, 2, 1, 2))
	same(t, "expand column", got, []int{2, 3, 2}, []float32{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3})
	y := ft([]int{2, 2}, 1, 2, 3, 4)
	same(t, "expand keeps", expand(op("Expand", nil), y, it([]int{2}, 1, 2)), []int{2, 2}, []float32{1, 2, 3, 4})
	z := expand(op("Expand", nil), it([]int{1, 2}, 7, -8), it([]int{2}, 3, 1))
	if !z.isInt || !slices.Equal(z.shape, []int{3, 2}) || !slices.Equal(z.i, []int64{7, -8, 7, -8, 7, -8}) {
		t.Errorf("expand int: %v %v", z.shape, z.i)
	}
	for _, bad := range []*ntensor{it([]int{2}, 2, 3), it([]int{1}, -1), ft([]int{1}, 2)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("expand to %v %v: no error", bad.i, bad.f)
				}
			}()
			expand(op("Expand", nil), x, bad)
		}()
	}
}

// TestOpsDocumented: every operator of the native backend is named in the
// package documentation and in the README's list of covered operators.
func TestOpsDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(readme, []byte("PyTorch exports them: Conv"))
	if i < 0 {
		t.Fatal("README: no list of the native operators")
	}
	list := string(readme[i:min(len(readme), i+1500)])
	for op := range nativeOps {
		word := regexp.MustCompile(`\b` + op + `\b`)
		if !word.MatchString(string(doc)) {
			t.Errorf("doc.go does not name %s", op)
		}
		if !word.MatchString(list) {
			t.Errorf("README does not name %s among the native operators", op)
		}
	}
}
