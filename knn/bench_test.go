package knn

import (
	"fmt"
	"testing"
)

// BenchmarkSearch compares brute force (float64, every distance exact) with
// the kernel search on Gaussian data; flops are 2·n²·d.
func BenchmarkSearch(b *testing.B) {
	for _, s := range []struct{ n, d int }{{1000, 64}, {2000, 768}, {5000, 768}, {20000, 768}} {
		x := randMatrix(s.n, s.d, 1)
		flops := 2 * float64(s.n) * float64(s.n) * float64(s.d)
		for _, st := range []struct {
			name string
			f    func([]float64, int, int, int, int) *Graph
		}{{"brute", bruteF}, {"kernel", kernelF}} {
			if st.name == "brute" && s.n > 2000 {
				continue
			}
			b.Run(fmt.Sprintf("%s/n=%d/d=%d", st.name, s.n, s.d), func(b *testing.B) {
				for b.Loop() {
					st.f(x, s.n, s.d, 2, 0)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
