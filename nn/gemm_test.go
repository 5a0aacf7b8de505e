package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][3]int{{1, 1, 1}, {3, 5, 7}, {2, 4, 8}, {33, 17, 300}, {70, 530, 9}, {5, 3, 600}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					a := make([]float32, m*k)
					b := make([]float32, k*n)
					c := make([]float32, m*n)
					for i := range a {
						a[i] = float32(rng.NormFloat64())
					}
					for i := range b {
						b[i] = float32(rng.NormFloat64())
					}
					for i := range c {
						c[i] = float32(rng.NormFloat64())
					}
					want := make([]float64, m*n)
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							var s float64
							if acc {
								s = float64(c[i*n+j])
							}
							for p := 0; p < k; p++ {
								av := a[i*k+p]
								if tA {
									av = a[p*m+i]
								}
								bv := b[p*n+j]
								if tB {
									bv = b[j*k+p]
								}
								s += float64(av) * float64(bv)
							}
							want[i*n+j] = s
						}
					}
					lda, ldb := k, n
					if tA {
						lda = m
					}
					if tB {
						ldb = k
					}
					gemm(tA, tB, m, n, k, a, lda, b, ldb, acc, c, n)
					for i := range want {
						if math.Abs(float64(c[i])-want[i]) > 1e-4*math.Sqrt(float64(k))*(1+math.Abs(want[i])) {
							t.Fatalf("m%d n%d k%d tA %v tB %v acc %v: c[%d] = %g, want %g", m, n, k, tA, tB, acc, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}
