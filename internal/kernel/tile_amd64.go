//go:build amd64 && !purego

package kernel

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
