package kernel

import (
	"fmt"
	"math"
	"unsafe"
)

// impl64 is a float64 micro-kernel: tile computes the MR×NR tile
//
//	c[r*ldc + j] (+)= Σ_{k<kc} a[k*MR + r] · b[k*NR + j]
//
// from interleaved panels, as impl does for float32.
type impl64 struct {
	name   string
	mr, nr int
	tile   func(a, b *float64, kc int, c *float64, ldc int, acc bool)
}

func goImpl64(mr, nr int) impl64 {
	return impl64{name: "purego", mr: mr, nr: nr, tile: func(a, b *float64, kc int, c *float64, ldc int, acc bool) {
		tileGo64(mr, nr, unsafe.Slice(a, kc*mr), unsafe.Slice(b, kc*nr), kc, unsafe.Slice(c, (mr-1)*ldc+nr), ldc, acc)
	}}
}

// tileGo64 is the specification of the float64 micro-kernels, exactly:
//
//	t = 0;  for k = 0 … kc−1:  t = math.FMA(a[k*mr+r], b[k*nr+j], t)
//	c[r*ldc+j] = t  or  c[r*ldc+j] + t  (acc)
//
// The assembly performs the same fused operations in the same order, so the
// results agree bit for bit.
func tileGo64(mr, nr int, a, b []float64, kc int, c []float64, ldc int, acc bool) {
	var buf [12 * 16]float64
	t := buf[:mr*nr]
	for k := 0; k < kc; k++ {
		ak := a[k*mr : (k+1)*mr]
		bk := b[k*nr : (k+1)*nr]
		for r, av := range ak {
			row := t[r*nr : (r+1)*nr]
			for j, bv := range bk {
				row[j] = math.FMA(av, bv, row[j])
			}
		}
	}
	for r := 0; r < mr; r++ {
		dst := c[r*ldc : r*ldc+nr]
		src := t[r*nr : (r+1)*nr]
		if acc {
			for j, v := range src {
				dst[j] += v
			}
		} else {
			copy(dst, src)
		}
	}
}

// kc64 is the number of features per float64 micro-kernel call (16 KiB B
// panel).
const kc64 = 128

// chunkWidth64 is the number of features packed at a time by Gram64.
const chunkWidth64 = 4096

// Gram64 returns the n×n Gram matrix G = A·Aᵀ (row-major, both triangles)
// of the n×d float64 matrix a, in float64 throughout: each entry is a
// sequence of fused multiply-adds over blocks of kc64 features, the blocks
// summed in order, so Gᵢⱼ has the accuracy of a plain float64 dot product
// (|Ĝᵢⱼ − Gᵢⱼ| ≤ γ_d·Σₖ|aᵢₖaⱼₖ|, Higham §3.1) and does not depend on threads.
// Each symmetric block is computed once, from threads goroutines (0 means
// GOMAXPROCS). This is the Gram or covariance of PC-ID (docs/DESIGN.md §2).
func Gram64(a []float64, n, d, threads int) []float64 {
	g := make([]float64, n*n)
	AddGram64(g, a, n, d, threads)
	return g
}

// AddGram64 adds A·Aᵀ, computed as Gram64 does, into g (n×n, row-major).
func AddGram64(g, a []float64, n, d, threads int) {
	if len(a) != n*d || len(g) != n*n {
		panic(fmt.Sprintf("kernel: AddGram64 of len(a) = %d, len(g) = %d, want %d·%d and %d²", len(a), len(g), n, d, n))
	}
	im := best64
	mr, nr := im.mr, im.nr
	rows := (n + padRows - 1) / padRows * padRows
	// G is padded to rows×rows; tiles accumulate into it in place. Features
	// are packed chunkWidth64 at a time to bound the extra memory.
	gp := make([]float64, rows*rows)
	w := min(d, chunkWidth64)
	pa := make([]float64, rows*w)
	pb := make([]float64, rows*w)
	nb := (rows + BlockRows - 1) / BlockRows
	type task struct{ bi, bj int }
	var tasks []task
	for bi := 0; bi < nb; bi++ {
		for bj := bi; bj < nb; bj++ {
			tasks = append(tasks, task{bi, bj})
		}
	}
	for c0 := 0; c0 < d; c0 += w {
		m := min(w, d-c0)
		for i := 0; i < n; i++ {
			src := a[i*d+c0 : i*d+c0+m]
			x := pa[(i/mr)*mr*m:]
			y := pb[(i/nr)*nr*m:]
			r, q := i%mr, i%nr
			for k, v := range src {
				x[k*mr+r] = v
				y[k*nr+q] = v
			}
		}
		run(len(tasks), threadCount(threads), func(_ *worker, _, t int) {
			i0, j0 := tasks[t].bi*BlockRows, tasks[t].bj*BlockRows
			i1, j1 := min(i0+BlockRows, rows), min(j0+BlockRows, rows)
			for k0 := 0; k0 < m; k0 += kc64 {
				kc := min(kc64, m-k0)
				for jp := j0; jp < j1; jp += nr {
					bp := &pb[jp*m+k0*nr]
					for ip := i0; ip < i1; ip += mr {
						im.tile(&pa[ip*m+k0*mr], bp, kc, &gp[ip*rows+jp], rows, c0 > 0 || k0 > 0)
					}
				}
			}
		})
	}
	for i := 0; i < n; i++ {
		g[i*n+i] += gp[i*rows+i]
		for j := i + 1; j < n; j++ {
			v := gp[i*rows+j]
			g[i*n+j] += v
			g[j*n+i] += v
		}
	}
}
