package knn

import (
	"math"

	"gonum.org/v1/gonum/blas"
	gfloats "gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack/gonum"

	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
)

// topEigen returns the largest eigenvalues of the symmetric n×n matrix g
// (row-major, both triangles; left unchanged), in decreasing order, and
// the eigenvectors of the first count(vals) of them as the rows of vecs
// (count × n, unit norm); false when a step fails or count is 0.
//
// It is the eigendecomposition of symEigen for a few of the vectors: g is
// reduced to a tridiagonal T = Hᵀ·g·H (Dsytrd, H formed by Dorgtr), its
// eigenvalues found without vectors (Dsterf, the QL/QR iteration on T
// alone: O(n²)), each wanted vector z of T by inverse iteration — solves
// of (T − λ)·z = b by Gaussian elimination with partial pivoting, O(n)
// each, two per vector (λ from Dsterf is accurate to rounding: a third
// solve left the plan's εQ on pool1 and conv1 as it was, and cost 1 ms
// of pool1's pruned estimate), each new z orthogonalised against those of
// eigenvalues within 10⁻³·‖T‖₁ of it (LAPACK's dstein: a cluster's
// vectors would otherwise come out alike) — and mapped back, v = H·z
// (kernel.Dots64). symEigen's Dsteqr applies every rotation of the QL
// iteration to all n² entries of H (200 rows: 11 of its 15 ms, one
// thread); with topEigen the plan's eigendecomposition of 200 rows takes
// about 8 ms (BENCHMARKS.md, issue 16). The directions it gives a
// pruned plan only need to be close to orthonormal (the plan measures εQ
// and orthonormalises when it must), never exact: the search's results
// do not depend on them.
func topEigen(g []float64, n int, count func(vals []float64) int, threads int) (vals, vecs []float64, ok bool) {
	if n < 1 || len(g) != n*n {
		return nil, nil, false
	}
	linalg.Install()
	var impl gonum.Implementation
	a := append([]float64(nil), g...)
	d, e, tau := make([]float64, n), make([]float64, max(n-1, 1)), make([]float64, max(n-1, 1))
	var q [1]float64
	impl.Dsytrd(blas.Lower, n, a, n, d, e, tau, q[:], -1)
	lw := max(int(q[0]), n)
	impl.Dorgtr(blas.Lower, n, a, n, tau, q[:], -1)
	lw = max(lw, int(q[0]))
	work := make([]float64, lw)
	impl.Dsytrd(blas.Lower, n, a, n, d, e, tau, work, lw)
	impl.Dorgtr(blas.Lower, n, a, n, tau, work, lw)
	ev := append([]float64(nil), d...)
	ee := append([]float64(nil), e[:n-1]...)
	if !impl.Dsterf(n, ev, ee) {
		return nil, nil, false
	}
	vals = make([]float64, n)
	for i, v := range ev {
		vals[n-1-i] = v
	}
	m := count(vals)
	if m <= 0 || math.IsNaN(vals[0]) {
		return vals, nil, false
	}
	m = min(m, n)
	var tnorm float64
	for i := range n {
		s := math.Abs(d[i])
		if i > 0 {
			s += math.Abs(e[i-1])
		}
		if i < n-1 {
			s += math.Abs(e[i])
		}
		tnorm = max(tnorm, s)
	}
	z := make([]float64, m*n)
	var lu triLU
	seed := uint64(0x9E3779B97F4A7C15)
	first := 0 // the first vector of the current cluster
	for t := range m {
		if t > 0 && vals[t-1]-vals[t] > 1e-3*tnorm {
			first = t
		}
		x := z[t*n : (t+1)*n]
		for i := range x {
			seed = seed*6364136223846793005 + 1442695040888963407
			x[i] = float64(int64(seed>>11))/(1<<52) - 1 // in [−1, 1)
		}
		lu.factor(d, e[:n-1], vals[t], tnorm)
		for range 2 {
			lu.solve(x)
			for s := first; s < t; s++ {
				zs := z[s*n : (s+1)*n]
				gfloats.AddScaled(x, -gfloats.Dot(zs, x), zs)
			}
			var nx float64
			for _, v := range x {
				nx += v * v
			}
			nx = math.Sqrt(nx)
			if !(nx > 0) || math.IsInf(nx, 0) {
				return vals, nil, false
			}
			for i := range x {
				x[i] /= nx
			}
		}
	}
	// v = H·z: vecs[t][i] = Σⱼ z[t][j]·H[i][j].
	vecs = make([]float64, m*n)
	kernel.Dots64(vecs, z, m, kernel.PackRight64(a, n, n), threads)
	return vals, vecs, true
}

// triLU is the LU factorisation with partial pivoting of a symmetric
// tridiagonal T − λ (LAPACK's dgttrf): row i of U holds u0[i], u1[i],
// u2[i] on the diagonal and the two entries right of it, l[i] is the
// multiplier of step i and swap[i] whether rows i and i + 1 were
// exchanged. A pivot below ε·‖T‖ is replaced by ±ε·‖T‖ (as dstein does), so
// that a solve near an eigenvalue grows large instead of failing.
type triLU struct {
	u0, u1, u2, l []float64
	swap          []bool
}

func (f *triLU) factor(d, e []float64, lambda, tnorm float64) {
	n := len(d)
	if cap(f.u0) < n {
		f.u0, f.u1, f.u2, f.l = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		f.swap = make([]bool, n)
	}
	u0, u1, u2, l, sw := f.u0[:n], f.u1[:n], f.u2[:n], f.l[:n], f.swap[:n]
	for i := range n {
		u0[i] = d[i] - lambda
		u1[i], u2[i], l[i], sw[i] = 0, 0, 0, false
		if i < n-1 {
			u1[i] = e[i]
		}
	}
	tiny := 0x1p-52 * max(tnorm, 0x1p-900)
	for i := 0; i < n-1; i++ {
		sub := e[i] // the entry below the diagonal in row i + 1
		if math.Abs(u0[i]) >= math.Abs(sub) {
			if math.Abs(u0[i]) < tiny {
				u0[i] = math.Copysign(tiny, u0[i])
			}
			fact := sub / u0[i]
			l[i] = fact
			u0[i+1] -= fact * u1[i]
		} else {
			// Rows i and i + 1 exchanged: row i + 1 is (sub, u0[i+1],
			// u1[i+1]).
			fact := u0[i] / sub
			u0[i], l[i], sw[i] = sub, fact, true
			t := u1[i]
			u1[i] = u0[i+1]
			u0[i+1] = t - fact*u0[i+1]
			if i < n-2 {
				u2[i] = u1[i+1]
				u1[i+1] = -fact * u1[i+1]
			}
		}
	}
	for i := range u0 {
		if math.Abs(u0[i]) < tiny {
			u0[i] = math.Copysign(tiny, u0[i])
		}
	}
}

// solve overwrites b with (T − λ)⁻¹·b (LAPACK's dgtts2).
func (f *triLU) solve(b []float64) {
	n := len(b)
	u0, u1, u2, l, sw := f.u0[:n], f.u1[:n], f.u2[:n], f.l[:n], f.swap[:n]
	for i := 0; i < n-1; i++ {
		if !sw[i] {
			b[i+1] -= l[i] * b[i]
		} else {
			b[i], b[i+1] = b[i+1], b[i]-l[i]*b[i+1]
		}
	}
	b[n-1] /= u0[n-1]
	if n > 1 {
		b[n-2] = (b[n-2] - u1[n-2]*b[n-1]) / u0[n-2]
	}
	for i := n - 3; i >= 0; i-- {
		b[i] = (b[i] - u1[i]*b[i+1] - u2[i]*b[i+2]) / u0[i]
	}
}
