package study

import (
	"fmt"
	"github.com/intdim/intdim/cloud"
	"math"
	"strings"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/nn"
)

// Spec is one network of the accuracy study: an architecture of package nn
// (conv k3 → max-pool 2 → ReLU blocks, then dense ReLU layers, then the
// output) and how long it is trained.
type Spec struct {
	Name   string
	Family string  // "mlp" or "cnn"
	Arch   nn.Arch // see nn.ParseArch
	Epochs int     // passes over the training images
	Subset int     // train on the first Subset images only (0: all)
}

// Width is the width of the last hidden layer, Depth the number of weight
// layers (convolutions and dense layers, the output included).
func (s Spec) Width() int {
	if len(s.Arch.Hidden) > 0 {
		return s.Arch.Hidden[len(s.Arch.Hidden)-1]
	}
	return 0
}

// Depth is the number of weight layers, the output layer included.
func (s Spec) Depth() int { return len(s.Arch.Conv) + len(s.Arch.Hidden) + 1 }

// DefaultFamily is the default family of the accuracy study: ten networks
// on MNIST, five MLPs and five CNNs of different widths and depths, trained
// for different lengths (down to one epoch on a tenth or a twentieth of the
// images), so that the test accuracies spread from about 85 % to 99 %. On
// MNIST the family costs about 5 minutes of CPU time (12 minutes of wall
// clock measured on 2 cores shared with other jobs; docs/figures.md).
func DefaultFamily() []Spec {
	mlp := func(name string, epochs, subset int, hidden ...int) Spec {
		return Spec{Name: name, Family: "mlp", Arch: nn.Arch{Hidden: hidden}, Epochs: epochs, Subset: subset}
	}
	cnn := func(name string, conv []int, hidden, epochs, subset int) Spec {
		return Spec{Name: name, Family: "cnn", Arch: nn.Arch{Conv: conv, Hidden: []int{hidden}}, Epochs: epochs, Subset: subset}
	}
	return []Spec{
		mlp("mlp-16", 1, 0, 16),
		mlp("mlp-64", 2, 0, 64),
		mlp("mlp-64-short", 1, 3000, 64),
		mlp("mlp-256-128", 3, 0, 256, 128),
		mlp("mlp-512x3", 1, 0, 512, 512, 512),
		cnn("cnn-4-8", []int{4, 8}, 32, 1, 0),
		cnn("cnn-8-16", []int{8, 16}, 64, 2, 0),
		cnn("cnn-8-16-short", []int{8, 16}, 64, 1, 6000),
		cnn("cnn-16-32", []int{16, 32}, 64, 2, 0),
		cnn("cnn-paper", []int{32, 64}, 128, 1, 0),
	}
}

// Cost is a rough relative cost of training s: multiply–adds per image
// times images seen. It orders the progress bar; it is not a time.
func (s Spec) Cost(trainN int) float64 {
	h, w, c := 28, 28, 1
	var macs float64
	for _, oc := range s.Arch.Conv {
		h, w = h-2, w-2
		macs += float64(h * w * oc * c * 9)
		h, w, c = h/2, w/2, oc
	}
	in := h * w * c
	for _, u := range append(append([]int(nil), s.Arch.Hidden...), 10) {
		macs += float64(in * u)
		in = u
	}
	n := trainN
	if s.Subset > 0 && s.Subset < n {
		n = s.Subset
	}
	return 3 * macs * float64(n*s.Epochs)
}

// ParseSpec reads "NAME:ARCH:EPOCHS[:SUBSET]" with ARCH as nn.ParseArch
// reads it ("mlp", "paper", "conv=8,16;hidden=64", "hidden=32").
func ParseSpec(s string) (Spec, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 3 || len(parts) > 4 || parts[0] == "" {
		return Spec{}, fmt.Errorf("network %q: want NAME:ARCH:EPOCHS[:SUBSET]", s)
	}
	a, err := nn.ParseArch(parts[1])
	if err != nil {
		return Spec{}, err
	}
	sp := Spec{Name: parts[0], Arch: a, Family: "mlp"}
	if len(a.Conv) > 0 {
		sp.Family = "cnn"
	}
	if _, err := fmt.Sscanf(parts[2], "%d", &sp.Epochs); err != nil || sp.Epochs < 1 {
		return Spec{}, fmt.Errorf("network %q: epochs %q is not a positive integer", s, parts[2])
	}
	if len(parts) == 4 {
		if _, err := fmt.Sscanf(parts[3], "%d", &sp.Subset); err != nil || sp.Subset < 1 {
			return Spec{}, fmt.Errorf("network %q: subset %q is not a positive integer", s, parts[3])
		}
	}
	return sp, nil
}

// TrainOptions configures Train.
type TrainOptions struct {
	Dataset string      // name recorded in the result, e.g. "mnist"
	Train   *nn.Dataset // training images
	Test    *nn.Dataset // test images: accuracy on all, ID on the first Points

	Points   int     // test images whose last-hidden-layer ID is measured; 0 means 2000
	Resample int     // resamplings for the ID's error bar; 0 means 20
	Fraction float64 // size of each resampling; 0 means 0.9
	LR       float64 // SGD learning rate; 0 means 0.01
	Momentum float64 // SGD momentum; 0 means 0.9
	Batch    int     // mini-batch; 0 means 64
	Seed     uint64  // weights, sample order and resamplings
	Threads  int     // ID estimation threads (0: all)

	// Progress, if not nil, is called as the networks train with the work
	// done and the total, in units of 10⁶ of Spec.Cost (multiply–adds).
	// OnStart and OnDone, if not nil, are called before and after each
	// network.
	Progress func(done, total int)
	OnStart  func(i int, s Spec)
	OnDone   func(i int, n Network)
}

// Train trains every network of specs on o.Train, measures its test
// accuracy on o.Test and the TwoNN ID of its last hidden layer on the first
// o.Points test images (mean and standard deviation over o.Resample subsets
// of o.Fraction of them, as Ansuini et al. 2019), and returns the accuracy
// study with its correlation. Network i is initialised from o.Seed + i.
func Train(specs []Spec, o TrainOptions) (*Accuracy, error) {
	if o.Train == nil || o.Test == nil {
		panic("study: Train without data")
	}
	if o.Points == 0 {
		o.Points = 2000
	}
	if o.Resample == 0 {
		o.Resample = 20
	}
	if o.Fraction == 0 {
		o.Fraction = estimate.DefaultFraction
	}
	if o.LR == 0 {
		o.LR = 0.01
	}
	if o.Momentum == 0 {
		o.Momentum = 0.9
	}
	if o.Batch == 0 {
		o.Batch = 64
	}
	points := min(o.Points, o.Test.N)
	a := &Accuracy{Kind: "accuracy-study", Version: DocVersion, Method: "twonn", Seed: o.Seed, Points: points,
		Resample: o.Resample, Fraction: o.Fraction, Warnings: []string{}}
	var total, doneAll float64
	for _, sp := range specs {
		total += sp.Cost(o.Train.N) / 1e6
	}
	totalUnits, reported := int(math.Ceil(total)), -1
	for i, sp := range specs {
		if o.OnStart != nil {
			o.OnStart(i, sp)
		}
		net, err := sp.Arch.Build(o.Train.Shape, 10, o.Seed+uint64(i))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sp.Name, err)
		}
		train := o.Train.Subset(sp.Subset)
		net.Mean, net.Std = train.MeanStd()
		batches := (train.N + o.Batch - 1) / o.Batch
		perBatch := sp.Cost(o.Train.N) / 1e6 / float64(sp.Epochs*batches)
		cfg := nn.Config{Epochs: sp.Epochs, Batch: o.Batch, LR: o.LR, Momentum: o.Momentum, Seed: o.Seed + uint64(i),
			OnBatch: func(_, _, _ int) error {
				doneAll += perBatch
				if d := min(int(doneAll), totalUnits); d != reported && o.Progress != nil {
					reported = d
					o.Progress(d, totalUnits)
				}
				return nil
			}}
		if _, err := nn.Train(net, train, nil, cfg); err != nil {
			return nil, fmt.Errorf("%s: %w", sp.Name, err)
		}
		acc, _ := net.Evaluate(o.Test.X, o.Test.Y, o.Test.N)
		n, err := lastHiddenID(net, o, points, uint64(i))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sp.Name, err)
		}
		n.Name, n.Family, n.Dataset = sp.Name, sp.Family, o.Dataset
		n.Width, n.Depth, n.Epochs, n.Params = sp.Width(), sp.Depth(), sp.Epochs, net.NumParams()
		n.TestAccuracy = acc
		a.Networks = append(a.Networks, n)
		if o.OnDone != nil {
			o.OnDone(i, n)
		}
	}
	a.Correlate()
	return a, nil
}

// lastHiddenID measures the ID of the layer before the output on the first
// points test images.
func lastHiddenID(net *nn.Net, o TrainOptions, points int, i uint64) (Network, error) {
	acts := net.Forward(o.Test.X[:points*o.Test.Shape.Size()], points)
	if len(acts) < 2 {
		return Network{}, fmt.Errorf("network has no hidden layer")
	}
	h := acts[len(acts)-2] // the last is the output
	d := h.Shape.Size()
	x, err := cloud.New32(h.Data, points, d)
	if err != nil {
		return Network{}, err
	}
	rep, err := estimate.Points(x, &estimate.Options{
		Method: "twonn", Resample: o.Resample, Fraction: o.Fraction, Seed: o.Seed + i, Threads: o.Threads})
	if err != nil {
		return Network{}, fmt.Errorf("ID of %s: %w", h.Name, err)
	}
	r := rep.Results[0]
	return Network{Layer: h.Name, ID: r.ID, Err: r.Err, Dim: d}, nil
}
