package hostile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFigures: plot and report on inputs that are not their JSON.
func TestFigures(t *testing.T) {
	x := Points("x.npy", 50, 3)
	Run(t, []Case{
		{Name: "plot an array file", Args: []string{"plot", "x.npy", "--out", "x.png"}, Setup: x, Exit: 2, Stderr: "intdim plot --fit x.npy"},
		{Name: "report an array file", Args: []string{"report", "x.npy", "--out", "r.html"}, Setup: x, Exit: 2, Stderr: "an array file, not intdim JSON"},
		{Name: "plot bad JSON", Args: []string{"plot", "b.json", "--out", "b.png"}, Setup: File("b.json", []byte(`{"layers": [`)), Exit: 2, Stderr: "b.json"},
		{Name: "plot unknown kind", Args: []string{"plot", "k.json", "--out", "k.png"}, Setup: File("k.json", []byte(`{"kind": "nonsense"}`)), Exit: 2, Stderr: `unknown kind "nonsense"`},
		{Name: "plot empty profile", Args: []string{"plot", "p.json", "--out", "p.png"}, Setup: File("p.json", []byte(`{"layers": []}`)), Exit: 2, Stderr: "no layers"},
		{Name: "plot to gif", Args: []string{"plot", "p.json", "--out", "p.gif"}, Setup: File("p.json", []byte(`{"layers": []}`)), Exit: 2, Stderr: "p.gif"},
		{Name: "plot onto a directory", Args: []string{"plot", "p.json", "--out", "d.png"}, Setup: Setups(File("p.json", []byte(`{"layers": []}`)), Dir("d.png")), Exit: 2, Stderr: "--out d.png: is a directory"},
		{Name: "report onto a directory", Args: []string{"report", "p.json", "--out", "d.html"}, Setup: Setups(File("p.json", []byte(`{"layers": []}`)), Dir("d.html")), Exit: 2, Stderr: "--out d.html: is a directory"},
		{Name: "report not html", Args: []string{"report", "p.json", "--out", "r.txt"}, Setup: File("p.json", []byte(`{"layers": []}`)), Exit: 2, Stderr: "r.txt"},
		{Name: "fit of 2 points", Args: []string{"plot", "--fit", "t.npy", "--out", "f.png"}, Setup: Points("t.npy", 2, 2), Exit: 2, Stderr: "t.npy"},
		{Name: "fit of constant rows", Args: []string{"plot", "--fit", "c.npy", "--out", "f.png"}, Setup: NPY("c.npy", 20, 2, Const(1)), Exit: 2, Stderr: "c.npy"},
	})
}

// Dir returns a Setup making the directory dir/name.
func Dir(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}
