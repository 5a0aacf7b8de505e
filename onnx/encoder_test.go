package onnx

import (
	"math"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
)

// arraySource feeds rows of a float array to Forward.
type arraySource struct {
	x   []float64
	dim int
}

func (s arraySource) Len() int { return len(s.x) / s.dim }
func (s arraySource) Load(i int, dst []float32) error {
	for j := range dst {
		dst[j] = float32(s.x[i*s.dim+j])
	}
	return nil
}

// TestEncoder: a PyTorch nn.TransformerEncoder (2 layers, d = 16, GELU,
// LayerNorm; scripts/export_encoder.py) runs natively on token inputs; its
// layer outputs equal those PyTorch's forward hooks saw to 1e-4, and so do
// their TwoNN IDs.
func TestEncoder(t *testing.T) {
	m, err := Open("testdata/encoder_tiny.onnx")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.CheckImages(); err == nil {
		t.Fatal("CheckImages accepts token inputs")
	}
	r, err := NewRunner(m, &RunnerOptions{Backend: "native"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	shape, x := readNpy(t, "testdata/ref_encoder_input.npy")
	n, sample := shape[0], shape[1:]
	all, err := m.LayersFor(r, sample)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Layer{}
	for _, l := range all {
		byName[l.Name] = l
	}
	refs := map[string]string{
		"/encoder/layers.0/norm2/LayerNormalization_output_0": "layer0",
		"/encoder/layers.1/norm2/LayerNormalization_output_0": "layer1",
		"y": "norm",
	}
	var layers []Layer
	var files []string
	for name, ref := range refs {
		l, ok := byName[name]
		if !ok {
			t.Fatalf("no layer %q among %d", name, len(all))
		}
		layers, files = append(layers, l), append(files, ref)
	}
	got := make([][]float64, len(layers))
	err = Forward(m, r, arraySource{x, numel(sample)}, layers, ForwardOptions{Sample: sample, Batch: 7}, func(start, k int, acts [][]float32) error {
		for j, a := range acts {
			for _, v := range a {
				got[j] = append(got[j], float64(v))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for j, ref := range files {
		rs, want := readNpy(t, "testdata/ref_encoder_"+ref+".npy")
		if rs[0] != n || len(got[j]) != len(want) {
			t.Fatalf("%s: %d values, want %d", ref, len(got[j]), len(want))
		}
		worst := 0.0
		for i := range want {
			worst = max(worst, math.Abs(got[j][i]-want[i]))
		}
		if worst > 1e-4 {
			t.Errorf("%s: largest difference from PyTorch %g", ref, worst)
		}
		d := len(want) / n
		idOf := func(v []float64) float64 {
			rep, err := estimate.Points(cloud.Must64(v, n, d), nil)
			if err != nil {
				t.Fatal(err)
			}
			return rep.Results[0].ID
		}
		if a, b := idOf(got[j]), idOf(want); math.Abs(a-b) > 1e-4 {
			t.Errorf("%s: ID %v natively, %v from PyTorch's hooks", ref, a, b)
		} else {
			t.Logf("%s: ID %.6f (PyTorch %.6f)", ref, a, b)
		}
	}
}
