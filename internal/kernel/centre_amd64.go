//go:build amd64 && !purego

package kernel

import "golang.org/x/sys/cpu"

// centreF32AVX512 implements centreF32Go for n a multiple of 32: four zmm
// accumulators of eight lanes (lane l of the 32 in zmm l/8), subtract,
// multiply, convert, square and add, no fusion.
//
//go:noescape
func centreF32AVX512(dst, row *float32, mean *float64, n int, scale float64, acc *[32]float64)

func init() {
	if cpu.X86.HasAVX512F {
		centreBest = centreF32AVX512
	}
}
