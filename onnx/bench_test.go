package onnx

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkForward measures images per second through the test models,
// collecting their auto layers, with every backend available: native,
// gomlx when built with -tags gomlx, and
// ort when built with -tags ort and ONNXRUNTIME_LIB is set. Set
// INTDIM_BENCH_ONNX to a further model (scripts/bench_onnx.sh exports
// torchvision's ResNet-18) and INTDIM_BENCH_BATCH to the batch size
// (default 16).
func BenchmarkForward(b *testing.B) {
	models := []string{filepath.Join("testdata", "vgg_tiny.onnx"), filepath.Join("testdata", "resnet_tiny.onnx")}
	if p := os.Getenv("INTDIM_BENCH_ONNX"); p != "" {
		models = append(models, p)
	}
	batch := 16
	if s := os.Getenv("INTDIM_BENCH_BATCH"); s != "" {
		batch = 0
		for _, c := range s {
			batch = 10*batch + int(c-'0')
		}
	}
	backends := []string{"native"}
	if gomlxBuilt {
		backends = append(backends, "gomlx")
	}
	if ortBuilt && os.Getenv("ONNXRUNTIME_LIB") != "" {
		backends = append(backends, "ort")
	}
	for _, path := range models {
		m, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		h, w := m.InputShape[2], m.InputShape[3]
		if h < 0 || w < 0 {
			h, w = 224, 224
		}
		n := batch
		if m.InputShape[0] > 0 {
			n = m.InputShape[0]
		}
		x := make([]float32, n*3*h*w)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		var names []string
		for _, v := range m.Auto() {
			if v.Name != m.Input {
				names = append(names, v.Name)
			}
		}
		for _, be := range backends {
			name := strings.TrimSuffix(filepath.Base(path), ".onnx") + "/" + be
			b.Run(name, func(b *testing.B) {
				r, err := NewRunner(m, &RunnerOptions{Backend: be})
				if err != nil {
					b.Fatal(err)
				}
				defer r.Close()
				if _, err := r.Run(x, []int{n, 3, h, w}, names); err != nil { // compile, warm up
					b.Fatal(err)
				}
				b.ResetTimer()
				for b.Loop() {
					if _, err := r.Run(x, []int{n, 3, h, w}, names); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "images/s")
			})
		}
	}
}
