package onnx

import (
	"fmt"
	"os"
)

// Tensor is one computed value for a batch. Data is nil and Float false
// when the value is not float32.
type Tensor struct {
	Shape []int
	Data  []float32
	Float bool
}

// Runner computes values of a model for batches of images.
type Runner interface {
	// Run evaluates the named values for the images in x, of the given
	// shape (N, C, H, W; float32, row-major), all from one forward pass.
	Run(x []float32, shape []int, names []string) ([]Tensor, error)
	// Name says which backend runs the model ("native", "gomlx" or "ort").
	Name() string
	Close() error
}

// RunnerOptions selects and configures the backend. The zero value
// means Backend "auto".
type RunnerOptions struct {
	// Backend is "native", "gomlx", "ort" or "auto" (also ""): ort when a
	// library path is given by ORTLib or the environment variable
	// ONNXRUNTIME_LIB and the program was built with the tag ort; otherwise
	// native when it implements every operator of the model, else gomlx.
	Backend string
	// ORTLib is the path of libonnxruntime.so; "" means ONNXRUNTIME_LIB.
	ORTLib string
}

// ORTAvailable reports whether this program was built with onnxruntime
// support (build tag ort).
const ORTAvailable = ortBuilt

// NewRunner returns a runner for m.
func NewRunner(m *Model, opt *RunnerOptions) (Runner, error) {
	var o RunnerOptions
	if opt != nil {
		o = *opt
	}
	lib := o.ORTLib
	if lib == "" {
		lib = os.Getenv("ONNXRUNTIME_LIB")
	}
	switch o.Backend {
	case "", "auto":
		if lib != "" && ortBuilt {
			return newORT(m, lib)
		}
		if o.ORTLib != "" {
			return nil, fmt.Errorf("an onnxruntime library was given but this program was built without onnxruntime support (rebuild with -tags ort)")
		}
		if r, err := newNative(m); err == nil {
			return r, nil
		}
		return newGoMLX(m)
	case "gomlx":
		return newGoMLX(m)
	case "native":
		return newNative(m)
	case "ort":
		if !ortBuilt {
			return nil, fmt.Errorf("backend ort: this program was built without onnxruntime support (rebuild with -tags ort)")
		}
		if lib == "" {
			return nil, fmt.Errorf("backend ort: no onnxruntime library; give --ort-lib PATH or set ONNXRUNTIME_LIB to libonnxruntime.so (e.g. from the npm package onnxruntime-node or an onnxruntime release)")
		}
		return newORT(m, lib)
	}
	return nil, fmt.Errorf("unknown backend %q (want auto, native, gomlx or ort)", o.Backend)
}

func checkInput(x []float32, shape []int) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if len(shape) != 4 || n != len(x) {
		panic(fmt.Sprintf("onnx: input of %d floats for shape %v", len(x), shape))
	}
}
