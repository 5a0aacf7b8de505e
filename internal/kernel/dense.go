package kernel

import "fmt"

// Dots sets dst[i·n + j] = xᵢ·yⱼ for the rows of x (m×d) and y (n×d), with
// float64 results of the float32 kernel (error bound Tau).
func Dots(dst []float64, x []float32, m int, y []float32, n, d, threads int) {
	if len(dst) != m*n {
		panic(fmt.Sprintf("kernel: len(dst) = %d, want %d·%d", len(dst), m, n))
	}
	px := packWith(best, x, m, d, true, false)
	py := packWith(best, y, n, d, false, true)
	Cross(px, py, threads, func(_, i0, i1, j0, j1 int, g []float64, ldg int) {
		for i := i0; i < i1; i++ {
			copy(dst[i*n+j0:i*n+j1], g[(i-i0)*ldg:(i-i0)*ldg+j1-j0])
		}
	})
}

// SqDist sets dst[i·n + j] = ‖xᵢ‖² + ‖yⱼ‖² − 2·xᵢ·yⱼ, the squared Euclidean
// distances between the rows of x (m×d) and y (n×d), with norms summed in
// float64. Entries are approximate (error at most Tau(d)·(‖xᵢ‖²+‖yⱼ‖²)) and
// may be slightly negative for near-duplicate rows.
func SqDist(dst []float64, x []float32, m int, y []float32, n, d, threads int) {
	Dots(dst, x, m, y, n, d, threads)
	nx, ny := Norms(x, m, d), Norms(y, n, d)
	for i := 0; i < m; i++ {
		row := dst[i*n : (i+1)*n]
		for j := range row {
			row[j] = nx[i] + ny[j] - 2*row[j]
		}
	}
}

// Norms returns ‖xᵢ‖², summed in float64, for the rows of x (n×d).
func Norms(x []float32, n, d int) []float64 {
	out := make([]float64, n)
	for i := range out {
		var s float64
		for _, v := range x[i*d : (i+1)*d] {
			s += float64(v) * float64(v)
		}
		out[i] = s
	}
	return out
}

// Gram returns the n×n Gram matrix G = X·Xᵀ (row-major, float64) of the
// rows of x (n×d), computing each symmetric block once with the float32
// kernel (error bound Tau(d) relative to ‖xᵢ‖·‖xⱼ‖).
func Gram(x []float32, n, d, threads int) []float64 {
	g := make([]float64, n*n)
	AddGram(g, Pack(x, n, d), threads)
	return g
}

// AddGram adds X·Xᵀ of the packed matrix p into g (n×n, row-major), both
// triangles; blocks are disjoint, so it is safe with many threads.
func AddGram(g []float64, p *Packed, threads int) {
	n := p.N
	if len(g) != n*n {
		panic(fmt.Sprintf("kernel: len(g) = %d, want %d²", len(g), n))
	}
	SymGram(p, threads, func(_, i0, i1, j0, j1 int, b []float64, ldb int) {
		for i := i0; i < i1; i++ {
			src := b[(i-i0)*ldb : (i-i0)*ldb+j1-j0]
			dst := g[i*n+j0 : i*n+j1]
			for j, v := range src {
				dst[j] += v
			}
			if j0 != i0 {
				for j, v := range src {
					g[(j0+j)*n+i] += v
				}
			}
		}
	})
}
