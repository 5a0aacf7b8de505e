package onnx

import (
	"fmt"
	"os"
	"strings"

	"github.com/intdim/intdim/internal/sysmem"
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
// means Backend "auto" and the default memory budget.
type RunnerOptions struct {
	// Backend is "native", "gomlx", "ort" or "auto" (also ""): ort when a
	// library path is given by ORTLib or the environment variable
	// ONNXRUNTIME_LIB and the program was built with the tag ort; otherwise
	// native when it implements every operator of the model, else gomlx
	// when the program was built with the tag gomlx.
	Backend string
	// ORTLib is the path of libonnxruntime.so; "" means ONNXRUNTIME_LIB.
	ORTLib string
	// MaxBytes bounds the memory of the model's weights and the values
	// alive at once in a forward pass of the native backend, and the
	// input batches of Layers and Forward; 0 means DefaultMaxBytes. A
	// graph whose values would need more (a crafted shape, a batch too
	// large) fails with an error naming the node, before allocating.
	MaxBytes int64
}

// ORTAvailable reports whether this program was built with onnxruntime
// support (build tag ort).
const ORTAvailable = ortBuilt

// GoMLXAvailable reports whether this program was built with the gomlx
// backend (build tag gomlx).
const GoMLXAvailable = gomlxBuilt

// DefaultMaxBytes is the default memory budget: half the physical memory,
// or 4 GiB where it is not known.
func DefaultMaxBytes() int64 {
	if m := sysmem.Physical(); m > 0 {
		return m / 2
	}
	return 4 << 30
}

// budgeted is implemented by runners that know their memory budget.
type budgeted interface{ maxBytes() int64 }

// maxBytes returns the memory budget of r.
func maxBytes(r Runner) int64 {
	if b, ok := r.(budgeted); ok {
		return b.maxBytes()
	}
	return DefaultMaxBytes()
}

// NewRunner returns a runner for m.
func NewRunner(m *Model, opt *RunnerOptions) (Runner, error) {
	var o RunnerOptions
	if opt != nil {
		o = *opt
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes()
	}
	lib := o.ORTLib
	if lib == "" {
		lib = os.Getenv("ONNXRUNTIME_LIB")
	}
	if m.InputInt && o.Backend != "" && o.Backend != "auto" && o.Backend != "native" {
		return nil, fmt.Errorf("backend %s: the model's input %q holds int64 token ids, which only the native backend takes", o.Backend, m.Input)
	}
	if len(m.Extra) > 0 && o.Backend != "" && o.Backend != "auto" && o.Backend != "native" {
		return nil, fmt.Errorf("backend %s: the model has %d inputs (%s), which only the native backend takes", o.Backend, len(m.Extra)+1, strings.Join(m.InputNames(), ", "))
	}
	nativeOnly := m.InputInt || len(m.Extra) > 0
	switch o.Backend {
	case "", "auto":
		if lib != "" && ortBuilt && !nativeOnly {
			return newORT(m, lib)
		}
		if o.ORTLib != "" {
			return nil, fmt.Errorf("an onnxruntime library was given but this program was built without onnxruntime support (rebuild with -tags ort)")
		}
		r, err := newNative(m, o.MaxBytes)
		if err == nil || !gomlxBuilt || nativeOnly {
			if err != nil && !ortBuilt {
				err = fmt.Errorf("%v (rebuild with -tags gomlx or -tags ort for other backends)", err)
			}
			return r, err
		}
		return newGoMLX(m)
	case "gomlx":
		return newGoMLX(m)
	case "native":
		return newNative(m, o.MaxBytes)
	case "ort":
		if !ortBuilt {
			return nil, fmt.Errorf("backend ort: this program was built without onnxruntime support (rebuild with -tags ort)")
		}
		if lib == "" {
			return nil, &ORTLibError{}
		}
		return newORT(m, lib)
	}
	return nil, fmt.Errorf("unknown backend %q (want auto, native, gomlx or ort)", o.Backend)
}

// multiRunner is implemented by runners that take models with several
// inputs: xs[i] of shape shapes[i] for input i (Model.InputNames order),
// all with the same batch dimension.
type multiRunner interface {
	RunInputs(xs [][]float32, shapes [][]int, names []string) ([]Tensor, error)
}

// runInputs runs r on the inputs, the first alone when there is one.
func runInputs(m *Model, r Runner, xs [][]float32, shapes [][]int, names []string) ([]Tensor, error) {
	if len(xs) == 1 {
		return r.Run(xs[0], shapes[0], names)
	}
	mr, ok := r.(multiRunner)
	if !ok {
		return nil, fmt.Errorf("%s: backend %s does not take models with several inputs", m.Path, r.Name())
	}
	return mr.RunInputs(xs, shapes, names)
}

func checkInput(x []float32, shape []int) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if len(shape) < 1 || n != len(x) {
		panic(fmt.Sprintf("onnx: input of %d floats for shape %v", len(x), shape))
	}
}

// ORTLibError reports that the ort backend has no onnxruntime library:
// none was named (Lib "": neither RunnerOptions.ORTLib nor ONNXRUNTIME_LIB),
// or the one named cannot be read (Err).
type ORTLibError struct {
	Lib string
	Err error
}

func (e *ORTLibError) Error() string {
	if e.Lib == "" {
		return "backend ort: no onnxruntime library; ONNXRUNTIME_LIB names libonnxruntime.so (e.g. from the npm package onnxruntime-node or an onnxruntime release)"
	}
	return fmt.Sprintf("onnxruntime library: %v (ONNXRUNTIME_LIB names libonnxruntime.so)", e.Err)
}

func (e *ORTLibError) Unwrap() error { return e.Err }
