package onnx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/intdim/intdim/internal/onnxbuild"
)

// fuzzSeeds are the committed test models, halves of them, and the
// crafted models of the hostile tests.
func fuzzSeeds(f *testing.F) {
	for _, name := range []string{"vgg_tiny.onnx", "resnet_tiny.onnx", "ops_tiny.onnx"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:200])
		f.Add(b[:len(b)/2])
	}
	f.Add(onnxbuild.ConvNet(1, 8, 8).Bytes())
	f.Add(onnxbuild.ConvNet(3, 6, 6).Bytes())
	for _, c := range hostileModels() {
		f.Add(c.model.Bytes())
	}
	f.Add([]byte{})
	f.Add([]byte("\x08\x07\x12\x00"))
}

// FuzzParse: Parse must return a model or an error naming the file, and
// never panic, whatever the bytes.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.onnx", data)
		if err == nil {
			if m.Input == "" || len(m.InputShape) != 4 {
				t.Fatalf("accepted a model without an image input: %+v", m)
			}
			m.Values()
			m.Auto()
		}
	})
}

// FuzzForward: whatever the bytes, a model that parses is loaded by the
// native backend under a 16 MiB budget, its layers listed and one forward
// pass of two tiny images (at most 64 × 64) run, each step ending in a result or an error
// (operators' runtime errors are not recovered here: strictOps), with no
// more memory than the budget.
func FuzzForward(f *testing.F) {
	fuzzSeeds(f)
	strictOps = true
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.onnx", data)
		if err != nil {
			return
		}
		if m.InputShape[0] > 4 || m.InputShape[2] > 64 || m.InputShape[3] > 64 {
			return // tiny inputs only: the fuzzer looks for crashes, not slow runs
		}
		r, err := NewRunner(m, &RunnerOptions{Backend: "native", MaxBytes: 16 << 20})
		if err != nil {
			return
		}
		defer r.Close()
		h, w := m.InputShape[2], m.InputShape[3]
		if h <= 0 {
			h = 8
		}
		if w <= 0 {
			w = 8
		}
		cands, err := m.Layers(r, h, w)
		if err != nil {
			return
		}
		layers, err := m.Select(cands, "all")
		if err != nil {
			return
		}
		src := constSource(2)
		Forward(m, r, src, layers, ForwardOptions{H: h, W: w, Batch: 2}, func(start, n int, acts [][]float32) error {
			for j, a := range acts {
				if len(a) != n*layers[j].Dim() {
					t.Fatalf("layer %s: %d values for %d images of %d", layers[j].Name, len(a), n, layers[j].Dim())
				}
			}
			return nil
		})
	})
}

// constSource is n images of a constant grey.
type constSource int

func (s constSource) Len() int { return int(s) }
func (s constSource) Load(i int, dst []float32) error {
	for k := range dst {
		dst[k] = 0.25
	}
	return nil
}
