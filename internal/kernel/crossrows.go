package kernel

import "fmt"

// CrossRows32 sets dst[(i−i0)·ld + j], for the rows i in [i0, i1) of x and
// every row j < y.Rows of y (padding rows included, as zeros), to the
// float32 entry Cross32 hands its callback for the pair (i, j): the same
// micro-kernel calls on the same panels, so the same values, bit for bit.
// x and y must have at most FlushEvery features (the entries are then the
// float32 sums of the micro-kernel), x the left layout and y the right
// one; i0 and i1 − i0 must be multiples of TileRows(), i1 ≤ x.Rows, and
// ld ≥ y.Rows.
//
// One strip of rows against all of y, written where the caller wants it:
// a caller that needs whole rows of the product (a row's bound from all its
// entries, then a scan of them) reads them while they are in cache, instead
// of gathering them from Cross32's square blocks.
func CrossRows32(x, y *Packed, i0, i1 int, dst []float32, ld int) {
	if x.a == nil || y.b == nil {
		panic("kernel: CrossRows32 needs the left layout of x and the right layout of y")
	}
	if x.D != y.D || x.im.name != y.im.name {
		panic(fmt.Sprintf("kernel: CrossRows32 of %d and %d features", x.D, y.D))
	}
	im, d := x.im, x.D
	mr, nr := im.mr, im.nr
	if d > FlushEvery || i0%mr != 0 || (i1-i0)%mr != 0 || i0 < 0 || i1 > x.Rows || ld < y.Rows ||
		i1 > i0 && len(dst) < (i1-i0-1)*ld+y.Rows {
		panic(fmt.Sprintf("kernel: CrossRows32 of rows [%d, %d) of %d, %d features, ld %d, %d values", i0, i1, x.Rows, d, ld, len(dst)))
	}
	if d == 0 {
		for i := 0; i < i1-i0; i++ {
			clear(dst[i*ld : i*ld+y.Rows])
		}
		return
	}
	for k0 := 0; k0 < d; k0 += kcBlock {
		kc := min(kcBlock, d-k0)
		acc := k0 != 0
		for jp := 0; jp < y.Rows; jp += nr {
			bp := &y.b[jp*d+k0*nr]
			for ip := i0; ip < i1; ip += mr {
				im.tile(&x.a[ip*d+k0*mr], bp, kc, &dst[(ip-i0)*ld+jp], ld, acc)
			}
		}
	}
}

// TileRows returns the tile height of p's micro-kernel: CrossRows32's row
// ranges start and end at multiples of it. Rows is always a multiple of it.
func (p *Packed) TileRows() int { return p.im.mr }
