package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// profile --method gride-auto gives each layer the k* summary that
// estimate gives its result ("kstar"): in JSON, text and CSV. Layer 0 is
// DADApy's (testdata/geometry/geometry.json, bm_M12_Norm: final k* mean
// 12.0685, median 10, min 3, max 41); layer 1 equals estimate's.
func TestProfileGRIDEAutoKStar(t *testing.T) {
	const a, b = "../../testdata/refs/bm_M12_Norm.npy", "../../testdata/refs/bm_M7_Roll.npy"
	type kstar struct {
		Mean   float64 `json:"mean"`
		Median float64 `json:"median"`
		Min    int     `json:"min"`
		Max    int     `json:"max"`
	}
	code, out, errs := run("estimate", b, "--method", "gride-auto", "--format", "json")
	if code != 0 {
		t.Fatalf("estimate: exit %d: %s", code, errs)
	}
	var est struct {
		Results []struct {
			KStar *kstar `json:"kstar"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &est); err != nil || est.Results[0].KStar == nil {
		t.Fatalf("estimate: %v %s", err, out)
	}
	want := []kstar{{12.0685, 10, 3, 41}, *est.Results[0].KStar}
	args := []string{"profile", a, b, "--method", "gride-auto", "--no-pca", "--quiet"}
	code, out, errs = run(append(args, "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Layers []struct {
			Name  string `json:"name"`
			KStar *kstar `json:"kstar"`
		} `json:"layers"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Layers) != 2 {
		t.Fatalf("%v %s", err, out)
	}
	for i, l := range doc.Layers {
		if l.KStar == nil || *l.KStar != want[i] {
			t.Errorf("layer %d kstar %+v, want %+v", i, l.KStar, want[i])
		}
	}
	code, out, errs = run(append(args, "--format", "text")...)
	line := fmt.Sprintf("gride-auto: %s: scale k* (final) mean 12.07, median 10, min 3, max 41", doc.Layers[0].Name)
	if code != 0 || !strings.Contains(out, line) {
		t.Errorf("text: exit %d, want %q in:\n%s%s", code, line, out, errs)
	}
	code, out, errs = run(append(args, "--format", "csv")...)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 3 {
		t.Fatalf("csv: exit %d, %v: %s%s", code, err, out, errs)
	}
	col := map[string]int{}
	for j, h := range rows[0] {
		col[h] = j
	}
	for _, h := range []string{"kstar_mean", "kstar_median", "kstar_min", "kstar_max"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("csv: no column %s in %v", h, rows[0])
		}
	}
	if r := rows[1]; r[col["kstar_mean"]] != "12.0685" || r[col["kstar_median"]] != "10" || r[col["kstar_min"]] != "3" || r[col["kstar_max"]] != "41" {
		t.Errorf("csv row %v", r)
	}
	// Other methods gain no k* field or column.
	code, out, _ = run("profile", a, "--no-pca", "--quiet", "--format", "csv")
	if code != 0 || strings.Contains(out, "kstar") {
		t.Errorf("twonn profile: exit %d: %s", code, out)
	}
}
