package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// Dataset is N labelled samples of a shape, row-major.
type Dataset struct {
	X     []float32
	Y     []uint8
	N     int
	Shape Shape
}

// Subset returns the first n samples (all when n ≤ 0 or n ≥ N).
func (d *Dataset) Subset(n int) *Dataset {
	if n <= 0 || n >= d.N {
		return d
	}
	return &Dataset{X: d.X[:n*d.Shape.Size()], Y: d.Y[:n], N: n, Shape: d.Shape}
}

// MeanStd returns the mean and standard deviation of all values of X.
func (d *Dataset) MeanStd() (mean, std float32) {
	var s, ss float64
	for _, v := range d.X[:d.N*d.Shape.Size()] {
		s += float64(v)
		ss += float64(v) * float64(v)
	}
	m := float64(d.N * d.Shape.Size())
	mu := s / m
	va := ss/m - mu*mu
	if va <= 0 {
		return float32(mu), 1
	}
	return float32(mu), float32(sqrt(va))
}

// DefaultShards is the number of shards a batch is split into. Shards run
// in parallel; their gradients are summed in shard order, so that training
// gives the same weights whatever GOMAXPROCS is.
const DefaultShards = 8

// Config configures Train. Zero fields take the defaults noted.
type Config struct {
	Epochs      int     // default 1
	Batch       int     // default 64
	LR          float64 // default 0.01
	Momentum    float64 // e.g. 0.9; 0 means none
	WeightDecay float64
	Optimizer   string // "sgd" (default, with Momentum) or "adam" (LR is Adam's step size)
	Seed        uint64 // order of the samples in every epoch
	Shards      int    // default DefaultShards

	// LRAt, if set, gives the learning rate of each epoch (from 0),
	// overriding LR.
	LRAt func(epoch int) float64

	// OnBatch, if set, is called after every update with the epoch, the
	// number of batches done in it and the number per epoch. A non-nil
	// error stops training and is returned.
	OnBatch func(epoch, batch, batches int) error
	// OnEpoch, if set, is called after every epoch.
	OnEpoch func(s EpochStats) error
}

// EpochStats is the outcome of one epoch. Train figures are those of the
// epoch's updates as they went (loss averaged over the batches, accuracy of
// the predictions made before each update).
type EpochStats struct {
	Epoch     int     `json:"epoch"` // from 1
	LR        float64 `json:"lr"`
	TrainLoss float64 `json:"train_loss"`
	TrainAcc  float64 `json:"train_accuracy"`
	TestLoss  float64 `json:"test_loss"`
	TestAcc   float64 `json:"test_accuracy"`
}

// ErrStop, returned by a callback, ends Train early without an error.
var ErrStop = errors.New("nn: stop")

// ErrDiverged is wrapped by the error Train returns when the loss or a
// weight stops being finite (too large a learning rate, usually).
var ErrDiverged = errors.New("training diverged")

// Train fits net to train with SGD on the negative log-likelihood of
// log-softmax(logits), evaluating on test (if not nil) after every epoch.
// It returns the statistics of every epoch.
func Train(net *Net, train, test *Dataset, cfg Config) ([]EpochStats, error) {
	if train.Shape != net.In {
		return nil, fmt.Errorf("nn: data of shape %v for a network on %v", train.Shape, net.In)
	}
	if cfg.Epochs == 0 {
		cfg.Epochs = 1
	}
	if cfg.Batch == 0 {
		cfg.Batch = 64
	}
	if cfg.LR == 0 {
		cfg.LR = 0.01
	}
	if cfg.Shards == 0 {
		cfg.Shards = DefaultShards
	}
	for _, v := range train.Y[:train.N] {
		if int(v) >= net.Classes {
			return nil, fmt.Errorf("nn: label %d for a network with %d outputs", v, net.Classes)
		}
	}
	switch cfg.Optimizer {
	case "", "sgd", "adam":
	default:
		return nil, fmt.Errorf("nn: unknown optimizer %q (want sgd or adam)", cfg.Optimizer)
	}
	adam := &Adam{WeightDecay: cfg.WeightDecay}
	t := newTrainer(net, cfg.Shards)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	var hist []EpochStats
	batches := (train.N + cfg.Batch - 1) / cfg.Batch
	for ep := 0; ep < cfg.Epochs; ep++ {
		lr := cfg.LR
		if cfg.LRAt != nil {
			lr = cfg.LRAt(ep)
		}
		sgd := SGD{LR: lr, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay}
		adam.LR = lr
		perm := rng.Perm(train.N)
		var lossSum float64
		correct := 0
		for b := 0; b < batches; b++ {
			idx := perm[b*cfg.Batch : min(train.N, (b+1)*cfg.Batch)]
			loss, ok := t.step(train, idx)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return hist, fmt.Errorf("%w: the loss is %g at epoch %d, batch %d of %d (learning rate %g)", ErrDiverged, loss/float64(len(idx)), ep+1, b+1, batches, lr)
			}
			lossSum += loss
			correct += ok
			if cfg.Optimizer == "adam" {
				adam.Step(net)
			} else {
				sgd.Step(net)
			}
			if cfg.OnBatch != nil {
				if err := cfg.OnBatch(ep, b+1, batches); err != nil {
					if errors.Is(err, ErrStop) {
						return hist, nil
					}
					return hist, err
				}
			}
		}
		if name, ok := net.finite(); !ok {
			return hist, fmt.Errorf("%w: %s is not finite after epoch %d (learning rate %g)", ErrDiverged, name, ep+1, lr)
		}
		st := EpochStats{Epoch: ep + 1, LR: lr, TrainLoss: lossSum / float64(train.N), TrainAcc: float64(correct) / float64(train.N)}
		if test != nil {
			st.TestAcc, st.TestLoss = net.Evaluate(test.X, test.Y, test.N)
		}
		hist = append(hist, st)
		if cfg.OnEpoch != nil {
			if err := cfg.OnEpoch(st); err != nil {
				if errors.Is(err, ErrStop) {
					return hist, nil
				}
				return hist, err
			}
		}
	}
	return hist, nil
}

// finite reports whether every parameter value is finite, and else names
// the first parameter that is not.
func (net *Net) finite() (string, bool) {
	for _, p := range net.prms {
		for _, v := range p.W {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return p.Name, false
			}
		}
	}
	return "", true
}

// trainer holds one worker per shard.
type trainer struct {
	net     *Net
	workers []*worker
	loss    []float64
	correct []int
}

func newTrainer(net *Net, shards int) *trainer {
	t := &trainer{net: net, loss: make([]float64, shards), correct: make([]int, shards)}
	for range shards {
		t.workers = append(t.workers, net.newWorker())
	}
	return t
}

// step computes the gradient of the mean loss over the samples idx into
// the parameters' G, and returns the summed loss and the number of
// correct predictions.
func (t *trainer) step(d *Dataset, idx []int) (float64, int) {
	net := t.net
	S := len(t.workers)
	per := (len(idx) + S - 1) / S
	scale := 1 / float32(len(idx))
	sz := net.In.Size()
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for s, w := range t.workers {
		lo, hi := min(len(idx), s*per), min(len(idx), (s+1)*per)
		for _, g := range w.slots {
			for _, gg := range g.grads {
				clear(gg)
			}
		}
		t.loss[s], t.correct[s] = 0, 0
		if lo == hi {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			n := hi - lo
			xb := make([]float32, 0, n*sz)
			yb := make([]uint8, n)
			for i, j := range idx[lo:hi] {
				xb = append(xb, d.X[j*sz:(j+1)*sz]...)
				yb[i] = d.Y[j]
			}
			logits := net.run(w, xb, n)
			c := net.Classes
			w.dlog = grow(w.dlog, n*c)
			t.loss[s] = nllGrad(logits, yb, n, c, scale, w.dlog)
			for i := 0; i < n; i++ {
				row := logits[i*c : (i+1)*c]
				best := 0
				for j, v := range row {
					if v > row[best] {
						best = j
					}
				}
				if best == int(yb[i]) {
					t.correct[s]++
				}
			}
			net.backward(w, w.dlog, n)
		}()
	}
	wg.Wait()
	var loss float64
	correct := 0
	for s := range t.workers {
		loss += t.loss[s]
		correct += t.correct[s]
	}
	// Sum the shards' gradients in shard order.

	for li, l := range net.Layers {
		for k, p := range l.params() {
			g := p.G
			copy(g, t.workers[0].slots[li].grads[k])
			for _, w := range t.workers[1:] {
				for i, v := range w.slots[li].grads[k] {
					g[i] += v
				}
			}
		}
	}
	return loss, correct
}

// backward propagates the logits' gradient dy through every layer.
func (net *Net) backward(w *worker, dy []float32, n int) {
	for i := len(net.Layers) - 1; i >= 0; i-- {
		s := &w.slots[i]
		net.Layers[i].backward(s, dy, n, i > 0)
		dy = s.dx
	}
}
