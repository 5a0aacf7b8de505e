package linalg

import "gonum.org/v1/gonum/blas"

// Dsyr2k computes the uplo triangle of C = α·A·Bᵀ + α·B·Aᵀ + β·C (or with
// transposed A and B). The rows of C are cut into Parts blocks of about
// equal triangle area; each block is one gonum Dsyr2k on its diagonal block
// and two Dgemm on the rectangle beside it, so every element of C is
// computed by one goroutine in a fixed order.
func (b BLAS) Dsyr2k(ul blas.Uplo, t blas.Transpose, n, k int, alpha float64, a []float64, lda int, bm []float64, ldb int, beta float64, c []float64, ldc int) {
	if n < minParallel || k == 0 || (ul != blas.Upper && ul != blas.Lower) || (t != blas.NoTrans && t != blas.Trans && t != blas.ConjTrans) {
		b.Implementation.Dsyr2k(ul, t, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	if t == blas.ConjTrans {
		t = blas.Trans
	}
	// rows r0..r1 of op(A) (n×k): for NoTrans A[r0:r1, :], for Trans the
	// columns r0..r1 of the k×n matrix A.
	sub := func(m []float64, ld, r int) []float64 {
		if t == blas.NoTrans {
			return m[r*ld:]
		}
		return m[r:]
	}
	tB := blas.Trans // op(A)·op(B)ᵀ as a Dgemm
	tA := blas.NoTrans
	if t == blas.Trans {
		tA, tB = blas.Trans, blas.NoTrans
	}
	bounds := splitTriangle(n, ul == blas.Upper)
	run(func(p int) {
		r0, r1 := bounds[p], bounds[p+1]
		if r1 <= r0 {
			return
		}
		m := r1 - r0
		g := b.Implementation
		g.Dsyr2k(ul, t, m, k, alpha, sub(a, lda, r0), lda, sub(bm, ldb, r0), ldb, beta, c[r0*ldc+r0:], ldc)
		if ul == blas.Upper && r1 < n {
			// C[r0:r1, r1:n] = α·A₁·B₂ᵀ + α·B₁·A₂ᵀ + β·C
			cc := c[r0*ldc+r1:]
			g.Dgemm(tA, tB, m, n-r1, k, alpha, sub(a, lda, r0), lda, sub(bm, ldb, r1), ldb, beta, cc, ldc)
			g.Dgemm(tA, tB, m, n-r1, k, alpha, sub(bm, ldb, r0), ldb, sub(a, lda, r1), lda, 1, cc, ldc)
		}
		if ul == blas.Lower && r0 > 0 {
			// C[r0:r1, 0:r0]
			cc := c[r0*ldc:]
			g.Dgemm(tA, tB, m, r0, k, alpha, sub(a, lda, r0), lda, bm, ldb, beta, cc, ldc)
			g.Dgemm(tA, tB, m, r0, k, alpha, sub(bm, ldb, r0), ldb, a, lda, 1, cc, ldc)
		}
	})
}
