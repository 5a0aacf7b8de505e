package onnx_test

import (
	"fmt"
	"path/filepath"

	"github.com/intdim/intdim/imageset"
	"github.com/intdim/intdim/onnx"
)

// images is an onnx.Source over a folder of images already at the model's
// input size.
type images struct{ files []string }

func (s images) Len() int { return len(s.files) }
func (s images) Load(i int, dst []float32) error {
	return imageset.Load(dst, s.files[i], &imageset.Preprocess{Mode: "none", Mean: &imageset.ImageNetMean, Std: &imageset.ImageNetStd}, 16, 16)
}

// Example collects the layers that Ansuini et al. analysed from one pass
// of 96 images through a small ResNet-style model.
func Example() {
	m, err := onnx.Open(filepath.Join("testdata", "resnet_tiny.onnx"))
	if err != nil {
		panic(err)
	}
	r, err := onnx.NewRunner(m, &onnx.RunnerOptions{Backend: "native"})
	if err != nil {
		panic(err)
	}
	defer r.Close()
	cands, err := m.Layers(r, 16, 16) // every candidate, with its shape
	if err != nil {
		panic(err)
	}
	layers, err := m.Select(cands, "auto")
	if err != nil {
		panic(err)
	}
	files, err := imageset.List(filepath.Join("testdata", "images"))
	if err != nil {
		panic(err)
	}
	rows := make([]int, len(layers))
	err = onnx.Forward(m, r, images{files}, layers, onnx.ForwardOptions{H: 16, W: 16, Batch: 32},
		func(start, n int, acts [][]float32) error {
			for j := range acts {
				rows[j] += len(acts[j]) / layers[j].Dim()
			}
			return nil
		})
	if err != nil {
		panic(err)
	}
	for j, l := range layers {
		fmt.Printf("%-32s depth %d  %v  %d images\n", l.Name, l.Depth, l.Shape, rows[j])
	}
	// Output:
	// input                            depth 0  [3 16 16]  96 images
	// /pool/MaxPool_output_0           depth 1  [8 8 8]  96 images
	// /block1/Relu_1_output_0          depth 3  [8 8 8]  96 images
	// /block2/Relu_1_output_0          depth 5  [16 4 4]  96 images
	// /gap/GlobalAveragePool_output_0  depth 5  [16 1 1]  96 images
	// output                           depth 6  [10]  96 images
}
