package onnx

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/internal/onnxbuild"
)

// TestNativeOps compares the native runner with PyTorch on ops_tiny, a
// network made of the operators the two main test models lack (gomlx
// cannot run it: its simplego backend has no Pad).
func TestNativeOps(t *testing.T) {
	t.Setenv("ONNXRUNTIME_LIB", "") // the default backend without onnxruntime
	m, err := Open(filepath.Join("testdata", "ops_tiny.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name() != "native" {
		t.Fatalf("default backend %s, want native", r.Name())
	}
	cands, err := m.Layers(r, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Select(cands, "output")
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range []int{96, 7} {
		got := forwardAll(t, m, r, out, batch)[0] // checks the progress calls too
		_, ref := readNpy(t, filepath.Join("testdata", "ref_ops_tiny_output.npy"))
		if d := maxRelDiff(got, ref); d > 1e-5 {
			t.Errorf("batch %d: native differs from PyTorch by %.3g", batch, d)
		}
	}
}

// TestAutoWithoutGoMLX: without the gomlx backend, a graph with an
// operator that native lacks (Abs) is refused under the auto backend with
// an error naming the operator and the build tags that add backends.
func TestAutoWithoutGoMLX(t *testing.T) {
	if gomlxBuilt || ortBuilt {
		t.Skip("built with another backend")
	}
	t.Setenv("ONNXRUNTIME_LIB", "")
	m, err := Parse("abs.onnx", absModel().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.NativeSupport(); err == nil || !strings.Contains(err.Error(), "Abs") {
		t.Fatalf("NativeSupport: %v", err)
	}
	_, err = NewRunner(m, nil)
	if err == nil || !strings.Contains(err.Error(), "Abs") || !strings.Contains(err.Error(), "-tags gomlx") {
		t.Fatalf("auto backend: %v", err)
	}
	_, err = NewRunner(m, &RunnerOptions{Backend: "gomlx"})
	if err == nil || !strings.Contains(err.Error(), "-tags gomlx") {
		t.Fatalf("gomlx backend: %v", err)
	}
}

// absModel is a 16×16 RGB model with an operator native lacks: input →
// Abs → GlobalAveragePool → output.
func absModel() *onnxbuild.Model {
	return &onnxbuild.Model{
		Inputs:  []onnxbuild.Value{{Name: "input", Dims: []int64{-1, 3, 16, 16}}},
		Outputs: []onnxbuild.Value{{Name: "output", Dims: []int64{-1, 3, 1, 1}}},
		Nodes: []onnxbuild.Node{
			{Op: "Abs", Name: "abs", In: []string{"input"}, Out: []string{"a"}},
			{Op: "GlobalAveragePool", Name: "gap", In: []string{"a"}, Out: []string{"output"}},
		},
	}
}
