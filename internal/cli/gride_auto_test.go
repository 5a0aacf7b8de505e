package cli

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// --method gride-auto is DADApy's return_ids_kstar_gride() (testdata/
// geometry/geometry.json, bm_M12_Norm: value 14.439867652899032, final k*
// mean 12.0685, median 10, min 3, max 41) in JSON, text and CSV, and
// refuses bad k* parameters with exit status 2.
func TestEstimateGRIDEAuto(t *testing.T) {
	const x = "../../testdata/refs/bm_M12_Norm.npy"
	const want = 14.439867652899032
	code, out, errs := run("estimate", x, "--method", "gride-auto", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		TwoNN   string `json:"twonn_convention"`
		Results []struct {
			Method string   `json:"method"`
			ID     float64  `json:"id"`
			Err    *float64 `json:"err"`
			KStar  *struct {
				Mean     float64 `json:"mean"`
				Median   float64 `json:"median"`
				Min, Max int
			} `json:"kstar"`
			Iterations []struct {
				ID float64 `json:"id"`
			} `json:"iterations"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	r := doc.Results[0]
	if len(doc.Results) != 1 || r.Method != "gride-auto" || math.Abs(r.ID-want) > 1e-6*want || r.Err == nil || doc.TwoNN != "default" {
		t.Fatalf("%s", out)
	}
	if k := r.KStar; k == nil || k.Mean != 12.0685 || k.Median != 10 || k.Min != 3 || k.Max != 41 {
		t.Errorf("k* %+v, want DADApy's mean 12.0685, median 10, min 3, max 41", k)
	}
	if len(r.Iterations) != 6 || math.Abs(r.Iterations[0].ID-16.477506209633685) > 1e-6*16.5 || r.Iterations[5].ID != r.ID {
		t.Errorf("iterations %+v", r.Iterations)
	}
	code, out, errs = run("estimate", x, "--method", "gride-auto")
	if code != 0 || !strings.Contains(out, "gride-auto: scale k* (final) mean 12.07, median 10, min 3, max 41; steps 16.478 (twonn) → 14.524") {
		t.Errorf("text: exit %d: %s%s", code, out, errs)
	}
	code, out, errs = run("estimate", x, "--method", "gride-auto", "--format", "csv")
	if code != 0 {
		t.Fatalf("csv: exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 7 || rows[0][16] != "iteration" || rows[6][16] != "5" || rows[6][17] != "12.0685" || rows[6][20] != "41" {
		t.Errorf("csv: %v %q", err, out)
	}
	for _, a := range [][]string{{"--kstar-alpha", "0"}, {"--kstar-alpha", "NaN"}, {"--kstar-maxk", "1"}, {"--kstar-iter", "0"}} {
		if code, _, errs := run(append([]string{"estimate", x, "--method", "gride-auto"}, a...)...); code != 2 || !strings.Contains(errs, "need maxk ≥ 2") {
			t.Errorf("%v: exit %d, %q", a, code, errs)
		}
	}
	// Exact duplicates are collapsed first (DADApy fails on them).
	code, out, errs = run("estimate", "../../testdata/refs/dup10_swissroll_D3.npy", "--method", "gride-auto", "--format", "json")
	if code != 0 || !strings.Contains(out, `"duplicates": 200`) {
		t.Errorf("duplicates: exit %d: %s", code, errs)
	}
	if code, _, errs := run("estimate", "../../testdata/refs/dup10_swissroll_D3.npy", "--method", "gride-auto", "--duplicates", "keep"); code == 0 || !strings.Contains(errs, "duplicate") {
		t.Errorf("duplicates kept: exit %d, %q", code, errs)
	}
}

// profile --method gride-auto gives each layer DADApy's value, with and
// without the overlap (which estimates from the one search).
func TestProfileGRIDEAuto(t *testing.T) {
	want := []float64{14.439867652899032, 1.9234173431918316} // geometry.json dadapy.kstar_gride
	for _, extra := range [][]string{nil, {"--overlap"}} {
		args := append([]string{"profile", "../../testdata/refs/bm_M12_Norm.npy", "../../testdata/refs/bm_M7_Roll.npy",
			"--method", "gride-auto", "--no-pca", "--quiet", "--format", "json"}, extra...)
		code, out, errs := run(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, errs)
		}
		var doc struct {
			Method string `json:"method"`
			Layers []struct {
				ID *float64 `json:"id"`
			} `json:"layers"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Method != "gride-auto" || len(doc.Layers) != 2 {
			t.Fatalf("%v: %s", extra, out)
		}
		for i, l := range doc.Layers {
			if l.ID == nil || math.Abs(*l.ID-want[i]) > 1e-6*want[i] {
				t.Errorf("%v: layer %d id %v, want %v", extra, i, l.ID, want[i])
			}
		}
	}
}
