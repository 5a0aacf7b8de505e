package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// profile --onnx --imbalance gives every layer the imbalances that profile
// --imbalance gives the same activations saved as files (the rows kept in
// memory instead of read again), and as many as it has layers.
func TestONNXProfileImbalance(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(onnxTestdata, "vgg_tiny.onnx")
	code, out, errs := run("profile", "--onnx", model, "--images", filepath.Join(onnxTestdata, "images"), "--preprocess", "none",
		"--layers", "input,/Relu_3_output_0", "--save-activations", dir, "--imbalance", "--no-pca", "--quiet", "--format", "json")
	if code != 0 {
		t.Fatalf("--onnx --imbalance: exit %d: %s", code, errs)
	}
	var got struct {
		ImbalanceInput  string `json:"imbalance_input"`
		ImbalanceOutput string `json:"imbalance_output"`
		Layers          []struct {
			Name            string   `json:"name"`
			DeltaToInput    *float64 `json:"delta_to_input"`
			DeltaFromInput  *float64 `json:"delta_from_input"`
			DeltaToOutput   *float64 `json:"delta_to_output"`
			DeltaFromOutput *float64 `json:"delta_from_output"`
		} `json:"layers"`
	}
	want := got
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.ImbalanceInput != "input" || got.ImbalanceOutput != "/Relu_3_output_0" || len(got.Layers) != 2 {
		t.Fatalf("%s", out)
	}
	code, out, errs = run("profile", filepath.Join(dir, "00_input.npy"), filepath.Join(dir, "01_Relu_3_output_0.npy"),
		"--imbalance", "--no-pca", "--quiet", "--format", "json")
	if code != 0 {
		t.Fatalf("saved activations: exit %d: %s", code, errs)
	}
	if err := json.Unmarshal([]byte(out), &want); err != nil {
		t.Fatal(err)
	}
	for i, g := range got.Layers {
		w := want.Layers[i]
		for j, p := range [][2]*float64{{g.DeltaToInput, w.DeltaToInput}, {g.DeltaFromInput, w.DeltaFromInput},
			{g.DeltaToOutput, w.DeltaToOutput}, {g.DeltaFromOutput, w.DeltaFromOutput}} {
			if p[0] == nil || p[1] == nil || *p[0] != *p[1] {
				t.Errorf("layer %s: imbalance %d: %v, from the saved files %v", g.Name, j, p[0], p[1])
			}
		}
	}
	// The output layer's imbalance to the input needs ranks beyond the
	// kept lists: 96 images, 30 neighbours.
	if d := got.Layers[1].DeltaToInput; d == nil || *d <= 0 {
		t.Errorf("Δ(output→input) %v", d)
	}
}
