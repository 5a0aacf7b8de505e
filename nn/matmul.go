package nn

import "github.com/intdim/intdim/internal/kernel"

// kernelMinK is the reduction length from which matmul hands the product
// to the SIMD kernel of internal/kernel rather than the pure-Go gemm. The
// choice depends on k alone, so that a sample's result does not depend on
// how many samples share the product.
const kernelMinK = 8

// matmul sets c (m×n) to a·bᵀ, or adds it when acc is set, where row i of a
// (m×k) is a[i·k : (i+1)·k], or column i of a stored k×m when aT is set, and
// likewise for the n rows of b with bT. Large products run on
// internal/kernel's float32 micro-kernels (float64 results, rounded once to
// float32), small ones on gemm. Each entry is the same whatever the other
// rows are, and whatever the storage, so results do not depend on how
// samples are split into shards or chunks.
func matmul(c, a []float32, m int, aT bool, b []float32, n int, bT bool, k int, acc bool, s *slot) {
	if m == 0 || n == 0 {
		return
	}
	if k < kernelMinK {
		lda, ldb := k, k
		if aT {
			lda = m
		}
		if bT {
			ldb = n
		}
		gemm(aT, !bT, m, n, k, a, lda, b, ldb, acc, c, n)
		return
	}
	c = c[:m*n]
	cross(s, a, m, aT, b, n, bT, k, func(i0, i1, j0, j1 int, g []float32, ld int) {
		for i := i0; i < i1; i++ {
			src := g[(i-i0)*ld : (i-i0)*ld+j1-j0]
			dst := c[i*n+j0 : i*n+j1]
			if acc {
				for j, v := range src {
					dst[j] += v
				}
			} else {
				copy(dst, src)
			}
		}
	})
}

// cross packs a and b (as matmul reads them) into the slot's reusable
// buffers and calls fn with the blocks of a·bᵀ: g[(i−i0)·ld + (j−j0)] is
// the dot product of rows i and j, summed in float64 and rounded once to
// float32 (kernel.Cross32). k must be at least kernelMinK.
func cross(s *slot, a []float32, m int, aT bool, b []float32, n int, bT bool, k int, fn func(i0, i1, j0, j1 int, g []float32, ld int)) {
	s.pa.PackLeft(a[:m*k], m, k, aT)
	s.pb.PackRight(b[:n*k], n, k, bT)
	kernel.Cross32(&s.pa, &s.pb, 1, func(_, i0, i1, j0, j1 int, g []float32, ld int) {
		fn(i0, i1, j0, j1, g, ld)
	})
}
