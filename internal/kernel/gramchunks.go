package kernel

// gramChunksBlock is GramChunks of at most BlockRows rows (one diagonal
// block), bit for bit, kcBlock (256) features at a time instead of
// FlushEvery: each step's chunks of every row (chunk called for the rows
// in increasing order here, each row's chunks in increasing k0, which is
// all GramChunks promises: no order across rows) are transposed into both
// layouts of n × 256 values, the tiles on and above the diagonal run on
// them (AddGram's), and every FlushEvery features their float32 sums are
// added in float64 into both triangles of G. Each entry is the same
// sequence of micro-kernel steps and float64 additions as through
// GramChunks' packed chunk of FlushEvery features (1.5 MB a layout for the
// pruned plan's 192 sample rows, fresh memory written beyond L2 and read
// back); the layouts here (2 × 192 KiB) stay in L2.
func gramChunksBlock(n, d int, chunk func(i, k0 int, dst []float32)) []float64 {
	g := make([]float64, n*n)
	if n == 0 || d == 0 {
		return g
	}
	im := best
	mr, nr := im.mr, im.nr
	ra, rb := (n+mr-1)/mr*mr, (n+nr-1)/nr*nr
	a := make([]float32, ra*kcBlock)
	b := make([]float32, rb*kcBlock)
	buf := make([]float32, n*kcBlock)
	w := workers.Get().(*worker)
	defer workers.Put(w)
	const ld = BlockRows
	for k0 := 0; k0 < d; k0 += kcBlock {
		kc := min(kcBlock, d-k0)
		for i := 0; i < n; i++ {
			chunk(i, k0, buf[i*kc:(i+1)*kc:(i+1)*kc])
		}
		for _, l := range [2]struct {
			dst []float32
			w   int
		}{{a[:ra*kc], mr}, {b[:rb*kc], nr}} {
			for r0 := 0; r0 < n; r0 += l.w {
				h := min(l.w, n-r0)
				out := l.dst[r0*kc : (r0+l.w)*kc]
				transposeInto(out, l.w, buf[r0*kc:(r0+h)*kc], h, kc)
				if h < l.w {
					for k := 0; k < kc; k++ {
						clear(out[k*l.w+h : k*l.w+l.w])
					}
				}
			}
		}
		acc := k0%FlushEvery != 0
		for jp := 0; jp < rb; jp += nr {
			bp := &b[jp*kc]
			for ip := 0; ip < min(ra, jp+nr); ip += mr {
				im.tile(&a[ip*kc], bp, kc, &w.c32[ip*ld+jp], ld, acc)
			}
		}
		if end := k0 + kc; end%FlushEvery == 0 || end == d {
			// AddGram's additions of a diagonal block: the entries on and
			// above the diagonal, into both triangles.
			for i := 0; i < n; i++ {
				c := w.c32[i*ld : i*ld+n]
				g[i*n+i] += float64(c[i])
				for j := i + 1; j < n; j++ {
					v := float64(c[j])
					g[i*n+j] += v
					g[j*n+i] += v
				}
			}
		}
	}
	return g
}
