package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/internal/synth"
)

// TestProfileGoesOnAfterAFailedLayer: a constant layer between two good ones
// is in the output with its error, the others are estimated, stderr names
// it in one line and the status is 1.
func TestProfileGoesOnAfterAFailedLayer(t *testing.T) {
	dir := t.TempDir()
	constant := make([]float64, 100*4)
	for name, x := range map[string][]float64{
		"l1.npy": synth.Hypercube(300, 2, 4, 1),
		"l2.npy": constant,
		"l3.npy": synth.Hypercube(300, 3, 4, 2),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), npyBytes("<f8", []int{len(x) / 4, 4}, f64bytes(x)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := run("profile", dir, "--format", "json", "--quiet", "--paper")
	if code != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "1 of 3 layers failed: layer l2: ") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var p struct {
		Kind   string
		TwoNN  string `json:"twonn_convention"`
		Layers []struct {
			Name  string
			ID    *float64
			Error string
			N     int
		}
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.Kind != "profile" || p.TwoNN != "paper" || len(p.Layers) != 3 {
		t.Fatalf("profile %+v", p)
	}
	for i, l := range p.Layers {
		if (l.ID == nil) != (i == 1) || (l.Error != "") != (i == 1) || l.N == 0 {
			t.Errorf("layer %d: %+v", i, l)
		}
	}
	// All good: status 0.
	os.Remove(filepath.Join(dir, "l2.npy"))
	if code, _, errs := run("profile", dir, "--quiet"); code != 0 || errs != "" {
		t.Errorf("good layers: exit %d, %q", code, errs)
	}
}

// TestEstimateDropReported: --duplicates drop reports what it dropped in
// JSON and on stderr.
func TestEstimateDropReported(t *testing.T) {
	x := synth.Hypercube(300, 2, 4, 5)
	x = append(x, x[:40*4]...)
	p := writeFile(t, "dups.npy", npyBytes("<f8", []int{340, 4}, f64bytes(x)))
	code, out, errs := run("estimate", p, "--format", "json", "--duplicates", "drop")
	var m struct {
		NUsed      int `json:"n_used"`
		Duplicates int
		Dropped    int
		Warnings   []string
	}
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if m.NUsed != 260 || m.Dropped != 80 || m.Duplicates != 0 || len(m.Warnings) != 1 || !strings.Contains(errs, "dropped 80 points") {
		t.Errorf("%+v, stderr %q", m, errs)
	}
}
