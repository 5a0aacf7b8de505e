//go:build gomlx

package onnx

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	gonnx "github.com/gomlx/onnx-gomlx/onnx"
	"google.golang.org/protobuf/proto"
)

const gomlxBuilt = true

// gomlxRunner runs models with onnx-gomlx on GoMLX's pure-Go backend. One
// compiled executable is kept per set of requested values; each caches
// its compilations per batch size.
type gomlxRunner struct {
	m       *Model
	g       *gonnx.Model
	backend backends.Backend
	ctx     *context.Context
	mu      sync.Mutex
	execs   map[string]*context.Exec
}

// parseGoMLX parses the model with onnx-gomlx, with the Pad nodes that
// Parse took as Identity (they pad nothing) replaced.
func parseGoMLX(m *Model) (g *gonnx.Model, err error) {
	defer func() {
		// onnx-gomlx may panic on malformed graphs; report them as errors.
		if p := recover(); p != nil {
			g, err = nil, fmt.Errorf("%s: invalid ONNX model: %v", m.Path, p)
		}
	}()
	g, err = gonnx.Parse(m.data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", m.Path, unwrapAll(err))
	}
	changed := false
	for k, n := range g.Proto.GetGraph().GetNode() {
		if k < len(m.nodes) && n.GetOpType() == "Pad" && m.nodes[k].op == "Identity" {
			n.OpType = "Identity"
			n.Input = n.Input[:1]
			n.Attribute = nil
			changed = true
		}
	}
	if changed {
		b, err := proto.Marshal(&g.Proto)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", m.Path, err)
		}
		if g, err = gonnx.Parse(b); err != nil {
			return nil, fmt.Errorf("%s: %v", m.Path, unwrapAll(err))
		}
	}
	return g, nil
}

func unwrapAll(err error) error {
	type causer interface{ Cause() error }
	for {
		c, ok := err.(causer)
		if !ok || c.Cause() == nil || c.Cause() == err {
			return err
		}
		err = c.Cause()
	}
}

// quietStdout runs f with os.Stdout sent to the null device: GoMLX's
// simplego backend prints diagnostics to standard output (for example on a
// convolution whose shapes do not fit), which would corrupt intdim's
// JSON or CSV output there. The error is reported by f's return value.
func quietStdout(f func()) {
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		f()
		return
	}
	defer null.Close()
	saved := os.Stdout
	os.Stdout = null
	defer func() { os.Stdout = saved }()
	f()
}

var stdoutMu sync.Mutex

func newGoMLX(m *Model) (r Runner, err error) {
	g, err := parseGoMLX(m)
	if err != nil {
		return nil, err
	}
	quietStdout(func() {
		err = exceptions.TryCatch[error](func() {
			// Sequential op execution: simplego's parallel executor races
			// (go test -race, gomlx v0.26.0), and CNN graphs gain little from it.
			be, err := simplego.New("ops_sequential")
			if err != nil {
				panic(err)
			}
			ctx := context.New()
			if err := g.VariablesToContext(ctx); err != nil {
				panic(err)
			}
			r = &gomlxRunner{m: m, g: g, backend: be, ctx: ctx, execs: map[string]*context.Exec{}}
		})
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
			return r.g.CallGraph(ctx, in.Graph(), map[string]*graph.Node{r.m.Input: in}, names...)
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", r.m.Path, err)
		}
		r.execs[key] = e
	}
	var res []*tensors.Tensor
	quietStdout(func() {
		err = exceptions.TryCatch[error](func() {
			var err error
			res, err = e.Exec(tensors.FromFlatDataAndDimensions(x, shape...))
			if err != nil {
				panic(err)
			}
		})
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
