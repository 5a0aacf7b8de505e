package nn

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

func sqrt(x float64) float64 { return math.Sqrt(x) }

// Arch describes a network of the paper's family: for each entry of Conv a
// block conv k3 (that many channels) → max-pool 2 → ReLU, then a flatten,
// then for each entry of Hidden a dense layer of that width → ReLU, then a
// dense layer to the classes. The named layers are conv1 (the convolution's
// output, before pooling), pool1 (after pooling and ReLU), conv2, pool2, …,
// d1, d2, … (after ReLU) and output (the logits).
//
// Ansuini et al.'s MNIST network is Paper = {Conv: [32 64], Hidden: [128]};
// an MLP has no Conv.
type Arch struct {
	Conv   []int `json:"conv"`
	Hidden []int `json:"hidden"`
}

// Paper is the small CNN of Ansuini et al. (2019) for MNIST.
var Paper = Arch{Conv: []int{32, 64}, Hidden: []int{128}}

// MLP is a two-hidden-layer perceptron (784 → 256 → 128 → 10).
var MLP = Arch{Hidden: []int{256, 128}}

// String formats a as ParseArch reads it: "conv=32,64;hidden=128".
func (a Arch) String() string {
	join := func(v []int) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = strconv.Itoa(x)
		}
		return strings.Join(s, ",")
	}
	return "conv=" + join(a.Conv) + ";hidden=" + join(a.Hidden)
}

// ParseArch reads "paper", "mlp", or "conv=C1,C2,...;hidden=H1,H2,..."
// (either part may be empty or absent), e.g. "conv=16,32;hidden=64" for a
// half-width paper network or "hidden=512,512,512" for a deeper MLP.
func ParseArch(s string) (Arch, error) {
	switch s {
	case "paper":
		return Paper, nil
	case "mlp":
		return MLP, nil
	}
	var a Arch
	for _, part := range strings.Split(s, ";") {
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return a, fmt.Errorf("architecture %q: want paper, mlp or conv=C1,C2;hidden=H1,H2", s)
		}
		var v []int
		for _, f := range strings.Split(val, ",") {
			if f == "" {
				continue
			}
			x, err := strconv.Atoi(f)
			if err != nil || x <= 0 {
				return a, fmt.Errorf("architecture %q: bad width %q", s, f)
			}
			v = append(v, x)
		}
		switch key {
		case "conv":
			a.Conv = v
		case "hidden":
			a.Hidden = v
		default:
			return a, fmt.Errorf("architecture %q: unknown part %q", s, key)
		}
	}
	return a, nil
}

// Build returns the network for inputs of shape in and the given number of
// classes, initialised from seed.
func (a Arch) Build(in Shape, classes int, seed uint64) (*Net, error) {
	var layers []Layer
	for i, c := range a.Conv {
		layers = append(layers,
			NewConv2D(fmt.Sprintf("conv%d", i+1), c, 3, 1, 0),
			NewMaxPool2D("", 2),
			NewReLU(fmt.Sprintf("pool%d", i+1)))
	}
	layers = append(layers, NewFlatten(""))
	for i, h := range a.Hidden {
		layers = append(layers, NewDense(fmt.Sprintf("fc%d", i+1), h), NewReLU(fmt.Sprintf("d%d", i+1)))
	}
	layers = append(layers, NewDense("output", classes))
	// Name the dense layers' parameters fc1, fc2, ... but only expose the
	// ReLU outputs d1, d2, ... as activations.
	net, err := New(in, seed, layers...)
	if err != nil {
		return nil, err
	}
	for _, l := range net.Layers {
		if d, ok := l.(*Dense); ok && strings.HasPrefix(d.Name, "fc") {
			d.Name = ""
		}
	}
	net.Arch = a
	return net, nil
}

// NumParams returns the number of parameters of a.Build(in, classes, ·)
// without building it, or an error if the input is too small for the
// convolutions.
func (a Arch) NumParams(in Shape, classes int) (int, error) {
	// Count in float64 so that absurd shapes cannot overflow.
	var n float64
	c, h, w := in.C, in.H, in.W
	if c <= 0 || h <= 0 || w <= 0 || classes <= 0 {
		return 0, fmt.Errorf("nn: input %v with %d classes", in, classes)
	}
	for i, oc := range a.Conv {
		if h < 4 || w < 4 {
			return 0, fmt.Errorf("nn: conv%d: input %dx%d too small for conv k3 and max-pool 2", i+1, h, w)
		}
		n += float64(oc)*float64(c)*9 + float64(oc)
		c, h, w = oc, (h-2)/2, (w-2)/2
	}
	d := float64(c) * float64(h) * float64(w)
	for _, hd := range a.Hidden {
		n += d*float64(hd) + float64(hd)
		d = float64(hd)
	}
	n += d*float64(classes) + float64(classes)
	if n > 1<<40 {
		return 0, fmt.Errorf("nn: %v on %v has %.3g parameters", a, in, n)
	}
	return int(n), nil
}
