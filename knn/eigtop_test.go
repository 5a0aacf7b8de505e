package knn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTopEigen: topEigen's eigenvalues equal symEigen's (to 10⁻¹² of the
// largest) and its vectors are unit, orthogonal and eigenvectors (residual
// ‖g·v − λ·v‖ ≤ 10⁻¹⁰ of the largest eigenvalue) on Gram matrices of
// random rows (full rank and rank 5), a matrix with eigenvalues repeated
// three and four times (a diagonal one turned by a reflection), and sizes
// 1, 2, 3 and 200.
func TestTopEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	gram := func(n, d, rank int) []float64 {
		basis := make([]float64, rank*d)
		for i := range basis {
			basis[i] = rng.NormFloat64()
		}
		rows := make([]float64, n*d)
		for i := range n {
			for r := range rank {
				c := rng.NormFloat64() / float64(r+1)
				for j := range d {
					rows[i*d+j] += c * basis[r*d+j]
				}
			}
		}
		g := make([]float64, n*n)
		for i := range n {
			for j := range n {
				var s float64
				for k := range d {
					s += rows[i*d+k] * rows[j*d+k]
				}
				g[i*n+j] = s
			}
		}
		return g
	}
	repeated := func(n int) []float64 {
		lam := make([]float64, n)
		for i := range lam {
			lam[i] = []float64{9, 9, 9, 4, 4, 4, 4, 1, 0.5, 0.25}[i%10]
		}
		u := make([]float64, n)
		var nu float64
		for i := range u {
			u[i] = rng.NormFloat64()
			nu += u[i] * u[i]
		}
		g := make([]float64, n*n)
		// (I − 2uuᵀ/‖u‖²)·Λ·(I − 2uuᵀ/‖u‖²)
		h := func(i, j int) float64 {
			v := -2 * u[i] * u[j] / nu
			if i == j {
				v++
			}
			return v
		}
		for i := range n {
			for j := range n {
				var s float64
				for k := range n {
					s += h(i, k) * lam[k] * h(k, j)
				}
				g[i*n+j] = s
			}
		}
		return g
	}
	cases := []struct {
		name string
		g    []float64
		n, m int
	}{
		{"1", []float64{3}, 1, 1},
		{"2", []float64{2, 1, 1, 2}, 2, 2},
		{"3", gram(3, 5, 3), 3, 2},
		{"random 200", gram(200, 300, 200), 200, 128},
		{"rank 5", gram(60, 80, 5), 60, 5},
		{"repeated 40", repeated(40), 40, 30},
	}
	for _, c := range cases {
		want, _, ok := symEigen(append([]float64(nil), c.g...), c.n)
		if !ok {
			t.Fatalf("%s: symEigen failed", c.name)
		}
		g0 := append([]float64(nil), c.g...)
		vals, vecs, ok := topEigen(c.g, c.n, func([]float64) int { return c.m }, 2)
		if !ok || len(vecs) != c.m*c.n {
			t.Fatalf("%s: ok = %v, %d vector entries, want %d", c.name, ok, len(vecs), c.m*c.n)
		}
		for i, v := range c.g {
			if v != g0[i] {
				t.Fatalf("%s: g changed", c.name)
			}
		}
		top := want[c.n-1]
		for i := range c.n {
			if math.Abs(vals[i]-want[c.n-1-i]) > 1e-12*top {
				t.Errorf("%s: eigenvalue %d = %v, want %v", c.name, i, vals[i], want[c.n-1-i])
			}
		}
		n := c.n
		for a := range c.m {
			va := vecs[a*n : (a+1)*n]
			for b := 0; b <= a; b++ {
				var p float64
				for i, v := range va {
					p += v * vecs[b*n+i]
				}
				if a == b {
					p--
				}
				if math.Abs(p) > 1e-10 {
					t.Errorf("%s: vectors %d·%d off by %v", c.name, a, b, p)
				}
			}
			var r float64
			for i := range n {
				s := -vals[a] * va[i]
				for j := range n {
					s += c.g[i*n+j] * va[j]
				}
				r += s * s
			}
			if math.Sqrt(r) > 1e-10*top {
				t.Errorf("%s: vector %d residual %v", c.name, a, math.Sqrt(r))
			}
		}
	}
	if _, _, ok := topEigen([]float64{1, 0, 0, 1}, 2, func([]float64) int { return 0 }, 1); ok {
		t.Error("count 0 accepted")
	}
}

// TestTopEigenEdges: topEigen refuses a matrix of the wrong size, n < 1,
// a NaN entry and the zero matrix (ok false, no panic: the plan then has
// no directions); on a diagonal matrix (an off-diagonal of zeros) it
// returns the unit vectors of the largest entries, and a count above n is
// clamped to n.
func TestTopEigenEdges(t *testing.T) {
	all := func(vals []float64) int { return len(vals) + 5 }
	if _, _, ok := topEigen(make([]float64, 8), 3, all, 1); ok {
		t.Error("8 entries for 3×3 accepted")
	}
	if _, _, ok := topEigen(nil, 0, all, 1); ok {
		t.Error("n = 0 accepted")
	}
	nan := []float64{1, 0, 0, math.NaN()}
	if _, _, ok := topEigen(nan, 2, all, 1); ok {
		t.Error("NaN entry accepted")
	}
	n := 6
	if _, _, ok := topEigen(make([]float64, n*n), n, all, 1); ok {
		t.Error("zero matrix: vectors returned (its inverse iteration overflows: no direction to take)")
	}
	orthonormal := func(name string, vecs []float64, m int) {
		t.Helper()
		for a := range m {
			for b := range m {
				var p float64
				for i := range n {
					p += vecs[a*n+i] * vecs[b*n+i]
				}
				want := 0.0
				if a == b {
					want = 1
				}
				if math.Abs(p-want) > 1e-10 {
					t.Fatalf("%s: vectors %d·%d = %g, want %g", name, a, b, p, want)
				}
			}
		}
	}
	g := make([]float64, n*n)
	for i := range n {
		g[i*n+i] = float64(i + 1) // eigenvalue i + 1, vector eᵢ
	}
	vals, vecs, ok := topEigen(g, n, func([]float64) int { return 3 }, 1)
	if !ok || len(vecs) != 3*n {
		t.Fatalf("diagonal: ok %v, %d vector entries; want %d", ok, len(vecs), 3*n)
	}
	orthonormal("diagonal", vecs, 3)
	for r := range 3 {
		if want := float64(n - r); math.Abs(vals[r]-want) > 1e-12 {
			t.Errorf("diagonal: eigenvalue %d = %g, want %g", r, vals[r], want)
		}
		if c := math.Abs(vecs[r*n+n-1-r]); math.Abs(c-1) > 1e-10 {
			t.Errorf("diagonal: vector %d has |component %d| = %g, want 1", r, n-1-r, c)
		}
	}
	if _, vecs, ok := topEigen(g, n, all, 1); !ok || len(vecs) != n*n {
		t.Fatalf("diagonal, count above n: ok %v, %d vector entries; want %d", ok, len(vecs), n*n)
	} else {
		orthonormal("diagonal, all", vecs, n)
	}
}

// BenchmarkTopEigenClustered: 128 vectors of the Gram matrix of 192 rows
// of 400 columns scaled by 1/(1 + column), a spectrum whose small
// eigenvalues lie within 10⁻³·‖T‖ of each other (one cluster: the inverse
// iteration orthogonalises each vector against all before it); BENCHMARKS.md
// issue 16, 8.0 → 6.5 ms with gonum's vector dot and axpy.
func BenchmarkTopEigenClustered(b *testing.B) {
	const n, d = 192, 400
	x := make([]float64, n*d)
	s := uint64(1)
	for i := range x {
		s = s*6364136223846793005 + 1442695040888963407
		x[i] = (float64(int64(s>>11))/(1<<52) - 1) / float64(1+i%d)
	}
	g := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var t float64
			for k := 0; k < d; k++ {
				t += x[i*d+k] * x[j*d+k]
			}
			g[i*n+j] = t
		}
	}
	for b.Loop() {
		topEigen(g, n, func([]float64) int { return 128 }, 1)
	}
}
