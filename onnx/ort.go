//go:build ort

package onnx

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

const ortBuilt = true

// The onnxruntime environment is process-wide and can be set up once.
var (
	ortMu   sync.Mutex
	ortLib  string
	ortInit error
)

func initORT(lib string) error {
	if st, err := os.Stat(lib); err != nil {
		return &ORTLibError{Lib: lib, Err: err}
	} else if st.IsDir() {
		return fmt.Errorf("onnxruntime library %s is a directory; give the path of libonnxruntime.so", lib)
	}
	ortMu.Lock()
	defer ortMu.Unlock()
	if ortLib != "" {
		if lib != ortLib {
			return fmt.Errorf("onnxruntime already loaded from %s, cannot load %s", ortLib, lib)
		}
		return ortInit
	}
	ortLib = lib
	ort.SetSharedLibraryPath(lib)
	if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
		ortInit = fmt.Errorf("onnxruntime library %s: %v", lib, firstLine(err.Error()))
	}
	return ortInit
}

// ortRunner runs models with onnxruntime; the values asked for are added
// to the graph outputs, one session per set of values.
type ortRunner struct {
	m        *Model
	mu       sync.Mutex
	sessions map[string]*ort.DynamicAdvancedSession
}

func newORT(m *Model, lib string) (Runner, error) {
	if err := initORT(lib); err != nil {
		return nil, err
	}
	return &ortRunner{m: m, sessions: map[string]*ort.DynamicAdvancedSession{}}, nil
}

func (r *ortRunner) Name() string { return "ort" }

func (r *ortRunner) Run(x []float32, shape []int, names []string) ([]Tensor, error) {
	checkInput(x, shape)
	key := strings.Join(names, "\x00")
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sessions[key]
	if s == nil {
		data, err := r.m.withOutputs(names)
		if err != nil {
			return nil, err
		}
		opts, err := ort.NewSessionOptions()
		if err != nil {
			return nil, err
		}
		// As many threads as Go uses (GOMAXPROCS follows CPU quotas).
		opts.SetIntraOpNumThreads(runtime.GOMAXPROCS(0))
		opts.SetInterOpNumThreads(1)
		s, err = ort.NewDynamicAdvancedSessionWithONNXData(data, []string{r.m.Input}, names, opts)
		opts.Destroy()
		if err != nil {
			return nil, fmt.Errorf("%s: onnxruntime: %v", r.m.Path, firstLine(err.Error()))
		}
		r.sessions[key] = s
	}
	in, err := ort.NewTensor(ort.NewShape(int64(shape[0]), int64(shape[1]), int64(shape[2]), int64(shape[3])), x)
	if err != nil {
		return nil, err
	}
	defer in.Destroy()
	outs := make([]ort.Value, len(names))
	defer func() {
		for _, o := range outs {
			if o != nil {
				o.Destroy()
			}
		}
	}()
	if err := s.Run([]ort.Value{in}, outs); err != nil {
		return nil, fmt.Errorf("%s: onnxruntime: %v", r.m.Path, firstLine(err.Error()))
	}
	res := make([]Tensor, len(names))
	for i, o := range outs {
		sh := o.GetShape()
		res[i].Shape = make([]int, len(sh))
		for k, d := range sh {
			res[i].Shape[k] = int(d)
		}
		if t, ok := o.(*ort.Tensor[float32]); ok {
			res[i].Float = true
			res[i].Data = append([]float32(nil), t.GetData()...)
		}
	}
	return res, nil
}

func (r *ortRunner) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.sessions {
		s.Destroy()
	}
	r.sessions = nil
	return nil
}
