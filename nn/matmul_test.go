package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMatmulStorage checks that matmul gives the same bits whether its
// operands are stored row-major or transposed, on both paths (gemm for
// k < kernelMinK, the kernel otherwise), and that it is close to the exact
// product.
func TestMatmulStorage(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var s slot
	for _, sz := range [][3]int{{3, 5, 4}, {10, 64, 8}, {64, 968, 288}, {8, 1600, 128}, {129, 9, 33}} {
		m, n, k := sz[0], sz[1], sz[2]
		a, b := make([]float32, m*k), make([]float32, n*k)
		for i := range a {
			a[i] = float32(rng.NormFloat64())
		}
		for i := range b {
			b[i] = float32(rng.NormFloat64())
		}
		at, bt := make([]float32, m*k), make([]float32, n*k)
		for i := 0; i < m; i++ {
			for p := 0; p < k; p++ {
				at[p*m+i] = a[i*k+p]
			}
		}
		for j := 0; j < n; j++ {
			for p := 0; p < k; p++ {
				bt[p*n+j] = b[j*k+p]
			}
		}
		for _, acc := range []bool{false, true} {
			ref := make([]float32, m*n)
			for i := range ref {
				ref[i] = 0.5
			}
			matmul(ref, a, m, false, b, n, false, k, acc, &s)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					var e float64
					if acc {
						e = 0.5
					}
					for p := 0; p < k; p++ {
						e += float64(a[i*k+p]) * float64(b[j*k+p])
					}
					if math.Abs(float64(ref[i*n+j])-e) > 1e-4*float64(k) {
						t.Fatalf("%v acc=%v: c[%d,%d] = %v, want %v", sz, acc, i, j, ref[i*n+j], e)
					}
				}
			}
			for _, tr := range [][2]bool{{true, false}, {false, true}, {true, true}} {
				x, y := a, b
				if tr[0] {
					x = at
				}
				if tr[1] {
					y = bt
				}
				got := make([]float32, m*n)
				for i := range got {
					got[i] = 0.5
				}
				matmul(got, x, m, tr[0], y, n, tr[1], k, acc, &s)
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(ref[i]) {
						t.Fatalf("%v acc=%v trans=%v: entry %d = %v, want %v", sz, acc, tr, i, got[i], ref[i])
					}
				}
			}
		}
	}
}
