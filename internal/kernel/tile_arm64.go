//go:build arm64 && !purego

package kernel

// tile6x16NEON is the arm64 ASIMD micro-kernel, 6×16 tile, 24 accumulator
// registers; see impl.tile for the contract. ASIMD is part of the arm64
// baseline, so it is always available.
//
//go:noescape
func tile6x16NEON(a, b *float32, kc int, c *float32, ldc int, acc bool)

func asmImpls() []impl {
	return []impl{{name: "neon", mr: 6, nr: 16, tile: tile6x16NEON}}
}

func peakFlops(iters int) float64 { return peakFlopsGo(iters) }
