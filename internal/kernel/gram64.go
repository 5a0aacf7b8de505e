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

// panelBytes bounds the two panels of GramCols64 together where G is
// smaller than that.
const panelBytes = 4 << 20

// smallChunk64 is the number of features packed at a time when the rows
// are few (a multiple of kc64; small, so that the panels of a d×d
// covariance, cleared when allocated, stay in cache).
const smallChunk64 = 256

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
	addGram64(g, n, d, threads, false, func(c0, m, mr, nr int, pa, pb []float64) {
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
	})
}

// GramCols64 returns the d×d matrix Bᵀ·B (row-major, both triangles) of
// B = A − 1·sᵀ, A the n×d row-major float64 matrix a and s the row shift
// (nil for none; shifted by the column means, Bᵀ·B/(n − 1) is the
// covariance): bit for bit Gram64 of the d×n transpose of B, each element
// bᵢⱼ = aᵢⱼ − sⱼ, but packed straight from the rows of a, without the
// transpose or a copy of B.
func GramCols64(a []float64, n, d int, shift []float64, threads int) []float64 {
	if len(a) != n*d || (shift != nil && len(shift) != d) {
		panic(fmt.Sprintf("kernel: GramCols64 of len(a) = %d, len(shift) = %d, want %d·%d and %d", len(a), len(shift), n, d, d))
	}
	if d >= 1 && d <= covMaxD && n >= 1 && covBest.name != "purego" {
		// A few columns: centred a block at a time, straight into the
		// multiply (the panel path's packing costs more than the
		// products here; covSmall64).
		return covSmall64(covBest, a, n, d, shift)
	}
	return gramColsPanels64(a, n, d, shift, threads)
}

// gramColsPanels64 is GramCols64 through the float64 micro-kernels' panels.
func gramColsPanels64(a []float64, n, d int, shift []float64, threads int) []float64 {
	g := make([]float64, d*d)
	if n <= kc64 {
		// One block of features: each entry is a single chain of fused
		// multiply-adds, computed here directly (no panels).
		b := a
		if shift != nil {
			b = make([]float64, n*d)
			for k := range n {
				for j, v := range a[k*d : (k+1)*d] {
					b[k*d+j] = v - shift[j]
				}
			}
		}
		for i := range d {
			for j := i; j < d; j++ {
				var t float64
				for k := range n {
					t = math.FMA(b[k*d+i], b[k*d+j], t)
				}
				g[i*d+j], g[j*d+i] = t, t
			}
		}
		return g
	}
	b := make([]float64, d) // one shifted row
	gramColsRows64(g, n, d, threads, func(k int) []float64 {
		row := a[k*d : (k+1)*d]
		if shift != nil {
			for j, v := range row {
				b[j] = v - shift[j]
			}
			row = b
		}
		return row
	})
	return g
}

// GramColsFunc64 is GramCols64 (shift nil) of the n×d matrix B whose row k
// row writes into dst (d values), bit for bit, without B in memory where
// GramCols64 packs its panels from the rows (n > kc64 rows, d > covMaxD
// columns: PC-ID's z-scores, 131 MB for 32,000 × 512, are then never
// written); else B is written and GramCols64 takes it. row is called
// from one goroutine at a time, for every k once, in increasing order
// (dst may be reused between calls).
func GramColsFunc64(n, d int, row func(k int, dst []float64), threads int) []float64 {
	if n <= kc64 || d <= covMaxD && covBest.name != "purego" {
		b := make([]float64, n*d)
		for k := range n {
			row(k, b[k*d:(k+1)*d])
		}
		return GramCols64(b, n, d, nil, threads)
	}
	g := make([]float64, d*d)
	b := make([]float64, d)
	gramColsRows64(g, n, d, threads, func(k int) []float64 {
		row(k, b)
		return b
	})
	return g
}

// gramColsRows64 adds into g (d×d) Bᵀ·B of the n×d matrix B whose row k
// rowAt returns (valid until the next call), through the panels.
func gramColsRows64(g []float64, n, d, threads int, rowAt func(k int) []float64) {
	addGram64(g, d, n, threads, true, func(c0, m, mr, nr int, pa, pb []float64) {
		for k := 0; k < m; k++ {
			row := rowAt(c0 + k)
			// Element by element: a copy per panel is a call to memmove
			// for a dozen values.
			for g0 := 0; g0 < d; g0 += mr {
				dst := pa[g0*m+k*mr : g0*m+k*mr+mr]
				for t, v := range row[g0:min(g0+mr, d)] {
					dst[t] = v
				}
			}
			for g0 := 0; g0 < d; g0 += nr {
				dst := pb[g0*m+k*nr : g0*m+k*nr+nr]
				for t, v := range row[g0:min(g0+nr, d)] {
					dst[t] = v
				}
			}
		}
	})
}

// addGram64 adds into g (n×n) the Gram matrix of n rows of d features,
// which pack writes, m features from feature c0 at a time, into the
// interleaved panels pa (element k of row i at pa[(i/mr)·mr·m + k·mr +
// i%mr]) and pb (the same with nr); with small, in chunks of features
// whose panels take about as much memory as G (at least panelBytes).
func addGram64(g []float64, n, d, threads int, small bool, pack func(c0, m, mr, nr int, pa, pb []float64)) {
	im := best64
	mr, nr := im.mr, im.nr
	// G is padded to ra×rb (whole tiles); tiles accumulate into it in
	// place. The padding is per operand, so that a few rows (the d×d
	// covariance of lPCA, d ≤ 20) cost a few tiles, not a 96×96 block.
	// Features are packed w at a time to bound the extra memory; w is a
	// multiple of kc64, so the blocks of kc64 features, and hence every
	// sum, are the same whatever w is.
	ra, rb := (n+mr-1)/mr*mr, (n+nr-1)/nr*nr
	gp := make([]float64, ra*rb)
	w := min(d, chunkWidth64)
	if n <= 2*BlockRows {
		w = min(d, smallChunk64) // a few rows: keep the panels in cache
	}
	if small && w > kc64 {
		// Many features of a few hundred rows (GramCols64: PC-ID's ZᵀZ,
		// d×d from n features): panels about the size of G or
		// panelBytes, whichever is larger, not 4096 features (34 MB for
		// d = 512, faulted in afresh by every PC-ID of intdim merge, a
		// new process, and read back from memory, not cache).
		w = min(w, max(kc64, max(panelBytes, 8*ra*rb)/(8*(ra+rb))/kc64*kc64))
	}
	pa := make([]float64, ra*w)
	pb := make([]float64, rb*w)
	tasks := symTasks(max(ra, rb))
	for c0 := 0; c0 < d; c0 += w {
		m := min(w, d-c0)
		pack(c0, m, mr, nr, pa, pb)
		run(len(tasks), threadCount(threads), func(_ *worker, _, t int) {
			i0, j0 := tasks[t].bi*BlockRows, tasks[t].bj*BlockRows
			i1, j1 := min(i0+BlockRows, ra), min(j0+BlockRows, rb)
			for k0 := 0; k0 < m; k0 += kc64 {
				kc := min(kc64, m-k0)
				for jp := j0; jp < j1; jp += nr {
					bp := &pb[jp*m+k0*nr]
					// Tiles wholly below the diagonal (ip ≥ jp + nr) are
					// skipped: only the entries on and above it are read
					// below (a diagonal block of 128 rows: 37 of 88
					// tiles).
					for ip := i0; ip < min(i1, jp+nr); ip += mr {
						im.tile(&pa[ip*m+k0*mr], bp, kc, &gp[ip*rb+jp], rb, c0 > 0 || k0 > 0)
					}
				}
			}
		})
	}
	for i := 0; i < n; i++ {
		g[i*n+i] += gp[i*rb+i]
		for j := i + 1; j < n; j++ {
			v := gp[i*rb+j]
			g[i*n+j] += v
			g[j*n+i] += v
		}
	}
}
