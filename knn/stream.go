package knn

import (
	"errors"
	"fmt"
	"github.com/intdim/intdim/internal/bytesize"
	"math"

	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
)

// ColumnSource is an n×d matrix read a block of columns at a time: a layer
// too large to load, read in place from wherever it lives (the pipeline
// passes a .npy file opened as one). knn streams from it without knowing
// where the values are.
type ColumnSource interface {
	// Dims returns the number of rows n and of columns d.
	Dims() (n, d int)
	// ReadColumns reads columns [c0, c1) of every row into dst, row-major
	// (len(dst) = n·(c1 − c0)), converted to float64.
	ReadColumns(c0, c1 int, dst []float64) error
}

// FileSearch is the result of SearchColumns (and of a search that loaded
// the matrix instead, with Streamed false).
type FileSearch struct {
	Graph    *Graph
	N, D     int
	Streamed bool // the matrix was streamed, not loaded
	// ZGram (when asked for) is the N×N Gram matrix ZZᵀ of the z-scored
	// columns of the rows searched, L2-normalised for Cosine (mean 0,
	// population standard deviation 1, constant columns dropped, as PC-ID
	// does, docs/DESIGN.md §2), summed in float64 by
	// kernel.AddGram64; ZDim is the number of columns kept. Its eigenvalues
	// are those of PC-ID, so a layer larger than memory still gets one.
	ZGram []float64
	ZDim  int
}

// SearchColumns returns the k nearest neighbours of every row of src,
// streamed in column blocks (see streamSearch) under memBudget (≤ 0 means
// DefaultMemBudget()) and never held whole; with zgram it also accumulates
// the z-score Gram matrix for PC-ID in the same pass. The graph is that of
// Search on the loaded matrix, bit for bit. Streams says when streaming
// is the cheaper way; SearchColumns streams whatever the size.
func SearchColumns(src ColumnSource, k int, opt *Options, memBudget int64, zgram bool) (*FileSearch, error) {
	if k < 1 {
		panic("knn: k < 1")
	}
	if memBudget <= 0 {
		memBudget = DefaultMemBudget()
	}
	n, d := src.Dims()
	res := &FileSearch{N: n, D: d}
	if k > n-1 {
		return res, fmt.Errorf("%w: k = %d with %d points", ErrTooFewPoints, k, n)
	}
	// Streaming holds an n×n float64 accumulator (two with zgram); refuse
	// one beyond the budget (small ones, under 64 MiB, always run).
	if acc := int64(n) * int64(n) * 8; acc > memBudget && acc > 64<<20 {
		return res, fmt.Errorf("%d×%d does not fit in the memory budget of %s, and streaming it needs an %d×%d accumulator of %s",
			n, d, bytesize.Format(float64(memBudget)), n, n, bytesize.Format(float64(acc)))
	}
	res.Streamed = true
	if err := streamSearch(src, n, d, k, opt, memBudget, zgram, res); err != nil {
		return res, err
	}
	return res, nil
}

// streamWidth returns the number of columns per block: a block costs
// 16 bytes per element (float64 values, float32 packed twice), and gets a
// quarter of the budget left after the n×n accumulator, at most
// streamBlockMax; it is a multiple of kernel.Dist2Lanes so that pass 2 sums
// exactly as Dist2 does.
func streamWidth(n, d int, memBudget int64) int {
	return streamWidthPer(n, d, memBudget, 16)
}

// streamWidthPer is streamWidth for blocks costing perElem bytes per element.
func streamWidthPer(n, d int, memBudget int64, perElem int64) int {
	free := memBudget - int64(n)*int64(n)*8
	w := int(min(max(free/4, 0), streamBlockMax) / (int64(max(n, 1)) * perElem))
	w = max(w, 64) / kernel.Dist2Lanes * kernel.Dist2Lanes
	if w >= d {
		return d
	}
	return w
}

// streamSearch searches an n×d .npy matrix without loading it, in two (three
// for Cosine) passes over column blocks [c₀, c₁):
//
//  0. Cosine only: the row norms, summed in the same order as Normalize.
//  1. (With zgram, each block's columns, normalised for Cosine, are
//     z-scored exactly as whole columns, and kernel.AddGram64 adds their
//     Gram into FileSearch.ZGram.)
//     Each block is centred by its own column means, scaled by a power of two,
//     rounded to float32 and its Gram matrix added (kernel.AddGram) into an
//     n×n float64 accumulator G, with the squared norms nᵢ; then G holds the
//     Gram matrix of the centred rows to within τ·(nᵢ + nⱼ)/2 and the
//     candidates of every row are chosen exactly as in kernelSearch.
//  2. For the candidate pairs only, Σ (xᵢₖ − xⱼₖ)² is accumulated in float64
//     over the blocks in Dist2's own order (kernel.Dist2Acc's 32 partial
//     sums, block starts multiple of 32, kernel.Dist2Sum for the tail), so
//     the distances equal Dist2 bit for bit and the graph equals Search on
//     the loaded matrix.
//
// Memory: G (8·n² bytes) plus one block (16·n·w bytes); with zgram a
// second n×n accumulator and 40·n·w bytes per block.
func streamSearch(src ColumnSource, n, d, k int, opt *Options, memBudget int64, zgram bool, res *FileSearch) error {
	threads := opt.threads()
	w := streamWidth(n, d, memBudget)
	if zgram {
		// z-scores (8 B) and kernel.AddGram64's packing (16 B) per element,
		// a second n×n accumulator.
		w = streamWidthPer(n, d, memBudget-int64(n)*int64(n)*8, 40)
		res.ZGram = make([]float64, n*n)
	}
	buf := make([]float64, n*w)
	blocks := func(f func(c0, c1 int, x []float64) error) error {
		for c0 := 0; c0 < d; c0 += w {
			c1 := min(c0+w, d)
			x := buf[:n*(c1-c0)]
			if err := src.ReadColumns(c0, c1, x); err != nil {
				return err
			}
			if err := f(c0, c1, x); err != nil {
				return err
			}
		}
		return nil
	}
	// Pass 0: row scale for Cosine.
	var inv []float64
	if opt.metric() == Cosine {
		ss := make([]float64, n)
		var raw float64
		if err := blocks(func(c0, c1 int, x []float64) error {
			m := c1 - c0
			raw = maxAbs(x, raw)
			for i := range ss {
				for _, v := range x[i*m : (i+1)*m] {
					ss[i] += v * v
				}
			}
			return nil
		}); err != nil {
			return err
		}
		if err := extremeScale(raw); err != nil {
			return err
		}
		inv = make([]float64, n)
		var zero []int
		for i, s := range ss {
			if s == 0 {
				zero = append(zero, i)
				continue
			}
			inv[i] = 1 / math.Sqrt(s)
		}
		if zero != nil {
			return &ZeroNormError{Rows: zero, N: n}
		}
	}
	normalize := func(x []float64, m int) {
		if inv == nil {
			return
		}
		for i, s := range inv {
			row := x[i*m : (i+1)*m]
			for j, v := range row {
				row[j] = v * s
			}
		}
	}
	// Pass 1: Gram of the block-centred rows.
	gram := make([]float64, n*n)
	norm := make([]float64, n)
	var eabs float64
	nblocks := 0
	mean := make([]float64, w)
	var raw float64
	if err := blocks(func(c0, c1 int, x []float64) error {
		m := c1 - c0
		if inv == nil { // Cosine: pass 0 checked the scale
			if raw = maxAbs(x, raw); raw > 0x1p200 {
				if err := extremeScale(raw); err != nil {
					return err // before the centring overflows
				}
			}
		}
		normalize(x, m) // PC-ID measures the rows the neighbours are searched on
		if zgram {
			z, mz := linalg.ZScore(x, n, m)
			kernel.AddGram64(res.ZGram, z, n, mz, threads)
			res.ZDim += mz
		}
		nblocks++
		mean := mean[:m]
		clear(mean)
		for i := 0; i < n; i++ {
			for j, v := range x[i*m : (i+1)*m] {
				mean[j] += v
			}
		}
		var big float64
		for j := range mean {
			mean[j] /= float64(n)
		}
		for i := 0; i < n; i++ {
			for j, v := range x[i*m : (i+1)*m] {
				big = max(big, math.Abs(v-mean[j]))
			}
		}
		if math.IsNaN(big) || math.IsInf(big, 0) {
			return fmt.Errorf("columns %d…%d hold a NaN or infinity", c0, c1-1)
		}
		scale := 1.0
		if big > 0 {
			_, e := math.Frexp(big)
			scale = math.Ldexp(1, -e)
		}
		p := kernel.PackFunc(n, m, func(i int, dst []float32) {
			var s float64
			for j, v := range x[i*m : (i+1)*m] {
				c := (v - mean[j]) * scale
				s += c * c
				dst[j] = float32(c)
			}
			norm[i] += s / (scale * scale)
		})
		un := 1 / (scale * scale) // exact: a power of two
		kernel.SymGram(p, threads, func(_, i0, i1, j0, j1 int, b []float64, ldb int) {
			for i := i0; i < i1; i++ {
				src := b[(i-i0)*ldb : (i-i0)*ldb+j1-j0]
				dst := gram[i*n+j0 : i*n+j1]
				for j, v := range src {
					dst[j] += v * un
				}
				if j0 != i0 {
					for j, v := range src {
						gram[(j0+j)*n+i] += v * un
					}
				}
			}
		})
		eabs += float64(4*m+4) * 0x1p-120 * un
		return nil
	}); err != nil {
		return err
	}
	if err := extremeScale(raw); err != nil {
		return err
	}
	tau := 2*kernel.Tau(min(w, d)) + float64(4*d+16)*0x1p-52 + float64(nblocks+2)*0x1p-50
	rows := candidatesFromGram(gram, norm, n, k, tau, eabs, threads)
	gram = nil
	// Pass 2: exact squared distances of the candidate pairs.
	type pair struct {
		j int32
		s [kernel.Dist2Lanes]float64
	}
	cands := make([][]pair, n)
	var sc []float32 // the selection scratch of prune
	for i := range rows {
		r := &rows[i]
		if r.overflow {
			for j := 0; j < n; j++ {
				if j != i {
					cands[i] = append(cands[i], pair{j: int32(j)})
				}
			}
		} else {
			r.prune(&sc)
			for _, cd := range r.c {
				cands[i] = append(cands[i], pair{j: cd.j})
			}
		}
		rows[i] = rowCands{}
	}
	dl := d &^ (kernel.Dist2Lanes - 1) // columns summed by Dist2Acc
	dist2 := make([][]float64, n)
	if err := blocks(func(c0, c1 int, x []float64) error {
		m := c1 - c0
		normalize(x, m)
		split := max(0, min(m, dl-c0)) // a multiple of 32
		parallelRows(n, threads, func(i int, _ *TopK) {
			a := x[i*m : (i+1)*m]
			for t := range cands[i] {
				c := &cands[i][t]
				b := x[int(c.j)*m : (int(c.j)+1)*m]
				kernel.Dist2Acc(&c.s, a[:split], b[:split])
			}
			if c1 == d {
				dist2[i] = make([]float64, len(cands[i]))
				for t := range cands[i] {
					c := &cands[i][t]
					b := x[int(c.j)*m : (int(c.j)+1)*m]
					dist2[i][t] = kernel.Dist2Sum(&c.s, a[split:], b[split:])
				}
			}
		})
		return nil
	}); err != nil {
		return err
	}
	g := &Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k)}
	parallelRows(n, threads, func(i int, h *TopK) {
		h.Reset(k)
		for t, c := range cands[i] {
			h.Push(dist2[i][t], c.j)
		}
		h.Sorted(g.Index[i*k:(i+1)*k], g.Dist[i*k:(i+1)*k])
		for j := i * k; j < (i+1)*k; j++ {
			g.Dist[j] = math.Sqrt(g.Dist[j])
		}
	})
	res.Graph = g
	return nil
}

// ErrExtremeScale is returned by SearchColumns for values whose largest
// magnitude lies outside [2⁻²⁰⁰, 2²⁰⁰] (only float64 data can): loaded,
// such data are first multiplied by a power of two (as estimate.Points
// does) so that squared distances neither overflow nor lose digits as
// subnormals; streamed, the scale is known only after a whole pass, when
// the Gram matrix is already summed, so the layer is refused rather than
// searched differently.
var ErrExtremeScale = errors.New("knn: values beyond 2^±200 cannot be streamed (they are rescaled only when loaded)")

// maxAbs returns the largest of big and the magnitudes of x (NaN if x
// holds one, or big is NaN): kernel.MaxAbsBits64's.
func maxAbs(x []float64, big float64) float64 {
	return max(big, math.Float64frombits(kernel.MaxAbsBits64(x)))
}

// extremeScale returns ErrExtremeScale, with the magnitude, when big > 0
// lies outside [2⁻²⁰⁰, 2²⁰⁰]; NaN and infinities are left to the finite
// checks.
func extremeScale(big float64) error {
	if big == 0 || (big >= 0x1p-200 && big <= 0x1p200) || math.IsInf(big, 0) || math.IsNaN(big) {
		return nil
	}
	return fmt.Errorf("%w: largest magnitude %g", ErrExtremeScale, big)
}

// candidatesFromGram chooses every row's candidates from a complete Gram
// matrix of centred rows, by the rule of kernelSearch.
func candidatesFromGram(gram, norm []float64, n, k int, tau, eabs float64, threads int) []rowCands {
	rows := make([]rowCands, n)
	parallelRows(n, threads, func(i int, h *TopK) {
		r := &rows[i]
		r.init(k, 4*k+64, nil)
		gi := gram[i*n : (i+1)*n]
		for j, v := range gi {
			if j == i || r.overflow {
				continue
			}
			a := norm[i] + norm[j] - 2*v
			e := tau*(norm[i]+norm[j]) + eabs
			if a-e <= r.bound() {
				r.add(int32(j), a-e, a+e, k, &h.sel)
			}
		}
	})
	return rows
}
