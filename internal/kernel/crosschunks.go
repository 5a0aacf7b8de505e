package kernel

import "fmt"

// CrossChunks calls fn for every block of X·Yᵀ, X the packed matrix x (its
// left-hand layout) and Y the n×d matrix (n ≤ BlockRows) whose rows chunk
// produces, exactly as Cross(x, Ypacked, 1, fn) would (the same blocks in
// the same order, worker id 0, the same values bit for bit), without Y's
// packed copy: for each kcBlock (256) features in turn, chunk(i, k0, dst)
// fills dst with features [k0, k0 + len(dst)) of every row i in
// increasing order (every chunk but a row's last has 256 features, and a
// row's chunks come in increasing k0), the chunks are transposed into a
// panel of n × 256 values, and the micro-kernel runs on it at once, as
// Cross's block runs on the same features of the packed Y. Each entry is
// the same sequence of micro-kernel steps and float64 flushes either way
// (block: per kcBlock features in k0 order, flushed every FlushEvery).
//
// Packing all of Y first writes n·d values beyond L2 and reads them back
// (pool1's projection, 192 rows × 5,408 at a time: 4.2 MB a block); the
// panel here (n × 256, 192 KiB) stays in L2. y lends only its buffers (a
// zero Packed is ready to use; one kept across calls does not allocate)
// and holds no layout afterwards.
func (y *Packed) CrossChunks(x *Packed, n, d int, chunk func(i, k0 int, dst []float32), fn BlockFunc) {
	if x.a == nil || x.D != d || n < 0 || n > BlockRows {
		panic(fmt.Sprintf("kernel: CrossChunks of %d×%d rows against %d features (left layout %v)", n, d, x.D, x.a != nil))
	}
	im := x.im
	mr, nr := im.mr, im.nr
	rows := (n + nr - 1) / nr * nr
	y.N, y.D, y.Rows, y.im = n, d, rows, im
	y.a, y.b = nil, nil
	panel := growF32(&y.bbuf, rows*kcBlock)
	buf := growF32(&y.abuf, nr*kcBlock)
	nb := (x.Rows + BlockRows - 1) / BlockRows
	ws := make([]*worker, nb)
	for b := range ws {
		ws[b] = workers.Get().(*worker)
		defer workers.Put(ws[b])
	}
	const ld = BlockRows
	if d == 0 {
		for b, w := range ws {
			for i := 0; i < min(BlockRows, x.Rows-b*BlockRows); i++ {
				clear(w.g64[i*ld : i*ld+rows])
			}
		}
	}
	first := true
	for k0 := 0; k0 < d; k0 += kcBlock {
		kc := min(kcBlock, d-k0)
		pan := panel[:rows*kc]
		for q0 := 0; q0 < n; q0 += nr {
			h := min(nr, n-q0)
			for r := 0; r < h; r++ {
				chunk(q0+r, k0, buf[r*kc:(r+1)*kc:(r+1)*kc])
			}
			out := pan[q0*kc : (q0+nr)*kc]
			transposeInto(out, nr, buf[:h*kc], h, kc)
			if h < nr {
				for k := 0; k < kc; k++ {
					clear(out[k*nr+h : k*nr+nr])
				}
			}
		}
		acc := k0%FlushEvery != 0
		flush := (k0+kc)%FlushEvery == 0 || k0+kc == d
		for b, w := range ws {
			i0 := b * BlockRows
			i1 := min(i0+BlockRows, x.Rows)
			for jp := 0; jp < rows; jp += nr {
				bp := &pan[jp*kc]
				for ip := i0; ip < i1; ip += mr {
					im.tile(&x.a[ip*d+k0*mr], bp, kc, &w.c32[(ip-i0)*ld+jp], ld, acc)
				}
			}
			if !flush {
				continue
			}
			for i := 0; i < i1-i0; i++ {
				c := w.c32[i*ld : i*ld+rows]
				g := w.g64[i*ld : i*ld+rows]
				if first {
					for j, v := range c {
						g[j] = float64(v)
					}
				} else {
					for j, v := range c {
						g[j] += float64(v)
					}
				}
			}
		}
		if flush {
			first = false
		}
	}
	for b, w := range ws {
		if i0 := b * BlockRows; i0 < x.N && n > 0 {
			fn(0, i0, min(i0+BlockRows, x.N), 0, n, w.g64, ld)
		}
	}
}
