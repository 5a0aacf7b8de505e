//go:build amd64 && !purego

package kernel

// tile12x16F64AVX512 is the float64 AVX-512F micro-kernel, 12×16 tile; see
// impl64.tile for the contract.
//
//go:noescape
func tile12x16F64AVX512(a, b *float64, kc int, c *float64, ldc int, acc bool)

// tile6x8F64AVX2 is the float64 AVX2+FMA micro-kernel, 6×8 tile.
//
//go:noescape
func tile6x8F64AVX2(a, b *float64, kc int, c *float64, ldc int, acc bool)
