package kernel

import "fmt"

// Right64 is an n×d float64 matrix packed once as the right-hand operand of
// Dots64 (the rows of a projection, reused for every block of left rows).
type Right64 struct {
	im         impl64
	n, d, rows int
	p          []float64 // panels of nr rows: p[jp·d + k·nr + q]
}

// PackRight64 packs the n×d float64 matrix b (row-major) for Dots64.
func PackRight64(b []float64, n, d int) *Right64 {
	if len(b) != n*d {
		panic(fmt.Sprintf("kernel: PackRight64 of len %d, want %d·%d", len(b), n, d))
	}
	nr := best64.nr
	rows := (n + nr - 1) / nr * nr
	r := &Right64{im: best64, n: n, d: d, rows: rows, p: make([]float64, rows*d)}
	for j := 0; j < n; j++ {
		y := r.p[(j/nr)*nr*d:]
		q := j % nr
		for k, v := range b[j*d : (j+1)*d] {
			y[k*nr+q] = v
		}
	}
	return r
}

// Rows returns n, the number of rows of the packed matrix.
func (r *Right64) Rows() int { return r.n }

// Dots64 sets dst[i·n + j] = aᵢ·bⱼ for the rows of a (m×d, row-major) and
// of the packed b (n×d), in float64 throughout, as Gram64 computes its
// entries: fused multiply-adds over blocks of kc64 features, the blocks
// summed in order, so every entry has the accuracy of a plain float64 dot
// product, |ĝ − g| ≤ γ_d·Σₖ|aₖbₖ| with γ_d = d·u/(1 − d·u), u = 2⁻⁵³
// (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), and does
// not depend on threads (0 means GOMAXPROCS). Row panels of a are shared
// among the threads.
func Dots64(dst, a []float64, m int, b *Right64, threads int) {
	n, d := b.n, b.d
	if len(a) != m*d || len(dst) != m*n {
		panic(fmt.Sprintf("kernel: Dots64 of len(a) = %d, len(dst) = %d, want %d·%d and %d·%d", len(a), len(dst), m, d, m, n))
	}
	if m == 0 || n == 0 {
		return
	}
	if d == 0 {
		clear(dst)
		return
	}
	im := b.im
	mr, nr := im.mr, im.nr
	rows := (m + mr - 1) / mr * mr
	pa := make([]float64, rows*d)
	for i := 0; i < m; i++ {
		x := pa[(i/mr)*mr*d:]
		r := i % mr
		for k, v := range a[i*d : (i+1)*d] {
			x[k*mr+r] = v
		}
	}
	ldc := b.rows
	var c []float64
	if rows == m && ldc == n {
		c = dst // whole tiles: written in place, no scratch or copy
	} else {
		c = make([]float64, rows*ldc)
	}
	// Tasks of up to 8 row panels; within a task the features are the
	// outer loop, so that a kc64-feature slice of b stays in cache while
	// every panel of the task uses it. Each entry still sums its blocks of
	// kc64 features in order.
	panels := rows / mr
	const group = 8
	run((panels+group-1)/group, threadCount(threads), func(_ *worker, _, t int) {
		p0, p1 := t*group, min(t*group+group, panels)
		for k0 := 0; k0 < d; k0 += kc64 {
			kc := min(kc64, d-k0)
			for ip := p0 * mr; ip < p1*mr; ip += mr {
				for jp := 0; jp < ldc; jp += nr {
					im.tile(&pa[ip*d+k0*mr], &b.p[jp*d+k0*nr], kc, &c[ip*ldc+jp], ldc, k0 > 0)
				}
			}
		}
	})
	if &c[0] != &dst[0] {
		for i := 0; i < m; i++ {
			copy(dst[i*n:(i+1)*n], c[i*ldc:i*ldc+n])
		}
	}
}
