package onnx

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/intdim/intdim/imageset"
)

// folder is a Source over the committed test images, preprocessed as by
// scripts/export_onnx.py (scaled, normalised with the ImageNet statistics).
type folder struct {
	files []string
	pre   *imageset.Preprocess
}

func (f folder) Len() int { return len(f.files) }
func (f folder) Load(i int, dst []float32) error {
	return imageset.Load(dst, f.files[i], f.pre, 16, 16)
}

func testImages(t *testing.T) folder {
	t.Helper()
	files, err := imageset.List(filepath.Join("testdata", "images"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 96 {
		t.Fatalf("%d test images, want 96", len(files))
	}
	return folder{files: files, pre: &imageset.Preprocess{Mode: "none", Mean: &imageset.ImageNetMean, Std: &imageset.ImageNetStd}}
}

// autoLayers are the layers that Auto must pick, with the name of their
// reference activations and their depth (Conv/Gemm/MatMul on the way).
var autoLayers = map[string][]struct {
	value, ref string
	depth      int
}{
	"resnet_tiny": {
		{"input", "input", 0},
		{"/pool/MaxPool_output_0", "pool", 1},
		{"/block1/Relu_1_output_0", "block1", 3},
		{"/block2/Relu_1_output_0", "block2", 5},
		{"/gap/GlobalAveragePool_output_0", "gap", 5},
		{"output", "output", 6},
	},
	"vgg_tiny": {
		{"input", "input", 0},
		{"/p1/MaxPool_output_0", "pool1", 2},
		{"/p2/AveragePool_output_0", "pool2", 3},
		{"/Relu_3_output_0", "fc1", 4},
		{"output", "output", 5},
	},
}

func TestAuto(t *testing.T) {
	for name, want := range autoLayers {
		m, err := Open(filepath.Join("testdata", name+".onnx"))
		if err != nil {
			t.Fatal(err)
		}
		var got, exp []string
		for _, v := range m.Auto() {
			got = append(got, fmt.Sprintf("%s@%d", v.Name, v.Depth))
		}
		for _, w := range want {
			exp = append(exp, fmt.Sprintf("%s@%d", w.value, w.depth))
		}
		if !slices.Equal(got, exp) {
			t.Errorf("%s: Auto = %q\nwant %q", name, got, exp)
		}
	}
}

// collect runs the auto layers of a test model over the test images.
func collect(t *testing.T, name string, r func(*Model) (Runner, error), batch int) (*Model, []Layer, [][]float32) {
	t.Helper()
	m, err := Open(filepath.Join("testdata", name+".onnx"))
	if err != nil {
		t.Fatal(err)
	}
	run, err := r(m)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	cands, err := m.Layers(run, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := m.Select(cands, "auto")
	if err != nil {
		t.Fatal(err)
	}
	src := testImages(t)
	acts := make([][]float32, len(layers))
	err = Forward(m, run, src, layers, ForwardOptions{H: 16, W: 16, Batch: batch}, func(start, n int, a [][]float32) error {
		for j := range a {
			if len(acts[j]) != start*layers[j].Dim() {
				return fmt.Errorf("batch out of order")
			}
			acts[j] = append(acts[j], a[j]...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m, layers, acts
}

// TestActivations compares every auto layer of both test models with the
// activations PyTorch computed (scripts/export_onnx.py), batch 40 so that
// the last batch is partial.
func TestActivations(t *testing.T) {
	for _, backend := range testBackends() {
		for name, want := range autoLayers {
			testActivations(t, backend, name, want)
		}
	}
}

// testBackends are the backends of this build that run the test models
// without a library: native, and gomlx with the tag gomlx.
func testBackends() []string {
	if gomlxBuilt {
		return []string{"native", "gomlx"}
	}
	return []string{"native"}
}

func testActivations(t *testing.T, backend, name string, want []struct {
	value, ref string
	depth      int
}) {
	{
		_, layers, acts := collect(t, name, func(m *Model) (Runner, error) {
			return NewRunner(m, &RunnerOptions{Backend: backend})
		}, 40)
		if len(layers) != len(want) {
			t.Fatalf("%s: %d layers, want %d", name, len(layers), len(want))
		}
		for j, w := range want {
			shape, ref := readNpy(t, filepath.Join("testdata", "ref_"+name+"_"+w.ref+".npy"))
			if shape[0] != 96 || shape[1] != layers[j].Dim() {
				t.Fatalf("%s %s: reference shape %v, layer dim %d", name, w.ref, shape, layers[j].Dim())
			}
			d := maxRelDiff(acts[j], ref)
			t.Logf("%s %s %-7s dim %5d: max relative difference %.2g", backend, name, w.ref, layers[j].Dim(), d)
			if d > 1e-4 {
				t.Errorf("%s %s %s: activations differ from PyTorch by %.3g (relative to the largest)", backend, name, w.ref, d)
			}
		}
	}
}

// maxRelDiff is max |a−b| / max |b|.
func maxRelDiff(a []float32, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d, s float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-b[i]))
		s = max(s, math.Abs(b[i]))
	}
	return d / s
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.onnx")
	os.WriteFile(junk, []byte("this is not a protocol buffer \xff\xff\xff"), 0o644)
	empty := filepath.Join(dir, "empty.onnx")
	os.WriteFile(empty, nil, 0o644)
	for _, p := range []string{junk, empty, filepath.Join(dir, "missing.onnx")} {
		_, err := Open(p)
		if err == nil || !strings.Contains(err.Error(), filepath.Base(p)) {
			t.Errorf("Open(%s): %v", p, err)
		}
	}
	m, err := Open(filepath.Join("testdata", "vgg_tiny.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	cands := []Layer{{Value: Value{Name: "input"}}}
	if _, err := m.Select(cands, "input,nosuch"); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown layer: %v", err)
	}
}

// TestFixedBatch runs vgg_tiny exported with a batch size of 5: Forward
// uses batches of 5 whatever is asked, pads the last one (96 = 19·5 + 1)
// and drops the padding rows.
func TestFixedBatch(t *testing.T) {
	m, err := Open(filepath.Join("testdata", "vgg_tiny_b5.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if m.InputShape[0] != 5 {
		t.Fatalf("input shape %v", m.InputShape)
	}
	for _, backend := range testBackends() {
		r, err := NewRunner(m, &RunnerOptions{Backend: backend})
		if err != nil {
			t.Fatal(err)
		}
		cands, err := m.Layers(r, 16, 16)
		if err != nil {
			t.Fatal(err)
		}
		layers, err := m.Select(cands, "output,/p1/MaxPool_output_0")
		if err != nil {
			t.Fatal(err)
		}
		var out, pool []float32
		batches := 0
		err = Forward(m, r, testImages(t), layers, ForwardOptions{H: 16, W: 16, Batch: 32}, func(start, n int, a [][]float32) error {
			batches++
			out = append(out, a[0]...)
			pool = append(pool, a[1]...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if batches != 20 {
			t.Errorf("%s: %d batches, want 20", backend, batches)
		}
		_, ref := readNpy(t, filepath.Join("testdata", "ref_vgg_tiny_output.npy"))
		_, refPool := readNpy(t, filepath.Join("testdata", "ref_vgg_tiny_pool1.npy"))
		if d := maxRelDiff(out, ref); d > 1e-5 {
			t.Errorf("%s: output differs from PyTorch by %.3g", backend, d)
		}
		if d := maxRelDiff(pool, refPool); d > 1e-5 {
			t.Errorf("%s: pool1 differs from PyTorch by %.3g", backend, d)
		}
		r.Close()
	}
}

// forwardAll runs the test images through r and returns every layer's
// activations, images concatenated. It checks that the progress callback
// is called after each batch with the images done so far.
func forwardAll(t *testing.T, m *Model, r Runner, layers []Layer, batch int) [][]float32 {
	t.Helper()
	acts := make([][]float32, len(layers))
	src := testImages(t)
	var calls [][2]int
	progress := func(done, total int) { calls = append(calls, [2]int{done, total}) }
	ends := 0
	err := Forward(m, r, src, layers, ForwardOptions{H: 16, W: 16, Batch: batch, Progress: progress}, func(start, n int, a [][]float32) error {
		for j := range a {
			acts[j] = append(acts[j], a[j]...)
		}
		if len(calls) != ends {
			t.Errorf("progress called %d times before batch %d ends", len(calls), ends)
		}
		ends++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != ends || len(calls) == 0 || calls[len(calls)-1] != [2]int{src.Len(), src.Len()} {
		t.Errorf("progress calls %v for %d batches of %d images", calls, ends, src.Len())
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] <= calls[i-1][0] || calls[i][1] != src.Len() {
			t.Errorf("progress calls %v: not increasing", calls)
			break
		}
	}
	return acts
}
