package nn

import "github.com/intdim/intdim/internal/kernel"

// kernelMinK is the reduction length from which matmulNT hands the product
// to the SIMD kernel of internal/kernel rather than the pure-Go gemm. The
// choice depends on k alone, so that a sample's result does not depend on
// how many samples share the product.
const kernelMinK = 8

// matmulNT sets c (m×n) to a·bᵀ, or adds it when acc is set, for the rows of
// a (m×k) and b (n×k). Large products run on internal/kernel's float32
// micro-kernels (float64 results, rounded once to float32), small ones on
// gemm. Each entry is the same whatever the other rows are, so results do
// not depend on how samples are split into shards or chunks.
func matmulNT(c, a []float32, m int, b []float32, n, k int, acc bool, buf *[]float64) {
	if m == 0 || n == 0 {
		return
	}
	if k < kernelMinK {
		gemm(false, true, m, n, k, a, k, b, k, acc, c, n)
		return
	}
	if cap(*buf) < m*n {
		*buf = make([]float64, m*n)
	}
	d := (*buf)[:m*n]
	kernel.Dots(d, a[:m*k], m, b[:n*k], n, k, 1)
	c = c[:m*n]
	if acc {
		for i, v := range d {
			c[i] += float32(v)
		}
	} else {
		for i, v := range d {
			c[i] = float32(v)
		}
	}
}

// transpose sets dst (cols×rows) to the transpose of src (rows×cols), in
// 32×32 blocks, four source rows at a time.
func transpose(dst, src []float32, rows, cols int) {
	const bs = 32
	for r0 := 0; r0 < rows; r0 += bs {
		r1 := min(rows, r0+bs)
		for c0 := 0; c0 < cols; c0 += bs {
			c1 := min(cols, c0+bs)
			r := r0
			for ; r+4 <= r1; r += 4 {
				s0 := src[r*cols : (r+1)*cols]
				s1 := src[(r+1)*cols : (r+2)*cols]
				s2 := src[(r+2)*cols : (r+3)*cols]
				s3 := src[(r+3)*cols : (r+4)*cols]
				for c := c0; c < c1; c++ {
					d := dst[c*rows+r : c*rows+r+4 : c*rows+r+4]
					d[0], d[1], d[2], d[3] = s0[c], s1[c], s2[c], s3[c]
				}
			}
			for ; r < r1; r++ {
				row := src[r*cols : (r+1)*cols]
				for c := c0; c < c1; c++ {
					dst[c*rows+r] = row[c]
				}
			}
		}
	}
}
