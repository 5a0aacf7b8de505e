package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/profile"
)

// TestNetworkLayers: the library runs an ONNX model over an image folder
// and hands every selected layer over once, with one row per image, the
// run announced with its size and backend and the progress reaching the
// total; saved activations are written once, one file per layer.
func TestNetworkLayers(t *testing.T) {
	save := filepath.Join(t.TempDir(), "acts")
	var total, last int
	var backend, described string
	o := &ONNX{
		Model: filepath.Join("..", "onnx", "testdata", "vgg_tiny.onnx"), Images: filepath.Join("..", "onnx", "testdata", "images"),
		N: 6, Batch: 4, Layers: "all", SaveActivations: save,
		Begin:    func(n int, b, d string) { total, backend, described = n, b, d },
		Progress: func(done, n int) { last = done },
	}
	o.Pre.Mode, o.Pre.MaxPixels = "none", 1<<20
	nw, err := OpenNetwork(o, false)
	if err != nil {
		t.Fatal(err)
	}
	want := len(nw.Layers)
	nw.Close()
	var got []profile.Layer
	d, err := NetworkLayers(o, func(l profile.Layer) error {
		got = append(got, l)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != want || got[0].Name != "input" {
		t.Fatalf("%d layers (first %q), want %d starting with input", len(got), got[0].Name, want)
	}
	for _, l := range got {
		if l.Points.N() != 6 || l.Depth == nil {
			t.Errorf("layer %s: %d rows, depth %v", l.Name, l.Points.N(), l.Depth)
		}
	}
	if total != 6 || last != 6 || backend != "native" || d != described || !strings.Contains(d, "none") {
		t.Errorf("begin (%d, %q, %q), progress %d, described %q", total, backend, described, last, d)
	}
	files, err := os.ReadDir(save)
	if err != nil || len(files) != want {
		t.Fatalf("%d saved files (%v), want %d", len(files), err, want)
	}
	o.Inputs = "x.npy"
	if _, err := NetworkLayers(o, func(profile.Layer) error { return nil }); err == nil {
		t.Error("images and inputs together were accepted")
	}
}
