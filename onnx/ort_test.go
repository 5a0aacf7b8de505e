//go:build ort

package onnx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests need the onnxruntime library: ONNXRUNTIME_LIB must name
// libonnxruntime.so (onnxruntime 1.24, e.g. from the npm package
// onnxruntime-node, bin/napi-v6/linux/x64/libonnxruntime.so.1).

func ortLibrary(t *testing.T) string {
	lib := os.Getenv("ONNXRUNTIME_LIB")
	if lib == "" {
		t.Fatal("tests built with -tags ort need ONNXRUNTIME_LIB set to the path of libonnxruntime.so")
	}
	return lib
}

func TestORTMissingLibrary(t *testing.T) {
	m, err := Open(filepath.Join("testdata", "vgg_tiny.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewRunner(m, &RunnerOptions{Backend: "ort", ORTLib: filepath.Join(t.TempDir(), "libnothing.so")})
	var oe *ORTLibError
	if !errors.As(err, &oe) || !strings.HasSuffix(oe.Lib, "libnothing.so") || !strings.Contains(err.Error(), "libnothing.so") || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing library: %v", err)
	}
}

// TestBackendsAgree runs every candidate layer of both test models with
// both backends and compares them; the auto layers are also compared with
// PyTorch's reference activations.
func TestBackendsAgree(t *testing.T) {
	lib := ortLibrary(t)
	for name, want := range autoLayers {
		m, err := Open(filepath.Join("testdata", name+".onnx"))
		if err != nil {
			t.Fatal(err)
		}
		g, err := NewRunner(m, &RunnerOptions{Backend: "native"})
		if err != nil {
			t.Fatal(err)
		}
		o, err := NewRunner(m, &RunnerOptions{ORTLib: lib})
		if err != nil {
			t.Fatal(err)
		}
		if o.Name() != "ort" {
			t.Fatalf("auto backend with a library is %s, want ort", o.Name())
		}
		lg, err := m.Layers(g, 16, 16)
		if err != nil {
			t.Fatal(err)
		}
		lo, err := m.Layers(o, 16, 16)
		if err != nil {
			t.Fatal(err)
		}
		if len(lg) != len(lo) {
			t.Fatalf("%s: %d candidate layers with native, %d with ort", name, len(lg), len(lo))
		}
		ag, ao := forwardAll(t, m, g, lg, 32), forwardAll(t, m, o, lg, 32)
		sameActs(t, name, lg, ao, ag)
		t.Logf("%s: %d candidate layers compared", name, len(lg))
		for _, w := range want {
			_, ref := readNpy(t, filepath.Join("testdata", "ref_"+name+"_"+w.ref+".npy"))
			for j, l := range lg {
				if l.Name == w.value {
					if d := maxRelDiff(ao[j], ref); d > 1e-4 {
						t.Errorf("%s %s: ort differs from PyTorch by %.3g", name, w.ref, d)
					}
				}
			}
		}
		g.Close()
		o.Close()
	}
}
