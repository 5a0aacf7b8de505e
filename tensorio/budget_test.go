package tensorio

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/tensorio/npz"
)

// TestOpenWithBudget checks that Options.MaxBytes reaches the .npz reader:
// a deflated member of zeros that expands beyond it is refused with the
// file and member named, in a directory too, and read within it.
func TestOpenWithBudget(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	w := npz.NewWriter(&buf)
	w.Deflate = true
	if err := w.Add("zeros", []int{1000, 1000}, make([]float32, 1e6)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	p := filepath.Join(dir, "bomb.npz")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want := p + `: member "zeros": 1000×1000 float32 expands to 3.81 MiB in memory, more than the budget of 1 MiB`
	for _, spec := range []string{p, p + ":zeros", dir} {
		if _, err := OpenWith(spec, Options{MaxBytes: 1 << 20}); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("OpenWith(%s): %v\n\twant %s…", spec, err, want)
		}
	}
	if _, err := OpenMatrixWith(p, Options{MaxBytes: 1 << 20}); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("OpenMatrixWith: %v", err)
	}
	a, err := OpenMatrixWith(p, Options{MaxBytes: 8 << 20})
	if err != nil || a.Len() != 1e6 {
		t.Errorf("within the budget: %v", err)
	}
	// The budget holds for a directory's archives together.
	if err := os.WriteFile(filepath.Join(dir, "bomb2.npz"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want = filepath.Join(dir, "bomb2.npz") + `: member "zeros": 1000×1000 float32 expands to 3.81 MiB in memory, more than the 2.19 MiB left of the budget of 6 MiB`
	if _, err := OpenWith(dir, Options{MaxBytes: 6 << 20}); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("two archives: %v\n\twant %s…", err, want)
	}
	if as, err := OpenWith(dir, Options{MaxBytes: 8 << 20}); err != nil || len(as) != 2 {
		t.Errorf("two archives within the budget: %v", err)
	}
}
