//go:build arm64 && !purego

package kernel

// tile6x16NEON is the arm64 ASIMD micro-kernel, 6×16 tile, 24 accumulator
// registers; see impl.tile for the contract.
//
//go:noescape
func tile6x16NEON(a, b *float32, kc int, c *float32, ldc int, acc bool)
