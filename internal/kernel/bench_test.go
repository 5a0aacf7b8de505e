package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// naiveDots is the baseline: a plain triple loop in float32.
func naiveDots(dst []float32, x []float32, m int, y []float32, n, d int) {
	for i := 0; i < m; i++ {
		xi := x[i*d : (i+1)*d]
		for j := 0; j < n; j++ {
			yj := y[j*d : (j+1)*d]
			var s float32
			for k, v := range xi {
				s += v * yj[k]
			}
			dst[i*n+j] = s
		}
	}
}

var ladder = []struct{ n, d int }{{256, 64}, {512, 256}, {1024, 768}, {2048, 768}}

func BenchmarkDots(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range ladder {
		x := randF32(r, s.n*s.d)
		flops := 2 * float64(s.n) * float64(s.n) * float64(s.d)
		b.Run(fmt.Sprintf("naive/n=%d/d=%d", s.n, s.d), func(b *testing.B) {
			dst := make([]float32, s.n*s.n)
			for b.Loop() {
				naiveDots(dst, x, s.n, x, s.n, s.d)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		for _, im := range available {
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/threads=%d/n=%d/d=%d", im.name, th, s.n, s.d), func(b *testing.B) {
					useImplB(b, im)
					dst := make([]float64, s.n*s.n)
					for b.Loop() {
						Dots(dst, x, s.n, x, s.n, s.d, th)
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

// BenchmarkGram counts the flops of the full product; symmetry halves the work.
func BenchmarkGram(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range ladder {
		x := randF32(r, s.n*s.d)
		p := Pack(x, s.n, s.d)
		flops := 2 * float64(s.n) * float64(s.n) * float64(s.d)
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("threads=%d/n=%d/d=%d", th, s.n, s.d), func(b *testing.B) {
				for b.Loop() {
					SymGram(p, th, func(int, int, int, int, int, []float64, int) {})
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "effGFLOP/s")
			})
		}
	}
}

func BenchmarkPeak(b *testing.B) {
	var f float64
	for b.Loop() {
		f += PeakFlops(1 << 20)
	}
	b.ReportMetric(f/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func useImplB(b *testing.B, im impl) {
	old := best
	best = im
	b.Cleanup(func() { best = old })
}
