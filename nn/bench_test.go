package nn

import (
	"testing"

	"github.com/intdim/intdim/data/mnist"
)

// BenchmarkTrainPaper times SGD steps of the paper's network on MNIST,
// batch 64, through Train (one op = one batch of 64 images). An epoch is
// 938 ops; bench/epoch.sh compares it with PyTorch.
func BenchmarkTrainPaper(b *testing.B) {
	tr := mnist.Train()
	d := &Dataset{X: tr.Pixels, Y: tr.Labels, N: tr.N, Shape: Shape{1, 28, 28}}
	net, err := Paper.Build(d.Shape, 10, 1)
	if err != nil {
		b.Fatal(err)
	}
	net.Mean, net.Std = d.MeanStd()
	// Warm up (buffers, pools) outside the timer.
	warm := 0
	Train(net, d, nil, Config{Momentum: 0.9, OnBatch: func(_, _, _ int) error {
		if warm++; warm == 5 {
			return ErrStop
		}
		return nil
	}})
	b.ResetTimer()
	done := 0
	_, err = Train(net, d, nil, Config{Epochs: 1 + b.N/938, Momentum: 0.9, OnBatch: func(_, _, _ int) error {
		if done++; done == b.N {
			return ErrStop
		}
		return nil
	}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N*64)/b.Elapsed().Seconds(), "images/s")
	b.ReportMetric(60000/(float64(b.N*64)/b.Elapsed().Seconds()), "s/epoch")
}
