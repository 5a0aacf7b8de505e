package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/result"
	"github.com/intdim/intdim/tensorio/npy"
)

// profile --imbalance gives each layer the imbalances 'intdim imbalance'
// gives for the same pairs, against the first layer (input) and the last
// (output), bit for bit, in every format.
func TestProfileImbalanceCommand(t *testing.T) {
	const x, y = "../../testdata/refs/bm_M10a_Cubic.npy", "../../testdata/geometry/bm_M10a_Cubic_Y.npy"
	pair := func(a, b string) result.Imbalance {
		code, out, errs := run("imbalance", a, b, "--format", "json")
		if code != 0 {
			t.Fatalf("imbalance %s %s: exit %d: %s", a, b, code, errs)
		}
		var d result.Imbalance
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	xy, xx := pair(x, y), pair(x, x)
	// Layers x, y, x: input x, output x.
	code, out, errs := run("profile", x, y, x, "--imbalance", "--no-pca", "--format", "json")
	if code != 0 {
		t.Fatalf("profile --imbalance: exit %d: %s", code, errs)
	}
	var p result.Profile
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.ImbalanceInput != "bm_M10a_Cubic" || p.ImbalanceOutput != "bm_M10a_Cubic" {
		t.Errorf("input %q, output %q", p.ImbalanceInput, p.ImbalanceOutput)
	}
	want := [][4]float64{ // to input, from input, to output, from output
		{xx.DeltaAB, xx.DeltaAB, xx.DeltaAB, xx.DeltaAB},
		{xy.DeltaBA, xy.DeltaAB, xy.DeltaBA, xy.DeltaAB},
		{xx.DeltaAB, xx.DeltaAB, xx.DeltaAB, xx.DeltaAB},
	}
	for i, l := range p.Layers {
		got := []*float64{l.DeltaToInput, l.DeltaFromInput, l.DeltaToOutput, l.DeltaFromOutput}
		for j, v := range got {
			if v == nil || *v != want[i][j] {
				t.Errorf("layer %d delta %d: %v, intdim imbalance %g", i, j, v, want[i][j])
			}
		}
	}
	if xx.DeltaAB != 2.0/2000 || xy.DeltaAB <= xx.DeltaAB {
		t.Errorf("Δ(x→x) = %g, Δ(x→y) = %g", xx.DeltaAB, xy.DeltaAB)
	}
	// Without --imbalance: no such fields.
	_, plain, _ := run("profile", x, y, "--no-pca", "--format", "json")
	if strings.Contains(plain, "delta_") || strings.Contains(plain, "imbalance_input") {
		t.Errorf("a profile without --imbalance has its fields:\n%s", plain)
	}
	_, out, _ = run("profile", x, y, "--imbalance", "--overlap", "--no-pca")
	if !strings.Contains(out, "information imbalance (rank 1; input = bm_M10a_Cubic, output = bm_M10a_Cubic_Y") || !strings.Contains(out, "neighbourhood overlap") {
		t.Errorf("profile --imbalance text:\n%s", out)
	}
	_, out, _ = run("profile", x, y, "--imbalance", "--no-pca", "--format", "csv")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], ",delta_to_input,delta_from_input,delta_to_output,delta_from_output") {
		t.Errorf("profile --imbalance csv:\n%s", out)
	}
}

// Layers of different numbers of points: --overlap and --imbalance refuse
// them in one line naming both (exit 2); the plain profile measures them.
func TestProfileSamePoints(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	for _, f := range []struct {
		path string
		n    int
	}{{a, 60}, {b, 50}} {
		v := make([]float64, f.n*3)
		for i := range v {
			v[i] = float64((i*7919)%101) + float64(i%3)*0.5
		}
		fh, err := os.Create(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if err := npy.Write(fh, []int{f.n, 3}, v); err != nil {
			t.Fatal(err)
		}
		fh.Close()
	}
	for _, flag := range []string{"--overlap", "--imbalance"} {
		code, out, errs := run("profile", a, b, flag, "--overlap-k", "5", "--no-pca")
		if code != 2 || out != "" || !strings.Contains(errs, "layer b has 50 points, layer a has 60") || strings.Contains(errs, "layers: 1/2") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", flag, code, out, errs)
		}
	}
	if code, _, errs := run("profile", a, b, "--no-pca"); code != 0 {
		t.Errorf("plain profile: exit %d: %s", code, errs)
	}
	// --onnx takes --imbalance (TestONNXProfileImbalance); its inputs are
	// checked as without it.
	if code, _, errs := run("profile", "--onnx", "m.onnx", "--images", dir, "--imbalance"); code != 2 || strings.Contains(errs, "--imbalance") {
		t.Errorf("--onnx --imbalance: exit %d: %s", code, errs)
	}
}
