//go:build amd64 && !purego

package kernel

import "golang.org/x/sys/cpu"

// tile12x32AVX512 is the AVX-512F micro-kernel, 12×32 tile, 24 zmm
// accumulators; see impl.tile for the contract.
//
//go:noescape
func tile12x32AVX512(a, b *float32, kc int, c *float32, ldc int, acc bool)

// tile6x16AVX2 is the AVX2+FMA micro-kernel, 6×16 tile, 12 ymm accumulators.
//
//go:noescape
func tile6x16AVX2(a, b *float32, kc int, c *float32, ldc int, acc bool)

// fmaLoopAVX512 runs iters iterations of 24 independent zmm FMAs.
func fmaLoopAVX512(iters int)

// fmaLoopAVX2 runs iters iterations of 12 independent ymm FMAs.
func fmaLoopAVX2(iters int)

func asmImpls() []impl {
	var s []impl
	if cpu.X86.HasAVX512F {
		s = append(s, impl{name: "avx512", mr: 12, nr: 32, tile: tile12x32AVX512})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		s = append(s, impl{name: "avx2", mr: 6, nr: 16, tile: tile6x16AVX2})
	}
	return s
}

func peakFlops(iters int) float64 {
	switch {
	case cpu.X86.HasAVX512F:
		fmaLoopAVX512(iters)
		return float64(iters) * 24 * 16 * 2
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		fmaLoopAVX2(iters)
		return float64(iters) * 12 * 8 * 2
	}
	return peakFlopsGo(iters)
}
