// Package linalg holds the dense linear algebra of PC-ID: the z-scoring of
// the columns (ZScore) and a faster BLAS for gonum's symmetric eigenvalue
// solver, the cost of PC-ID on an N×N Gram matrix (docs/DESIGN.md §2: PCA on the
// Gram matrix when N ≤ D).
//
// gonum's LAPACK reduces a symmetric matrix to tridiagonal form (Dsytrd)
// with two BLAS routines that dominate its time: Dsymv, a memory-bound
// symmetric matrix–vector product, and Dsyr2k, a rank-2k update. Both are
// single-threaded in gonum. BLAS wraps gonum's BLAS and runs these two on a
// fixed number of row blocks (Parts) in parallel; every other routine is
// gonum's. The row blocks and the order of every sum are fixed, so results
// do not depend on the number of threads (runtime.GOMAXPROCS).
//
// Install makes gonum's LAPACK use BLAS: gonum looks its BLAS up in a
// process-wide variable (gonum.org/v1/gonum/blas/blas64.Use), so this
// changes the BLAS of every gonum call in the process — to one that gives the
// same results up to rounding.
package linalg

import (
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// Parts is the number of row blocks of the parallel routines: a constant,
// so that sums are grouped the same way on any machine.
const Parts = 4

// minParallel is the order below which the routines stay serial (gonum's).
const minParallel = 256

// BLAS is gonum's BLAS with parallel Dsymv and Dsyr2k.
type BLAS struct{ gonum.Implementation }

var once sync.Once

// Install makes gonum's LAPACK (and every blas64 call) use BLAS. It is
// safe to call many times.
func Install() {
	once.Do(func() { blas64.Use(BLAS{}) })
}

// run calls f(p) for p = 0 … Parts−1 concurrently and waits.
func run(f func(p int)) {
	var wg sync.WaitGroup
	for p := 1; p < Parts; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(p)
		}()
	}
	f(0)
	wg.Wait()
}

// splitTriangle returns Parts+1 row boundaries that give every part about
// the same number of elements of a triangle of order n (row i of the upper
// triangle holds n − i elements).
func splitTriangle(n int, upper bool) [Parts + 1]int {
	var b [Parts + 1]int
	total := float64(n) * float64(n+1) / 2
	acc, p := 0.0, 1
	for i := 0; i < n && p < Parts; i++ {
		if upper {
			acc += float64(n - i)
		} else {
			acc += float64(i + 1)
		}
		if acc >= total*float64(p)/Parts {
			b[p] = i + 1
			p++
		}
	}
	for ; p <= Parts; p++ {
		b[p] = n
	}
	return b
}

var _ blas.Float64 = BLAS{}
