package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/result"
	"github.com/intdim/intdim/tensorio/npy"
)

// intdim local writes the pointwise MLE of every point (scikit-dimension
// 0.3.4's MLE dimension_pw_ on bm_M10a_Cubic: its first values, mean and
// median in testdata/refs/estimators.json) and summarises it.
func TestLocal(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ids.npy")
	code, stdout, errs := run("local", "../../testdata/refs/bm_M10a_Cubic.npy", "--k", "20", "--out", out, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc result.Local
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*b }
	if doc.Kind != result.KindLocal || doc.N != 2000 || doc.K != 20 || !near(doc.Mean, 9.199580605405192) || !near(doc.Median, 8.814513467250833) || doc.Out != out {
		t.Errorf("document %+v", doc)
	}
	h, v, err := npy.ReadFileValues(out)
	if err != nil {
		t.Fatal(err)
	}
	ids := v.Float64()
	if len(h.Shape) != 1 || h.Shape[0] != 2000 || len(ids) != 2000 {
		t.Fatalf("ids.npy: shape %v", h.Shape)
	}
	for i, want := range []float64{7.161306481474103, 18.630980038123816, 10.237181841382386} {
		if !near(ids[i], want) {
			t.Errorf("point %d: %v, scikit-dimension %v", i, ids[i], want)
		}
	}
	if code, _, _ := run("local", "../../testdata/refs/bm_M10a_Cubic.npy", "--k", "1"); code != 2 {
		t.Errorf("--k 1: exit %d, want 2", code)
	}
	if code, _, _ := run("local", "../../testdata/refs/bm_M10a_Cubic.npy", "--method", "gride"); code != 2 {
		t.Errorf("--method gride: exit %d, want 2", code)
	}
	if doc.Global == nil || !near(*doc.Global, 8.71509613601351) || doc.Method != "mle" {
		t.Errorf("global %v (%s), scikit-dimension's MLE 8.71509613601351", fmtOpt(doc.Global), doc.Method)
	}
}

// --method picks the pointwise estimator: scikit-dimension 0.3.4's TLE
// dimension_pw_ on bm_M10a_Cubic (estimators.json skdim.TLE.pw and, the
// mean, skdim.TLE), and its lPCA FO fit_pw.
func TestLocalMethods(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*b }
	for _, c := range []struct {
		method               string
		mean, median, first0 float64
	}{
		{"tle", 9.612109505363474, 9.241956741957766, 8.269186441879627},
		{"lpca-fo", 9.895, 10, 10},
	} {
		out := filepath.Join(t.TempDir(), "ids.npy")
		code, stdout, errs := run("local", "../../testdata/refs/bm_M10a_Cubic.npy", "--method", c.method, "--out", out, "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.method, code, errs)
		}
		var doc result.Local
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Method != c.method || !near(doc.Mean, c.mean) || !near(doc.Median, c.median) || doc.Global == nil || !near(*doc.Global, c.mean) {
			t.Errorf("%s: document %+v", c.method, doc)
		}
		_, v, err := npy.ReadFileValues(out)
		if err != nil {
			t.Fatal(err)
		}
		if ids := v.Float64(); len(ids) != 2000 || !near(ids[0], c.first0) {
			t.Errorf("%s: %d values, first %v; scikit-dimension %v", c.method, len(ids), ids[0], c.first0)
		}
	}
}

func fmtOpt(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}

// TestLocalNonFiniteGlobal: where some points have no finite local ID
// (ESS at a point whose neighbours are all one row), the global value is
// absent (JSON null, CSV empty, text "none"), never 0.
func TestLocalNonFiniteGlobal(t *testing.T) {
	var x []float64
	for i := range 40 {
		x = append(x, math.Sin(float64(i)*1.3), math.Cos(float64(i)*0.7), float64(i%7)*0.1)
	}
	for range 12 {
		x = append(x, 5, 5, 5)
	}
	p := writeFile(t, "x.npy", npyBytes("<f8", []int{52, 3}, f64bytes(x)))
	code, stdout, errs := run("local", p, "--method", "ess", "--k", "5", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc result.Local
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.NNonFinite == 0 {
		t.Fatalf("no non-finite local ID in this construction: %s", stdout)
	}
	if doc.Global != nil || !strings.Contains(stdout, `"global": null`) {
		t.Errorf("global %s with %d non-finite values: %s", fmtOpt(doc.Global), doc.NNonFinite, stdout)
	}
	_, text, _ := run("local", p, "--method", "ess", "--k", "5")
	if !strings.Contains(text, "global none") {
		t.Errorf("text: %s", text)
	}
}

// TestLocalDuplicatesGlobal: under mle a duplicate's local ID is 0 and
// scikit-dimension's 1/mean(1/m) collapses to 0; the document says null
// with n_zero, not a global ID of 0.
func TestLocalDuplicatesGlobal(t *testing.T) {
	var x []float64
	for i := range 40 {
		x = append(x, math.Sin(float64(i)*1.3), math.Cos(float64(i)*0.7), float64(i%7)*0.1)
	}
	x = append(x, x[:3]...) // row 40 repeats row 0
	p := writeFile(t, "x.npy", npyBytes("<f8", []int{41, 3}, f64bytes(x)))
	code, stdout, errs := run("local", p, "--k", "5", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc result.Local
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.NZero != 2 || doc.Global != nil || !(doc.Mean > 0) {
		t.Errorf("n_zero %d (want 2), global %s (want null), mean %g: %s", doc.NZero, fmtOpt(doc.Global), doc.Mean, stdout)
	}
	if _, text, _ := run("local", p, "--k", "5"); !strings.Contains(text, "global none (duplicate neighbours)") {
		t.Errorf("text: %s", text)
	}
}
