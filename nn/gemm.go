package nn

import "sync"

// Blocking of gemm: op(A) is packed in panels of gemmMR rows and op(B) in
// panels of gemmNR columns, kc deep, so that a micro-kernel keeps a
// gemmMR×gemmNR tile of C in registers. Go has no float32 vectors, and with
// 15 usable float registers a 2×4 tile is the largest that does not spill.
const (
	gemmMR = 2
	gemmNR = 4
	gemmKC = 256
	gemmMC = 64
	gemmNC = 512
)

var gemmPool = sync.Pool{New: func() any {
	s := make([]float32, gemmKC*(gemmMC+gemmNC))
	return &s
}}

// gemm computes C = op(A)·op(B), or C += op(A)·op(B) when acc is set, where
// op(A) is m×k and op(B) is k×n; tA and tB select the transposes. Matrices
// are row-major with leading dimensions lda, ldb and ldc. The order of the
// additions of each element of C depends only on k, never on m, n or the
// caller's goroutines.
func gemm(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !acc {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	bufp := gemmPool.Get().(*[]float32)
	buf := *bufp
	ap := buf[:gemmKC*gemmMC]
	bp := buf[gemmKC*gemmMC:]
	var tile [gemmMR * gemmNR]float32
	for jc := 0; jc < n; jc += gemmNC {
		nc := min(gemmNC, n-jc)
		for pc := 0; pc < k; pc += gemmKC {
			kc := min(gemmKC, k-pc)
			add := acc || pc > 0
			packB(tB, b, ldb, pc, jc, kc, nc, bp)
			for ic := 0; ic < m; ic += gemmMC {
				mc := min(gemmMC, m-ic)
				packA(tA, a, lda, ic, pc, mc, kc, ap)
				for jr := 0; jr < nc; jr += gemmNR {
					nr := min(gemmNR, nc-jr)
					bpan := bp[jr*kc : jr*kc+gemmNR*kc]
					for ir := 0; ir < mc; ir += gemmMR {
						mr := min(gemmMR, mc-ir)
						kernel2x4(kc, ap[ir*kc:ir*kc+gemmMR*kc], bpan, &tile)
						row := (ic+ir)*ldc + jc + jr
						if mr == gemmMR && nr == gemmNR {
							cr0 := c[row : row+4 : row+4]
							cr1 := c[row+ldc : row+ldc+4 : row+ldc+4]
							if add {
								cr0[0] += tile[0]
								cr0[1] += tile[1]
								cr0[2] += tile[2]
								cr0[3] += tile[3]
								cr1[0] += tile[4]
								cr1[1] += tile[5]
								cr1[2] += tile[6]
								cr1[3] += tile[7]
							} else {
								copy(cr0, tile[0:4])
								copy(cr1, tile[4:8])
							}
							continue
						}
						for i := 0; i < mr; i++ {
							cr := c[row+i*ldc : row+i*ldc+nr]
							t := tile[i*gemmNR : i*gemmNR+nr]
							if add {
								for j := range cr {
									cr[j] += t[j]
								}
							} else {
								copy(cr, t)
							}
						}
					}
				}
			}
		}
	}
	gemmPool.Put(bufp)
}

// packA packs rows ic..ic+mc and columns pc..pc+kc of op(A) into panels of
// gemmMR rows, k-major, zero-padded.
func packA(tA bool, a []float32, lda, ic, pc, mc, kc int, ap []float32) {
	for ir := 0; ir < mc; ir += gemmMR {
		pan := ap[ir*kc : ir*kc+gemmMR*kc]
		for i := 0; i < gemmMR; i++ {
			if ir+i >= mc {
				for p := 0; p < kc; p++ {
					pan[p*gemmMR+i] = 0
				}
				continue
			}
			r := ic + ir + i
			if tA {
				for p := 0; p < kc; p++ {
					pan[p*gemmMR+i] = a[(pc+p)*lda+r]
				}
			} else {
				src := a[r*lda+pc : r*lda+pc+kc]
				for p, v := range src {
					pan[p*gemmMR+i] = v
				}
			}
		}
	}
}

// packB packs rows pc..pc+kc and columns jc..jc+nc of op(B) into panels of
// gemmNR columns, k-major, zero-padded.
func packB(tB bool, b []float32, ldb, pc, jc, kc, nc int, bp []float32) {
	for jr := 0; jr < nc; jr += gemmNR {
		pan := bp[jr*kc : jr*kc+gemmNR*kc]
		nr := min(gemmNR, nc-jr)
		if !tB && nr == gemmNR {
			for p := 0; p < kc; p++ {
				off := (pc+p)*ldb + jc + jr
				s := b[off : off+4 : off+4]
				d := pan[p*4 : p*4+4 : p*4+4]
				d[0], d[1], d[2], d[3] = s[0], s[1], s[2], s[3]
			}
			continue
		}
		for j := 0; j < gemmNR; j++ {
			if j >= nr {
				for p := 0; p < kc; p++ {
					pan[p*gemmNR+j] = 0
				}
				continue
			}
			col := jc + jr + j
			if tB {
				src := b[col*ldb+pc : col*ldb+pc+kc]
				for p, v := range src {
					pan[p*gemmNR+j] = v
				}
			} else {
				for p := 0; p < kc; p++ {
					pan[p*gemmNR+j] = b[(pc+p)*ldb+col]
				}
			}
		}
	}
}

// kernel2x4 computes the 2×4 tile Σₚ a[p]·b[p]ᵀ from packed panels.
func kernel2x4(kc int, ap, bp []float32, t *[gemmMR * gemmNR]float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	ap = ap[:2*kc]
	bp = bp[:4*kc]
	for len(ap) >= 2 && len(bp) >= 4 {
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a := ap[0]
		c00 += a * b0
		c01 += a * b1
		c02 += a * b2
		c03 += a * b3
		a = ap[1]
		c10 += a * b0
		c11 += a * b1
		c12 += a * b2
		c13 += a * b3
		ap = ap[2:]
		bp = bp[4:]
	}
	t[0], t[1], t[2], t[3] = c00, c01, c02, c03
	t[4], t[5], t[6], t[7] = c10, c11, c12, c13
}
