package linalg

import "gonum.org/v1/gonum/blas"

// Dsymv computes y = α·A·x + β·y for a symmetric n×n matrix A of which only
// the uplo triangle is referenced (row-major, leading dimension lda).
//
// Each of Parts row blocks reads its rows of the triangle once and adds
// both their row (A[i,j]·x[j]) and their mirrored column (A[i,j]·x[i] into
// y[j]) contributions to a private vector; the private vectors are then
// summed in block order.
func (b BLAS) Dsymv(ul blas.Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if n < minParallel || alpha == 0 || (ul != blas.Upper && ul != blas.Lower) || incX == 0 || incY == 0 || lda < n {
		b.Implementation.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	xs := gather(n, x, incX)
	var part [Parts][]float64
	bounds := splitTriangle(n, ul == blas.Upper)
	run(func(p int) {
		acc := make([]float64, n)
		for i := bounds[p]; i < bounds[p+1]; i++ {
			xi := xs[i]
			if ul == blas.Upper {
				row := a[i*lda+i : i*lda+n]
				s := row[0] * xi
				s += dotAxpy(row[1:], xs[i+1:], acc[i+1:], xi)
				acc[i] += s
			} else {
				row := a[i*lda : i*lda+i+1]
				s := row[i] * xi
				s += dotAxpy(row[:i], xs[:i], acc[:i], xi)
				acc[i] += s
			}
		}
		part[p] = acc
	})
	for i := 0; i < n; i++ {
		var s float64
		for p := 0; p < Parts; p++ {
			s += part[p][i]
		}
		iy := i * incY
		if incY < 0 {
			iy = (n - 1 - i) * -incY
		}
		if beta == 0 {
			y[iy] = alpha * s
		} else {
			y[iy] = beta*y[iy] + alpha*s
		}
	}
}

// dotAxpy returns Σ row[j]·x[j] and adds row[j]·xi to acc[j], in one pass
// over row.
func dotAxpy(row, x, acc []float64, xi float64) float64 {
	x = x[:len(row)]
	acc = acc[:len(row)]
	var s0, s1, s2, s3 float64
	j := 0
	for ; j+4 <= len(row); j += 4 {
		r0, r1, r2, r3 := row[j], row[j+1], row[j+2], row[j+3]
		s0 += r0 * x[j]
		s1 += r1 * x[j+1]
		s2 += r2 * x[j+2]
		s3 += r3 * x[j+3]
		acc[j] += r0 * xi
		acc[j+1] += r1 * xi
		acc[j+2] += r2 * xi
		acc[j+3] += r3 * xi
	}
	for ; j < len(row); j++ {
		s0 += row[j] * x[j]
		acc[j] += row[j] * xi
	}
	return (s0 + s1) + (s2 + s3)
}

// gather returns x as a contiguous vector of n elements (BLAS increments,
// negative ones counting from the end).
func gather(n int, x []float64, inc int) []float64 {
	if inc == 1 {
		return x[:n]
	}
	out := make([]float64, n)
	for i := range out {
		if inc > 0 {
			out[i] = x[i*inc]
		} else {
			out[i] = x[(n-1-i)*-inc]
		}
	}
	return out
}
