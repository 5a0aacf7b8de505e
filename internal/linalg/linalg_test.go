package linalg

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

func randSlice(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

func close(t *testing.T, what string, got, want []float64) {
	t.Helper()
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-11*(1+math.Abs(want[i])) {
			t.Fatalf("%s: element %d: %g, gonum %g", what, i, got[i], want[i])
		}
	}
}

func TestDsymvMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{3, 255, 256, 301, 700} {
		for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
			for _, inc := range [][2]int{{1, 1}, {3, 2}, {-2, 1}, {1, -3}} {
				for _, beta := range []float64{0, 0.5} {
					lda := n + 3
					a := randSlice(r, n*lda)
					x := randSlice(r, n*abs(inc[0]))
					y0 := randSlice(r, n*abs(inc[1]))
					want, got := slices.Clone(y0), slices.Clone(y0)
					gonum.Implementation{}.Dsymv(ul, n, 1.5, a, lda, x, inc[0], beta, want, inc[1])
					BLAS{}.Dsymv(ul, n, 1.5, a, lda, x, inc[0], beta, got, inc[1])
					close(t, "Dsymv", got, want)
				}
			}
		}
	}
}

func TestDsyr2kMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{5, 256, 333} {
		for _, k := range []int{1, 32} {
			for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
				for _, tr := range []blas.Transpose{blas.NoTrans, blas.Trans} {
					ra, ca := n, k
					if tr == blas.Trans {
						ra, ca = k, n
					}
					lda, ldb, ldc := ca+2, ca+1, n+4
					a := randSlice(r, ra*lda)
					b := randSlice(r, ra*ldb)
					c0 := randSlice(r, n*ldc)
					want, got := slices.Clone(c0), slices.Clone(c0)
					gonum.Implementation{}.Dsyr2k(ul, tr, n, k, -1, a, lda, b, ldb, 0.7, want, ldc)
					BLAS{}.Dsyr2k(ul, tr, n, k, -1, a, lda, b, ldb, 0.7, got, ldc)
					close(t, "Dsyr2k", got, want)
				}
			}
		}
	}
}

// Eigenvalues through the installed BLAS equal gonum's, and are
// bit-identical for any number of threads.
func TestEigenvaluesThreadIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 400
	z := mat.NewDense(n, 50, randSlice(r, n*50))
	var g mat.SymDense
	g.SymOuterK(1, z)
	eig := func() []float64 {
		var e mat.EigenSym
		if !e.Factorize(&g, false) {
			t.Fatal("no convergence")
		}
		return e.Values(nil)
	}
	want := eig()
	Install()
	var runs [][]float64
	for _, procs := range []int{1, 2, 3} {
		old := runtime.GOMAXPROCS(procs)
		runs = append(runs, eig())
		runtime.GOMAXPROCS(old)
	}
	close(t, "eigenvalues", runs[0], want)
	for _, v := range runs[1:] {
		if !slices.Equal(v, runs[0]) {
			t.Fatal("eigenvalues depend on GOMAXPROCS")
		}
	}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

func BenchmarkEigen2000(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 2000
	z := mat.NewDense(n, 300, randSlice(r, n*300))
	var g mat.SymDense
	g.SymOuterK(1, z)
	for _, inst := range []bool{false, true} {
		name := "gonum"
		if inst {
			name = "linalg"
			Install()
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				var e mat.EigenSym
				e.Factorize(&g, false)
			}
		})
	}
}
