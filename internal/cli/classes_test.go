package cli

import (
	"encoding/json"
	"math"
	"testing"
)

// estimate --labels adds the ID of each class (DADApy's per-class TwoNN on
// bm_M10a_Cubic), their mean and std, beside the usual results.
func TestEstimateClassesJSON(t *testing.T) {
	code, out, errs := run("estimate", "../../testdata/refs/bm_M10a_Cubic.npy",
		"--labels", "../../testdata/geometry/bm_M10a_Cubic_labels.npy", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		NClasses int `json:"n_classes"`
		Results  []struct {
			ID float64 `json:"id"`
		} `json:"results"`
		Classes []struct {
			Label int      `json:"label"`
			N     int      `json:"n"`
			NUsed int      `json:"n_used"`
			ID    *float64 `json:"id"`
		} `json:"classes"`
		Mean *float64 `json:"classes_mean"`
		Std  *float64 `json:"classes_std"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	want := []float64{8.17767377834199, 9.275244275634018, 7.757982143457656, 8.040248653907698, 8.604920370126765}
	if doc.NClasses != 5 || len(doc.Classes) != 5 || len(doc.Results) != 1 || doc.Mean == nil || doc.Std == nil {
		t.Fatalf("document %s", out)
	}
	mean := 0.0
	for i, c := range doc.Classes {
		if c.Label != i || c.N != 400 || c.NUsed != 400 || c.ID == nil || math.Abs(*c.ID-want[i]) > 1e-6*want[i] {
			t.Errorf("class %d: %+v, want ID %v", i, c, want[i])
		}
		mean += want[i] / 5
	}
	if math.Abs(*doc.Mean-mean) > 1e-6 {
		t.Errorf("classes_mean %v, want %v", *doc.Mean, mean)
	}
}
