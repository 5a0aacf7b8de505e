package zoo

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/nn"
)

func TestOpenBuiltinAndFile(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates networks on the 10,000 test images; run without -short")
	}
	m, err := Open("builtin")
	if err != nil || m.Data != "mnist" || m.Net.NumParams() != 225034 || !(m.TestAccuracy > 0.985) {
		t.Fatalf("builtin: %v, data %q, accuracy %g", err, m.Data, m.TestAccuracy)
	}
	set, err := m.Images("")
	if err != nil || set.N != 10000 {
		t.Fatalf("test images: %v", err)
	}
	// The recorded accuracy is the network's on its test set.
	if acc, _ := m.Net.Evaluate(set.Pixels, set.Labels, set.N); math.Abs(acc-m.TestAccuracy) > 1e-12 {
		t.Errorf("measured %g, recorded %g", acc, m.TestAccuracy)
	}
	off, err := Open("mnist-offset")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := off.Images(""); err != nil || s.Pixels[0] == set.Pixels[0] && s.Pixels[500] == set.Pixels[500] {
		t.Errorf("mnist-offset measured on plain MNIST (%v)", err)
	}
	// Untrained: new weights, no recorded accuracy, chance level.
	m.Untrain(3)
	if !math.IsNaN(m.TestAccuracy) || m.Accuracy(set) > 0.3 {
		t.Errorf("untrained accuracy %g", m.Accuracy(set))
	}
	// A directory written by intdim train, and a file without metadata.
	dir := t.TempDir()
	if err := nn.SaveFile(filepath.Join(dir, "model.safetensors"), off.Net, map[string]string{"data": "mnist-offset", "test_accuracy": "0.5"}); err != nil {
		t.Fatal(err)
	}
	d, err := Open(dir)
	if err != nil || d.Data != "mnist-offset" || d.TestAccuracy != 0.5 {
		t.Errorf("directory: %v, %q, %g", err, d.Data, d.TestAccuracy)
	}
	bare := filepath.Join(dir, "bare.safetensors")
	if err := nn.SaveFile(bare, off.Net, nil); err != nil {
		t.Fatal(err)
	}
	if b, err := Open(bare); err != nil || b.Data != "" || !math.IsNaN(b.TestAccuracy) {
		t.Errorf("bare file: %v, %q, %g", err, b.Data, b.TestAccuracy)
	}
}

func TestOpenRefuses(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.safetensors")
	os.WriteFile(bad, []byte("not a network"), 0o644)
	for _, spec := range []string{"/nonexistent/run", "builtin:cifar", bad} {
		if _, err := Open(spec); err == nil || !strings.Contains(err.Error(), filepath.Base(spec)) {
			t.Errorf("%s: %v", spec, err)
		}
	}
	m, _ := Open("mnist")
	if _, err := m.Images("cifar-test"); err == nil {
		t.Error("unknown test set accepted")
	}
}
