package cli

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// --method binomial is DADApy's compute_id_binomial_k(k=10, r, bayes=False)
// (testdata/geometry/geometry.json, bm_M10a_Cubic), and refuses what it
// cannot measure with exit status 2.
func TestEstimateBinomial(t *testing.T) {
	const x = "../../testdata/refs/bm_M10a_Cubic.npy"
	for _, c := range []struct {
		args    []string
		id, err float64
	}{
		{nil, 9.22881869049589, 0.26317928190392353},
		{[]string{"--binomial-r", "0.8441649996298775"}, 8.891764851918412, 0.08243171097742862},
	} {
		code, out, errs := run(append([]string{"estimate", x, "--method", "binomial", "--format", "json"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errs)
		}
		var doc struct {
			Results []struct {
				Method string   `json:"method"`
				ID     float64  `json:"id"`
				Err    *float64 `json:"err"`
			} `json:"results"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Results) != 1 || doc.Results[0].Method != "binomial" || doc.Results[0].Err == nil ||
			math.Abs(doc.Results[0].ID-c.id) > 1e-6*c.id || math.Abs(*doc.Results[0].Err-c.err) > 1e-6*c.err {
			t.Errorf("%v: %s, want id %v err %v", c.args, out, c.id, c.err)
		}
	}
	if code, _, errs := run("estimate", "../../testdata/refs/bm_M12_Norm.npy", "--method", "binomial"); code != 2 || !strings.Contains(errs, "no point has a neighbour within r·R_k") {
		t.Errorf("empty inner shells: exit %d, %q", code, errs)
	}
	for _, a := range [][]string{{"--binomial-r", "1"}, {"--binomial-r", "NaN"}, {"--binomial-k", "1"}} {
		if code, _, errs := run(append([]string{"estimate", x, "--method", "binomial"}, a...)...); code != 2 || !strings.Contains(errs, "need k ≥ 2 and 0 < r < 1") {
			t.Errorf("%v: exit %d, %q", a, code, errs)
		}
	}
}
