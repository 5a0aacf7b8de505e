package pipeline

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/tensorio"
)

// The fixtures are written by PyTorch, the expectations by numpy
// (scripts/make_pt_fixtures.py).
func pt(name string) string { return filepath.Join("..", "tensorio", "testdata", "pt", name) }

func values(m *cloud.Matrix) []float64 {
	if m.F64() != nil {
		return m.F64()
	}
	out := make([]float64, len(m.F32()))
	for i, v := range m.F32() {
		out[i] = float64(v)
	}
	return out
}

// Each --tokens mode of hidden_states.1 ([12, 4, 5], float32) against
// numpy: the same values (the mean, computed by numpy in float64, to
// float32 rounding).
func TestTokensAgainstNumpy(t *testing.T) {
	want, err := tensorio.Open(pt("tokens_expect.npz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		x, release, warn, err := load(pt("hidden.pt")+":hidden_states.1", &Options{Tokens: w.Name})
		if err != nil {
			t.Fatal(err)
		}
		if x.N() != w.Shape[0] || x.D() != w.Shape[1] || x.Elem() != cloud.Float32 {
			t.Errorf("%s: %d×%d %v, want %v float32", w.Name, x.N(), x.D(), x.Elem(), w.Shape)
		}
		if (len(warn) == 1) != (w.Name == "flatten") || (w.Name == "flatten" && !(warn[0].Code == estimate.WarnFlattened && strings.Contains(warn[0].Msg, "rank-3 array 12×4×5 read as 12 points of 4×5 = 20 values"))) {
			t.Errorf("%s: warnings %q", w.Name, warn)
		}
		got, exp := values(x), w.Float64()
		for i := range exp {
			tol := 0.0
			if w.Name == "mean" {
				tol = math.Abs(exp[i]) * 0x1p-24 // one float32 rounding
			}
			if math.Abs(got[i]-exp[i]) > tol {
				t.Fatalf("%s: value %d is %v, numpy %v", w.Name, i, got[i], exp[i])
			}
		}
		release()
	}
	_, _, _, err = load(pt("nested.pt")+":hidden_states.0", &Options{Tokens: "last"})
	var te *TokensError
	if !errors.As(err, &te) || te.Mode != "last" || !slices.Equal(te.Shape, []int{6, 3}) || !strings.Contains(err.Error(), "tokens last needs a rank-3 array [N, T, D], this one is 6×3") {
		t.Errorf("rank 2 with Tokens last: %v", err)
	}
}

// A stack [L, N, T, D] with LayerAxis is the L tensors it was stacked
// from: the same layers, named stack.0 … stack.2, the same IDs.
func TestLayerAxisEqualsSeparateTensors(t *testing.T) {
	for _, mode := range []string{"flatten", "mean"} {
		stack, err := Profile([]string{pt("stack.pt")}, false, &Options{LayerAxis: true, Tokens: mode})
		if err != nil {
			t.Fatal(err)
		}
		sep, err := Profile([]string{pt("hidden.pt")}, false, &Options{Tokens: mode})
		if err != nil {
			t.Fatal(err)
		}
		if len(stack.Layers) != 3 || len(sep.Layers) != 3 {
			t.Fatalf("%d and %d layers", len(stack.Layers), len(sep.Layers))
		}
		for i, l := range stack.Layers {
			s := sep.Layers[i]
			if l.Name != "stack."+string(rune('0'+i)) || s.Name != "hidden_states."+string(rune('0'+i)) || l.Failed() || l.ID != s.ID || *l.PCID != *s.PCID || l.Dim != s.Dim {
				t.Errorf("%s layer %d: %s ID %v dim %d, separate %s ID %v dim %d", mode, i, l.Name, l.ID, l.Dim, s.Name, s.ID, s.Dim)
			}
			flat := slices.ContainsFunc(l.Warnings, func(w estimate.Warning) bool {
				return w.Code == estimate.WarnFlattened && !strings.Contains(w.Msg, "--")
			})
			if flat != (mode == "flatten") {
				t.Errorf("%s layer %d: warnings %q", mode, i, l.Warnings)
			}
		}
	}
	_, err := Profile([]string{pt("nested.pt") + ":hidden_states.0"}, false, &Options{LayerAxis: true})
	var le *LayerAxisError
	if !errors.As(err, &le) || len(le.Shape) != 2 || !strings.Contains(err.Error(), "need an array [L, N, …] of rank ≥ 3") {
		t.Errorf("rank 2 with LayerAxis: %v", err)
	}
}

func TestLabels(t *testing.T) {
	want := []int{0, 1, 2, 1, 0, 2, 2, 1, 0, 3, 3, 1}
	for _, spec := range []string{pt("labels.npy"), pt("labels.pt") + ":labels"} {
		l, err := LoadLabels(spec, 0)
		if err != nil || !slices.Equal(l, want) || Classes(l) != 4 {
			t.Fatalf("%s: %v %v", spec, l, err)
		}
	}
	if _, err := LoadLabels(pt("labels_frac.npy"), 0); err == nil || !strings.Contains(err.Error(), "labels_frac.npy: labels: value 0 is 0.5, not an integer") {
		t.Errorf("fractional labels: %v", err)
	}
	if _, err := LoadLabels(pt("labels.pt"), 0); err == nil || !strings.Contains(err.Error(), "holds 2 arrays") {
		t.Errorf("two arrays: %v", err)
	}
	if _, err := LoadLabels(pt("labels.pt")+":x", 0); err == nil || !strings.Contains(err.Error(), "shape 12×4×5, want one label per point") {
		t.Errorf("a matrix as labels: %v", err)
	}
	short, err := LoadLabels(pt("labels_short.npy"), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Estimate(File(pt("labels.pt")+":x"), &Options{Labels: short, Tokens: "mean"})
	if err == nil || !strings.Contains(err.Error(), "12 points, but 5 labels") {
		t.Errorf("5 labels for 12 points: %v", err)
	}
	if _, err := Estimate(File(pt("labels.pt")+":x"), &Options{Labels: want, Tokens: "mean"}); err != nil {
		t.Errorf("12 labels for 12 points: %v", err)
	}
}
