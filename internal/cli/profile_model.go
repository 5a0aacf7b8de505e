package cli

import (
	"io"
	"math"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/data/mnist"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/nn/zoo"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/result"
)

// openModel opens --model (see zoo.Open), re-initialised with seed when
// untrained, and the test images it is measured on (data, or the test set
// of the data it was trained on when data is "").
func openModel(model, data string, untrained bool, seed uint64) (*zoo.Model, *mnist.Set, error) {
	m, err := zoo.Open(model)
	if err != nil {
		return nil, nil, BadInput(err)
	}
	if untrained {
		m.Untrain(seed)
	}
	set, err := m.Images(data)
	if err != nil {
		return nil, nil, Usage("--data: %v", err)
	}
	return m, set, nil
}

// modelLayers returns the activations, in float32, of the input and of every
// named layer of a network (for the paper's network: input, conv1, pool1,
// conv2, pool2, d1, output) on the first n of its test images (see
// openModel).
func modelLayers(model, data string, n int, untrained bool, seed uint64) ([]profile.Layer, error) {
	m, set, err := openModel(model, data, untrained, seed)
	if err != nil {
		return nil, err
	}
	return netLayers(m, set, n)
}

// netLayers returns the float32 activations of m on the first n images
// (zoo.Model.Layers).
func netLayers(m *zoo.Model, set *mnist.Set, n int) ([]profile.Layer, error) {
	layers, err := m.Layers(set, n)
	if err != nil {
		return nil, Usage("--n %d: %v", n, err)
	}
	return layers, nil
}

// modelAccuracy returns the test accuracy of a network (see openModel) on
// the whole test set of data, measured.
func modelAccuracy(model, data string, untrained bool, seed uint64) (float64, error) {
	m, set, err := openModel(model, data, untrained, seed)
	if err != nil {
		return 0, err
	}
	acc, _ := m.Net.Evaluate(set.Pixels, set.Labels, set.N)
	return acc, nil
}

// profileModel profiles every layer of a network on its first n test
// images (2000 when n is 0). With imbalance every layer's information
// imbalances are added (profile.Builder.Imbalance): the activations are
// all computed at once anyway, so they are kept for its ranks.
func profileModel(model, data string, n int, untrained, imbalance bool, f *estimateFlags, b *profile.Builder, stdout, stderr io.Writer) error {
	if n == 0 {
		n = 2000
	}
	m, set, err := openModel(model, data, untrained, f.seed)
	if err != nil {
		return err
	}
	layers, err := netLayers(m, set, n)
	if err != nil {
		return err
	}
	if imbalance {
		b.Imbalance(func(i int) (*cloud.Matrix, func(), error) { return layers[i].Points, func() {}, nil })
	}
	bar := progress.New(stderr, int64(len(layers)), "layers", f.quiet)
	for i := range layers {
		bar.Describe(layers[i].Name)
		b.Add(layers[i]) // a layer that fails is in the profile with its error
		if !imbalance {
			layers[i].Points = nil
		}
		bar.Add(1)
	}
	bar.Finish()
	o := b.Options()
	doc := result.NewProfile(b.Profile(), &o)
	doc.Model, doc.Data = model, data
	if doc.Data == "" {
		doc.Data = mnist.TestSetFor(m.Data)
	}
	if acc := m.Accuracy(set); !math.IsNaN(acc) {
		doc.TestAccuracy = &acc
	}
	return writeProfile(stdout, stderr, f.format, doc)
}
