package cli

import (
	"embed"
	"fmt"
	"github.com/intdim/intdim/cloud"
	"os"
	"path/filepath"
	"strconv"

	"github.com/intdim/intdim/data/mnist"
	"github.com/intdim/intdim/nn"
	"github.com/intdim/intdim/profile"
)

// The paper's MNIST network trained by 'intdim train' on mnist,
// mnist-shuffled and mnist-offset (commands in docs/training.md).
//
//go:embed models/*.safetensors
var builtinModels embed.FS

// builtinNames are the embedded networks, by the data they were trained on.
var builtinNames = []string{"mnist", "mnist-shuffled", "mnist-offset"}

// loadModel returns the network named by model: "builtin" (the paper's
// network trained on mnist), "builtin:NAME" or NAME for an embedded one
// (NAME one of builtinNames), a directory holding model.safetensors, or a
// .safetensors file written by 'intdim train'. It also returns the data set
// the network was trained on and its recorded test accuracy (NaN if none).
func loadModel(model string) (net *nn.Net, data string, acc float64, err error) {
	name := model
	if model == "builtin" {
		name = "mnist"
	} else if len(model) > 8 && model[:8] == "builtin:" {
		name = model[8:]
	}
	var meta map[string]string
	for _, b := range builtinNames {
		if name == b {
			buf, err := builtinModels.ReadFile("models/" + b + ".safetensors")
			if err != nil {
				return nil, "", 0, err
			}
			if net, meta, err = nn.LoadBytes(buf); err != nil {
				return nil, "", 0, fmt.Errorf("embedded model %s: %w", b, err)
			}
			break
		}
	}
	if net == nil {
		path := model
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			path = filepath.Join(path, "model.safetensors")
		} else if err != nil {
			return nil, "", 0, BadInput(fmt.Errorf("--model %s: not a directory, a .safetensors file or one of builtin, %v", model, builtinNames))
		}
		if net, meta, err = nn.LoadFile(path); err != nil {
			return nil, "", 0, BadInput(err)
		}
	}
	acc, err = strconv.ParseFloat(meta["test_accuracy"], 64)
	if err != nil {
		acc = nan()
	}
	return net, meta["data"], acc, nil
}

// testData returns the test images named by data: mnist-test,
// mnist-offset-test (the offsets of 'intdim train --data mnist-offset' with
// its default --data-seed and --lambda) or fashion-test. An empty data means
// the test set of trained, the data the network was trained on.
func testData(data, trained string) (*mnist.Set, error) {
	if data == "" {
		switch trained {
		case "mnist-offset":
			data = "mnist-offset-test"
		case "fashion":
			data = "fashion-test"
		default:
			data = "mnist-test"
		}
	}
	switch data {
	case "mnist-test":
		return mnist.Test(), nil
	case "mnist-offset-test":
		return mnist.Offset(mnist.Test(), mnist.DefaultLambda, 2), nil
	case "fashion-test":
		_, te, err := mnist.Fashion("")
		return te, err
	}
	return nil, Usage("unknown --data %q (want mnist-test, mnist-offset-test or fashion-test)", data)
}

// modelLayers returns the activations, in float64, of the input and of every
// named layer of a network (for the paper's network: input, conv1, pool1,
// conv2, pool2, d1, output) on the first n images of data (see testData;
// "" for the test set the network was trained for). With untrained the
// network's weights are replaced by PyTorch's default initialisation drawn
// with seed.
func modelLayers(model, data string, n int, untrained bool, seed uint64) ([]profile.Layer, error) {
	net, trained, _, err := loadModel(model)
	if err != nil {
		return nil, err
	}
	if untrained {
		net.Init(seed)
	}
	set, err := testData(data, trained)
	if err != nil {
		return nil, err
	}
	return netLayers(net, set, n)
}

// netLayers returns the float32 activations of net on the first n images.
func netLayers(net *nn.Net, set *mnist.Set, n int) ([]profile.Layer, error) {
	if n < 3 || n > set.N {
		return nil, Usage("--n %d: need 3 to %d images", n, set.N)
	}
	acts := net.Forward(set.Pixels[:n*mnist.Size], n)
	layers := make([]profile.Layer, len(acts))
	for i, a := range acts {
		x, err := cloud.New32(a.Data, n, a.Shape.Size())
		if err != nil {
			return nil, err
		}
		acts[i].Data = nil
		layers[i] = profile.Layer{Name: a.Name, Points: x}
	}
	return layers, nil
}

// modelAccuracy returns the test accuracy of a network (see modelLayers for
// the arguments) on the whole test set of data.
func modelAccuracy(model, data string, untrained bool, seed uint64) (float64, error) {
	net, trained, _, err := loadModel(model)
	if err != nil {
		return 0, err
	}
	if untrained {
		net.Init(seed)
	}
	set, err := testData(data, trained)
	if err != nil {
		return 0, err
	}
	acc, _ := net.Evaluate(set.Pixels, set.Labels, set.N)
	return acc, nil
}
