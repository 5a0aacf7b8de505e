package nn

import "testing"

// BenchmarkTrainPaper is one SGD step of the paper's network on a batch of
// 64 MNIST-sized samples.
func BenchmarkTrainPaper(b *testing.B) {
	in := Shape{1, 28, 28}
	net, err := Paper.Build(in, 10, 1)
	if err != nil {
		b.Fatal(err)
	}
	d := randData(64, in, 10, 1)
	tr := newTrainer(net, DefaultShards)
	idx := make([]int, 64)
	for i := range idx {
		idx[i] = i
	}
	opt := SGD{LR: 0.01, Momentum: 0.9}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr.step(d, idx)
		opt.Step(net)
	}
	b.ReportMetric(float64(b.N*64)/b.Elapsed().Seconds(), "images/s")
}
