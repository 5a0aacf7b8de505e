package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// Net is a feed-forward network: a fixed input normalisation
// (x − Mean)/Std, then its layers in order, then log-softmax. The last
// layer's outputs are the class scores (logits).
type Net struct {
	Arch    Arch    // the architecture it was built from (zero if built by New)
	In      Shape   // input shape
	Classes int     // number of outputs of the last layer
	Mean    float32 // input normalisation, applied before the first layer
	Std     float32 // (1 unless set, e.g. to the training set's pixel std)
	Layers  []Layer
	shapes  []Shape // output shape of each layer
	prms    []*Param
}

// New builds a network on inputs of shape in from layers, names the
// parameters of unnamed layers "layerI", and initialises them as PyTorch
// does by default (Kaiming-uniform with a = √5: weights and biases
// ~ U(−1/√fan_in, 1/√fan_in)) from a PCG generator seeded with seed.
func New(in Shape, seed uint64, layers ...Layer) (*Net, error) {
	if in.Size() <= 0 || len(layers) == 0 {
		return nil, fmt.Errorf("nn: empty network or input")
	}
	net := &Net{In: in, Std: 1, Layers: layers}
	sh := in
	for i, l := range layers {
		prefix := l.LayerName()
		if prefix == "" {
			prefix = fmt.Sprintf("layer%d", i)
		}
		var err error
		sh, err = l.setup(sh, prefix)
		if err != nil {
			return nil, err
		}
		net.shapes = append(net.shapes, sh)
		net.prms = append(net.prms, l.params()...)
	}
	net.Classes = sh.Size()
	seen := map[string]bool{}
	for _, p := range net.prms {
		if seen[p.Name] {
			return nil, fmt.Errorf("nn: duplicate parameter name %s", p.Name)
		}
		seen[p.Name] = true
	}
	net.Init(seed)
	return net, nil
}

// Init re-initialises every parameter, PyTorch's default for nn.Linear and
// nn.Conv2d: U(−1/√fan_in, 1/√fan_in) for weights and biases, with fan_in
// = in (dense) or in·k·k (conv). It draws from PCG(seed, 0x1d1d).
func (net *Net) Init(seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x1d1d))
	for _, l := range net.Layers {
		var fanIn int
		var ps []*Param
		switch l := l.(type) {
		case *Dense:
			fanIn, ps = l.In, l.params()
		case *Conv2D:
			fanIn, ps = l.InC*l.Kernel*l.Kernel, l.params()
		}
		bound := 1 / math.Sqrt(float64(fanIn))
		for _, p := range ps {
			for i := range p.W {
				p.W[i] = float32((2*rng.Float64() - 1) * bound)
			}
			clear(p.V)
			clear(p.G)
		}
	}
}

// Params returns the learnable parameters in layer order.
func (net *Net) Params() []*Param { return net.prms }

// OutShape returns the output shape of layer i.
func (net *Net) OutShape(i int) Shape { return net.shapes[i] }

// NumParams is the number of learnable values.
func (net *Net) NumParams() int {
	n := 0
	for _, p := range net.prms {
		n += len(p.W)
	}
	return n
}

// Names returns "input" followed by the names of the named layers, the
// activations Forward returns.
func (net *Net) Names() []string {
	names := []string{"input"}
	for _, l := range net.Layers {
		if l.LayerName() != "" {
			names = append(names, l.LayerName())
		}
	}
	return names
}

// worker is the working memory of one shard.
type worker struct {
	slots []slot
	x     []float32
	dlog  []float32
}

func (net *Net) newWorker() *worker {
	w := &worker{slots: make([]slot, len(net.Layers))}
	for i, l := range net.Layers {
		for _, p := range l.params() {
			w.slots[i].grads = append(w.slots[i].grads, make([]float32, len(p.W)))
		}
	}
	return w
}

// run normalises n samples of x and runs every layer; it returns the logits.
func (net *Net) run(w *worker, x []float32, n int) []float32 {
	m := n * net.In.Size()
	w.x = grow(w.x, m)
	inv := 1 / net.Std
	for i, v := range x[:m] {
		w.x[i] = (v - net.Mean) * inv
	}
	h := w.x
	for i, l := range net.Layers {
		l.forward(&w.slots[i], h, n)
		h = w.slots[i].out
	}
	return h
}

// Activation is the output of one named layer for n samples, row-major
// n × Shape.Size() (channels, then rows, then columns, as in PyTorch).
type Activation struct {
	Name  string
	Shape Shape
	Data  []float32
}

// Forward runs n samples of x (n × In.Size(), before normalisation) through
// the network in one pass and returns the activations of the input (as
// given) and of every named layer, in order. Samples are processed in
// chunks over GOMAXPROCS goroutines; each sample's result does not depend
// on the chunking.
func (net *Net) Forward(x []float32, n int) []Activation {
	if len(x) < n*net.In.Size() {
		panic("nn: Forward: x too short")
	}
	acts := []Activation{{Name: "input", Shape: net.In, Data: append([]float32(nil), x[:n*net.In.Size()]...)}}
	var idx []int
	for i, l := range net.Layers {
		if l.LayerName() != "" {
			idx = append(idx, i)
			acts = append(acts, Activation{Name: l.LayerName(), Shape: net.shapes[i], Data: make([]float32, n*net.shapes[i].Size())})
		}
	}
	net.chunks(n, 64, func(w *worker, lo, hi int) {
		net.run(w, x[lo*net.In.Size():], hi-lo)
		for j, i := range idx {
			sz := net.shapes[i].Size()
			copy(acts[j+1].Data[lo*sz:hi*sz], w.slots[i].out[:(hi-lo)*sz])
		}
	})
	return acts
}

// Logits returns the last layer's outputs for n samples of x.
func (net *Net) Logits(x []float32, n int) []float32 {
	c := net.Classes
	out := make([]float32, n*c)
	net.chunks(n, evalChunk, func(w *worker, lo, hi int) {
		copy(out[lo*c:hi*c], net.run(w, x[lo*net.In.Size():], hi-lo))
	})
	return out
}

// Evaluate returns the accuracy and the mean negative log-likelihood of the
// network on n samples of x with labels y.
func (net *Net) Evaluate(x []float32, y []uint8, n int) (acc, loss float64) {
	logits := net.Logits(x, n)
	c := net.Classes
	correct := 0
	for i := 0; i < n; i++ {
		row := logits[i*c : (i+1)*c]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == int(y[i]) {
			correct++
		}
		loss -= logSoftmaxAt(row, int(y[i]))
	}
	return float64(correct) / float64(n), loss / float64(n)
}

// chunks calls f on [lo, hi) chunks of size at most size covering [0, n),
// over up to GOMAXPROCS goroutines, each with its own worker.
func (net *Net) chunks(n, size int, f func(w *worker, lo, hi int)) {
	nch := (n + size - 1) / size
	nw := min(runtime.GOMAXPROCS(0), nch)
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for g := 0; g < nw; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := net.newWorker()
			for {
				mu.Lock()
				c := next
				next++
				mu.Unlock()
				if c >= nch {
					return
				}
				f(w, c*size, min(n, (c+1)*size))
			}
		}()
	}
	wg.Wait()
}
