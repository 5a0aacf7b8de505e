package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/intdim/intdim/nn"
)

// Train a small network of the paper's family on synthetic 8×8 images and
// take every layer's activations.
func ExampleTrain() {
	sh := nn.Shape{C: 1, H: 8, W: 8}
	rng := rand.New(rand.NewPCG(1, 2))
	data := &nn.Dataset{N: 400, Shape: sh, X: make([]float32, 400*64), Y: make([]uint8, 400)}
	for i := 0; i < data.N; i++ {
		data.Y[i] = uint8(i % 2)
		for j := 0; j < 64; j++ {
			// class 1 is bright on the left half
			v := rng.Float32()
			if i%2 == 1 && j%8 < 4 {
				v += 1
			}
			data.X[i*64+j] = v
		}
	}
	arch, _ := nn.ParseArch("conv=4;hidden=8")
	net, _ := arch.Build(sh, 2, 1)
	net.Mean, net.Std = data.MeanStd()
	hist, _ := nn.Train(net, data, data, nn.Config{Epochs: 2, Batch: 20, LR: 0.05, Momentum: 0.9})
	fmt.Printf("test accuracy %.2f\n", hist[1].TestAcc)
	for _, a := range net.Forward(data.X, 10) {
		fmt.Println(a.Name, a.Shape.Size())
	}
	// Output:
	// test accuracy 1.00
	// input 64
	// conv1 144
	// pool1 36
	// d1 8
	// output 2
}
