// Package nn trains small feed-forward networks on the CPU in pure Go and
// returns the activations of every named layer in one forward pass, for the
// intrinsic-dimension experiments of Ansuini, Laio, Macke & Zoccolan,
// "Intrinsic dimension of data representations in deep neural networks"
// (NeurIPS 2019).
//
// # Layers
//
// Dense (y = x·Wᵀ + b), Conv2D (square kernel, stride, zero padding, as
// PyTorch's nn.Conv2d), MaxPool2D (k×k, stride k), ReLU and Flatten, ending
// in log-softmax with the negative log-likelihood loss. Parameters are
// float32, laid out as in PyTorch ([out, in] and [out, in, kh, kw]) and
// initialised as PyTorch does by default: weights and biases
// ~ U(−1/√fan_in, 1/√fan_in), from a PCG generator (math/rand/v2) seeded by
// the caller. A convolution is one matrix product per shard: the patches
// of its samples (im2row) times the weights. Products run on the float32
// SIMD micro-kernels of internal/kernel (AVX-512 or AVX2, with a pure-Go
// twin), and on a blocked, register-tiled pure-Go gemm when the reduction is
// shorter than 8.
//
// # Training
//
// Train runs SGD with momentum and weight decay (PyTorch's semantics; Adam
// with Config.Optimizer = "adam") on
// mini-batches. Each batch is split into a fixed number of shards
// (Config.Shards, default 8) that run in parallel; their gradients are
// summed in shard order, so the weights after training are bit-identical
// whatever GOMAXPROCS is. The sample order of every epoch is a permutation
// drawn from Config.Seed. Inputs are normalised inside the network,
// (x − Net.Mean)/Net.Std, usually with the training set's pixel mean and
// std (Dataset.MeanStd); Forward's "input" activation is the raw input.
//
// # Architectures
//
// Arch describes the paper's family: conv k3 → max-pool 2 → ReLU blocks
// (Arch.Conv, channels per block), then dense → ReLU layers (Arch.Hidden),
// then a dense layer to the classes. Paper is Ansuini et al.'s MNIST
// network ({Conv: [32 64], Hidden: [128]}, 225,034 parameters; named layers
// input, conv1, pool1, conv2, pool2, d1, output) and MLP a perceptron.
// ParseArch reads "paper", "mlp" or "conv=16,32;hidden=64,64", so a family
// of widths and depths is a loop:
//
//	for _, s := range []string{"conv=8,16;hidden=32", "paper", "conv=64,128;hidden=256", "hidden=512,256,128"} {
//		arch, _ := nn.ParseArch(s)
//		net, _ := arch.Build(nn.Shape{C: 1, H: 28, W: 28}, 10, seed)
//		net.Mean, net.Std = train.MeanStd()
//		hist, _ := nn.Train(net, train, test, nn.Config{Epochs: 5, Batch: 64, LR: 0.01, Momentum: 0.9, Seed: seed})
//		acc := hist[len(hist)-1].TestAcc
//		acts := net.Forward(test.X[:2000*784], 2000) // input, conv1, pool1, ..., output
//		...
//	}
//
// Save and Load write and read the weights as .safetensors with the
// architecture and normalisation in the metadata, readable from PyTorch with
// safetensors.torch.load_file.
package nn
