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
// triangles; blocks are disjoint, so it is safe with many threads. Each
// entry off the diagonal is computed once, for i < j, and added to both
// g[i·n + j] and g[j·n + i]: the micro-kernel's sum for (j, i) is the same
// sequence of the same products, so the values are those of computing
// both (SymGram's complete diagonal blocks), bit for bit, from about 60 %
// of a diagonal block's tiles (the pruned plan's 192 sample rows: 58 of 96).
func AddGram(g []float64, p *Packed, threads int) {
	n := p.N
	if len(g) != n*n {
		panic(fmt.Sprintf("kernel: len(g) = %d, want %d²", len(g), n))
	}
	if p.a == nil || p.b == nil {
		panic("kernel: AddGram needs both layouts")
	}
	tasks := symTasks(p.Rows)
	run(len(tasks), threadCount(threads), func(w *worker, _, t int) {
		i0, j0 := tasks[t].bi*BlockRows, tasks[t].bj*BlockRows
		i1, j1 := min(i0+BlockRows, p.Rows), min(j0+BlockRows, p.Rows)
		w.blockTiles(p, p, i0, i1, j0, j1, false, true)
		if i0 >= n || j0 >= n {
			return
		}
		i1, j1 = min(i1, n), min(j1, n)
		b := w.g64
		for i := i0; i < i1; i++ {
			src := b[(i-i0)*BlockRows : (i-i0)*BlockRows+j1-j0]
			if j0 == i0 {
				// A diagonal block: the entries on and above the diagonal.
				g[i*n+i] += src[i-i0]
				for j := i + 1; j < j1; j++ {
					v := src[j-j0]
					g[i*n+j] += v
					g[j*n+i] += v
				}
				continue
			}
			dst := g[i*n+j0 : i*n+j1]
			for j, v := range src {
				dst[j] += v
			}
			for j, v := range src {
				g[(j0+j)*n+i] += v
			}
		}
	})
}
