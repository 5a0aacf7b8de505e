package kernel

import "unsafe"

// impl is one micro-kernel: tile computes the MR×NR tile
//
//	c[r*ldc + j] (+)= Σ_{k<kc} a[k*MR + r] · b[k*NR + j],   r < MR, j < NR,
//
// from an A panel (MR rows interleaved by feature) and a B panel (NR rows
// interleaved by feature), overwriting c when acc is false and adding to it
// when acc is true.
type impl struct {
	name   string
	mr, nr int
	tile   func(a, b *float32, kc int, c *float32, ldc int, acc bool)
}

// goImpl is the pure-Go twin with the same tile shape as the assembly it is
// compared against.
func goImpl(mr, nr int) impl {
	return impl{name: "purego", mr: mr, nr: nr, tile: func(a, b *float32, kc int, c *float32, ldc int, acc bool) {
		tileGo(mr, nr, unsafe.Slice(a, kc*mr), unsafe.Slice(b, kc*nr), kc, unsafe.Slice(c, (mr-1)*ldc+nr), ldc, acc)
	}}
}

// tileGo is the specification of every micro-kernel: for r < mr, j < nr,
//
//	t = 0;  for k = 0 … kc−1:  t = fma32(a[k*mr+r], b[k*nr+j], t)
//	c[r*ldc+j] = t            (acc = false)
//	c[r*ldc+j] = c[r*ldc+j] + t  (acc = true, float32 addition)
//
// where fma32 is a float32 fused multiply-add. (Here it is emulated through
// float64: the product of two float32 is exact in float64, and the sum is
// rounded twice, which may differ from one rounding in the last bit.)
func tileGo(mr, nr int, a, b []float32, kc int, c []float32, ldc int, acc bool) {
	var buf [12 * 32]float32
	t := buf[:mr*nr]
	for k := 0; k < kc; k++ {
		ak := a[k*mr : (k+1)*mr]
		bk := b[k*nr : (k+1)*nr]
		for r, av := range ak {
			row := t[r*nr : (r+1)*nr]
			a64 := float64(av)
			for j, bv := range bk {
				row[j] = float32(a64*float64(bv) + float64(row[j]))
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

// Variant returns the name of the float32 micro-kernel in use: "avx512",
// "avx2", "neon" or "purego" (see dispatch.go).
func Variant() string { return best.name }

const u32 = 0x1p-24 // unit roundoff of float32

// FlushEvery is the number of features summed in float32 before the partial
// products are added into float64 accumulators.
const FlushEvery = 2048

// Tau returns a bound τ on the relative error of the Gram entries computed
// by this package from float64 rows of dimension d:
//
//	|ĝᵢⱼ − xᵢ·yⱼ| ≤ τ·‖xᵢ‖·‖yⱼ‖ ≤ τ·(‖xᵢ‖² + ‖yⱼ‖²)/2,
//
// where xᵢ, yⱼ are the float64 rows before rounding to float32 (provided no
// entry underflows float32). It covers the rounding of the inputs (2u), the
// float32 sums of at most FlushEvery terms and FlushEvery/kcBlock chunk
// additions (γ_m, Higham §3.1), and
// the float64 sums across flushes, with a 10 % margin.
func Tau(d int) float64 {
	// An entry is a chain of at most min(d, FlushEvery) float32 fused
	// multiply-adds plus one float32 addition per kcBlock chunk.
	m := float64(min(d, FlushEvery) + FlushEvery/kcBlock + 2)
	gamma := m * u32 / (1 - m*u32)
	return 1.1*(gamma+2.01*u32) + float64(d/FlushEvery+2)*0x1p-50
}

// PeakFlops runs a register-only FMA loop of iters iterations with the
// widest vectors available and returns the number of float32 flops it
// performed (2 per lane per FMA), for measuring the machine's peak.
func PeakFlops(iters int) float64 {
	if iters < 0 {
		panic("kernel: negative iteration count")
	}
	peakBest.loop(iters)
	return float64(iters) * peakBest.flops
}
