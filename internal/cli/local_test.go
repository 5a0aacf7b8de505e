package cli

import (
	"encoding/json"
	"math"
	"path/filepath"
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
}
