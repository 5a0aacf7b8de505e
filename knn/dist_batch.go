package knn

import (
	"unsafe"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// dist2Cands sets c[t].s to Dist2 of row i of m and row c[t].j, for every
// t: matrix.dist2's value bit for bit. Under kernel.Dist2Lanes columns
// Dist2 adds the squares in column order into one sum, a chain of d
// dependent additions per row; kernel.Dist2Cands sums eight rows at once
// in the lanes of a register (108 candidates at k = 100: 390 ns against
// 600 at d = 11, 510 against 760 by one call per eight rows, the former
// Dist2T8, at d = 20, 200 against 310 at d = 3), or, for float32 rows, row
// views or without AVX-512, four rows are summed at once here, each in its
// own chain and its own order, so that the chains overlap.
func (m matrix) dist2Cands(i int, c []treeCand) {
	d := m.d
	if d >= kernel.Dist2Lanes || d == 0 {
		for t := range c {
			c[t].s = m.dist2(i, int(c[t].j))
		}
		return
	}
	if m.m.Elem() == cloud.Float32 {
		dist2Cands32(m, i, c)
		return
	}
	x := m.m
	a := x.Row64(m.index(i))
	if dist2CandsVec && m.rows == nil {
		kernel.Dist2Cands(a, x.F64(), x.D(), kernelCands(c))
		return
	}
	t := 0
	for ; t+4 <= len(c); t += 4 {
		b0 := x.Row64(m.index(int(c[t].j)))[:d]
		b1 := x.Row64(m.index(int(c[t+1].j)))[:d]
		b2 := x.Row64(m.index(int(c[t+2].j)))[:d]
		b3 := x.Row64(m.index(int(c[t+3].j)))[:d]
		var s0, s1, s2, s3 float64
		for q, v := range a {
			u0, u1, u2, u3 := v-b0[q], v-b1[q], v-b2[q], v-b3[q]
			s0 += float64(u0 * u0)
			s1 += float64(u1 * u1)
			s2 += float64(u2 * u2)
			s3 += float64(u3 * u3)
		}
		c[t].s, c[t+1].s, c[t+2].s, c[t+3].s = s0, s1, s2, s3
	}
	for ; t < len(c); t++ {
		c[t].s = m.dist2(i, int(c[t].j))
	}
}

// dist2Cands32 is dist2Cands for float32 rows (Dist2F32: each difference of
// the widened values, squared and rounded, added in column order).
func dist2Cands32(m matrix, i int, c []treeCand) {
	d, x := m.d, m.m
	a := x.Row32(m.index(i))
	t := 0
	for ; t+4 <= len(c); t += 4 {
		b0 := x.Row32(m.index(int(c[t].j)))[:d]
		b1 := x.Row32(m.index(int(c[t+1].j)))[:d]
		b2 := x.Row32(m.index(int(c[t+2].j)))[:d]
		b3 := x.Row32(m.index(int(c[t+3].j)))[:d]
		var s0, s1, s2, s3 float64
		for q, v32 := range a {
			v := float64(v32)
			u0, u1, u2, u3 := v-float64(b0[q]), v-float64(b1[q]), v-float64(b2[q]), v-float64(b3[q])
			s0 += float64(u0 * u0)
			s1 += float64(u1 * u1)
			s2 += float64(u2 * u2)
			s3 += float64(u3 * u3)
		}
		c[t].s, c[t+1].s, c[t+2].s, c[t+3].s = s0, s1, s2, s3
	}
	for ; t < len(c); t++ {
		c[t].s = m.dist2(i, int(c[t].j))
	}
}

// dist2CandsVec reports whether kernel.Dist2Cands runs in vector lanes
// (else dist2Cands keeps its four chains in Go). Tests turn it off.
var dist2CandsVec = kernel.Dist2CandsVariant() == "avx512"

// kernelCands returns c as kernel.Cand values (the same layout: S, then J).
func kernelCands(c []treeCand) []kernel.Cand {
	return unsafe.Slice((*kernel.Cand)(unsafe.Pointer(unsafe.SliceData(c))), len(c))
}

// treeCand and kernel.Cand share their layout (kernelCands): a build
// where they differ fails here.
var (
	_ = [1]struct{}{}[unsafe.Sizeof(treeCand{})-unsafe.Sizeof(kernel.Cand{})]
	_ = [1]struct{}{}[unsafe.Offsetof(treeCand{}.j)-unsafe.Offsetof(kernel.Cand{}.J)]
	_ = [1]struct{}{}[unsafe.Offsetof(treeCand{}.s)-unsafe.Offsetof(kernel.Cand{}.S)]
)
