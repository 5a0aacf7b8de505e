// Command layers writes the activations of one layer of a network (a
// built-in name or a directory written by 'intdim train') on the first N
// images of the embedded MNIST training or test set to a float32 .npy
// file, for the benchmarks of BENCHMARKS.md (nothing is downloaded):
//
//	go run ./scripts/layers --model DIR --set train --n 20000 --layer NAME --out FILE.npy
//
// Without --layer it lists the layers. With --gaussian N it writes N×D
// (--dim) isotropic standard normal float32 values drawn from --seed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/intdim/intdim/data/mnist"
	"github.com/intdim/intdim/nn/zoo"
	"github.com/intdim/intdim/tensorio/npy"
)

func main() {
	model := flag.String("model", "mnist", "network: a built-in name or a directory written by intdim train")
	set := flag.String("set", "test", "images: train or test (the embedded MNIST sets)")
	n := flag.Int("n", 2000, "first N images")
	layer := flag.String("layer", "", "layer to write (empty: list the layers)")
	out := flag.String("out", "", "output .npy file")
	gauss := flag.Int("gaussian", 0, "write this many isotropic Gaussian rows instead")
	dim := flag.Int("dim", 768, "--gaussian: columns")
	seed := flag.Uint64("seed", 1, "--gaussian: seed")
	flag.Parse()
	var err error
	if *gauss > 0 {
		err = gaussian(*gauss, *dim, *seed, *out)
	} else {
		err = run(*model, *set, *n, *layer, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "layers:", err)
		os.Exit(1)
	}
}

func gaussian(n, d int, seed uint64, out string) error {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return write(out, n, d, x)
}

func write(out string, n, d int, x []float32) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := npy.Write(w, []int{n, d}, x); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func run(model, set string, n int, layer, out string) error {
	m, err := zoo.Open(model)
	if err != nil {
		return err
	}
	var s *mnist.Set
	switch set {
	case "train":
		s = mnist.Train()
	case "test":
		s = mnist.Test()
	default:
		return fmt.Errorf("--set %q: want train or test", set)
	}
	layers, err := m.Layers(s, n)
	if err != nil {
		return err
	}
	for _, l := range layers {
		if layer == "" {
			fmt.Printf("%s\t%d×%d\n", l.Name, l.Points.N(), l.Points.D())
			continue
		}
		if l.Name != layer {
			continue
		}
		return write(out, l.Points.N(), l.Points.D(), l.Points.F32())
	}
	if layer != "" {
		return fmt.Errorf("no layer %q", layer)
	}
	return nil
}
