package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/tensorio/npy"
	"github.com/intdim/intdim/tensorio/npz"
)

// TestProfileInputs: profile --onnx with --inputs feeds token arrays to a
// PyTorch-exported transformer encoder; the layers' IDs equal those of the
// activations PyTorch's hooks recorded (scripts/export_encoder.py) to 1e-4.
func TestProfileInputs(t *testing.T) {
	model := filepath.Join(onnxTestdata, "encoder_tiny.onnx")
	in := filepath.Join(onnxTestdata, "ref_encoder_input.npy")
	layers := map[string]string{
		"/encoder/layers.0/norm2/LayerNormalization_output_0": "layer0",
		"/encoder/layers.1/norm2/LayerNormalization_output_0": "layer1",
		"y": "norm",
	}
	names := make([]string, 0, len(layers))
	for name := range layers {
		names = append(names, name)
	}
	// The same input as an .npz member named after the model's input.
	_, x, err := npy.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := npz.NewWriter(&b)
	if err := w.Add("other", []int{2, 2}, []float64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	if err := w.Add("x", []int{120, 4, 16}, x); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	z := filepath.Join(t.TempDir(), "in.npz")
	if err := os.WriteFile(z, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, input := range []string{in, z} {
		var out, errb bytes.Buffer
		code := Main([]string{"profile", "--quiet", "--format", "json", "--onnx", model, "--inputs", input, "--batch", "16",
			"--layers", strings.Join(names, ",")}, &out, &errb)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", input, code, errb.String())
		}
		var doc struct {
			Layers []struct {
				Name string  `json:"name"`
				N    int     `json:"n"`
				ID   float64 `json:"id"`
			} `json:"layers"`
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, l := range doc.Layers {
			ref, ok := layers[l.Name]
			if !ok {
				continue
			}
			seen++
			var eo, ee bytes.Buffer
			if code := Main([]string{"estimate", "--format", "json", filepath.Join(onnxTestdata, "ref_encoder_"+ref+".npy")}, &eo, &ee); code != 0 {
				t.Fatal(ee.String())
			}
			var want struct {
				Results []struct {
					ID float64 `json:"id"`
				} `json:"results"`
			}
			if err := json.Unmarshal(eo.Bytes(), &want); err != nil {
				t.Fatal(err)
			}
			if l.N != 120 || math.Abs(l.ID-want.Results[0].ID) > 1e-4 {
				t.Errorf("%s: %s: n %d, ID %v; PyTorch's activations give %v", input, l.Name, l.N, l.ID, want.Results[0].ID)
			}
		}
		if seen != len(layers) {
			t.Errorf("%s: %d of %d layers in the output", input, seen, len(layers))
		}
	}
	// Refusals: wrong shape, images and inputs together.
	var out, errb bytes.Buffer
	bad := filepath.Join(onnxTestdata, "ref_vgg_tiny_input.npy")
	if code := Main([]string{"profile", "--quiet", "--onnx", model, "--inputs", bad}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "for the input \"x\" of shape") {
		t.Errorf("wrong shape: exit %d, %s", code, errb.String())
	}
	errb.Reset()
	if code := Main([]string{"profile", "--quiet", "--onnx", model, "--inputs", in, "--images", "."}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "give --images or --inputs, not both") {
		t.Errorf("both: exit %d, %s", code, errb.String())
	}
}
