package onnx

import (
	"fmt"
	"strings"
	"sync"

	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// gomlxRunner runs models with onnx-gomlx on GoMLX's pure-Go backend. One
// compiled executable is kept per set of requested values; each caches
// its compilations per batch size.
type gomlxRunner struct {
	m       *Model
	backend backends.Backend
	ctx     *context.Context
	mu      sync.Mutex
	execs   map[string]*context.Exec
}

func newGoMLX(m *Model) (r Runner, err error) {
	err = exceptions.TryCatch[error](func() {
		// Sequential op execution: simplego's parallel executor races
		// (go test -race, gomlx v0.26.0), and CNN graphs gain little from it.
		be, err := simplego.New("ops_sequential")
		if err != nil {
			panic(err)
		}
		ctx := context.New()
		if err := m.g.VariablesToContext(ctx); err != nil {
			panic(err)
		}
		r = &gomlxRunner{m: m, backend: be, ctx: ctx, execs: map[string]*context.Exec{}}
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", m.Path, err)
	}
	return r, nil
}

func (r *gomlxRunner) Name() string { return "gomlx" }

func (r *gomlxRunner) Run(x []float32, shape []int, names []string) (out []Tensor, err error) {
	checkInput(x, shape)
	key := strings.Join(names, "\x00")
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.execs[key]
	if e == nil {
		names := append([]string(nil), names...)
		e, err = context.NewExecAny(r.backend, r.ctx, func(ctx *context.Context, in *graph.Node) []*graph.Node {
			return r.m.g.CallGraph(ctx, in.Graph(), map[string]*graph.Node{r.m.Input: in}, names...)
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", r.m.Path, err)
		}
		r.execs[key] = e
	}
	var res []*tensors.Tensor
	err = exceptions.TryCatch[error](func() {
		var err error
		res, err = e.Exec(tensors.FromFlatDataAndDimensions(x, shape...))
		if err != nil {
			panic(err)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", r.m.Path, firstLine(err.Error()))
	}
	out = make([]Tensor, len(res))
	for i, t := range res {
		out[i].Shape = t.Shape().Dimensions
		if t.DType() == dtypes.Float32 {
			out[i].Float = true
			out[i].Data = make([]float32, t.Size())
			tensors.MustConstFlatData[float32](t, func(f []float32) { copy(out[i].Data, f) })
		}
		t.FinalizeAll()
	}
	return out, nil
}

func (r *gomlxRunner) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.execs {
		e.Finalize()
	}
	r.execs = nil
	r.backend.Finalize()
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
