// Package zoo holds the networks built into intdim, the paper's MNIST
// network (Ansuini et al., NeurIPS 2019) trained by 'intdim train' on
// mnist, mnist-shuffled and mnist-offset (commands and logs in
// docs/training.md), and opens a network by name, directory or file.
package zoo

import (
	"embed"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/data/mnist"
	"github.com/intdim/intdim/nn"
	"github.com/intdim/intdim/profile"
)

//go:embed models/*.safetensors
var models embed.FS

// Names are the built-in networks, by the data set they were trained on
// (names of mnist.Load).
var Names = []string{"mnist", "mnist-shuffled", "mnist-offset"}

// Model is a network with what its file records about its training.
type Model struct {
	Net *nn.Net
	// Data is the data set it was trained on ("" if not recorded).
	Data string
	// TestAccuracy is the test accuracy recorded after training, NaN if
	// none was recorded.
	TestAccuracy float64
	// Meta is the file's metadata.
	Meta map[string]string
}

// Open returns the network named by spec: a built-in name (one of Names,
// also as "builtin:NAME"; "builtin" alone is mnist), a directory written by
// 'intdim train' (its model.safetensors) or a .safetensors file written by
// nn.Save. Errors name spec.
func Open(spec string) (*Model, error) {
	name := spec
	if spec == "builtin" {
		name = "mnist"
	} else if s, ok := strings.CutPrefix(spec, "builtin:"); ok {
		name = s
	}
	var (
		net  *nn.Net
		meta map[string]string
	)
	if isBuiltin(name) {
		buf, err := models.ReadFile("models/" + name + ".safetensors")
		if err != nil {
			return nil, err
		}
		if net, meta, err = nn.LoadBytes(buf); err != nil {
			return nil, fmt.Errorf("built-in network %s: %w", name, err)
		}
	} else {
		path := spec
		st, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("%s: not a directory, a .safetensors file or a built-in network (%s)", spec, strings.Join(Names, ", "))
		}
		if st.IsDir() {
			path = filepath.Join(path, "model.safetensors")
		}
		if net, meta, err = nn.LoadFile(path); err != nil {
			return nil, err
		}
	}
	m := &Model{Net: net, Data: meta["data"], TestAccuracy: math.NaN(), Meta: meta}
	if v, err := strconv.ParseFloat(meta["test_accuracy"], 64); err == nil && v >= 0 && v <= 1 {
		m.TestAccuracy = v
	}
	return m, nil
}

func isBuiltin(name string) bool {
	for _, b := range Names {
		if name == b {
			return true
		}
	}
	return false
}

// Images returns the test images the network is measured on: the named
// test set (mnist.TestSet), or, when data is "", the test set of the data
// the network was trained on (mnist.TestSetFor).
func (m *Model) Images(data string) (*mnist.Set, error) {
	if data == "" {
		data = mnist.TestSetFor(m.Data)
	}
	return mnist.TestSet(data)
}

// Untrain replaces the weights by a fresh initialisation drawn with seed
// (nn.Net.Init, PyTorch's default) and forgets the recorded accuracy.
func (m *Model) Untrain(seed uint64) {
	m.Net.Init(seed)
	m.TestAccuracy = math.NaN()
}

// Accuracy returns the recorded test accuracy or, when there is none, the
// accuracy measured on set.
func (m *Model) Accuracy(set *mnist.Set) float64 {
	if !math.IsNaN(m.TestAccuracy) {
		return m.TestAccuracy
	}
	acc, _ := m.Net.Evaluate(set.Pixels, set.Labels, set.N)
	return acc
}

// Layers returns the activations of the input and of every named layer of
// the network (for the paper's network: input, conv1, pool1, conv2, pool2,
// d1, output) on the first n images of set, as float32 point clouds that
// share the forward pass's memory.
func (m *Model) Layers(set *mnist.Set, n int) ([]profile.Layer, error) {
	if n < 3 || n > set.N {
		return nil, fmt.Errorf("%d images: need 3 to %d", n, set.N)
	}
	acts := m.Net.Forward(set.Pixels[:n*mnist.Size], n)
	layers := make([]profile.Layer, len(acts))
	for i, a := range acts {
		x, err := cloud.New32(a.Data, n, a.Shape.Size())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Name, err)
		}
		layers[i] = profile.Layer{Name: a.Name, Points: x}
	}
	return layers, nil
}
