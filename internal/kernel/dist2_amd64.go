//go:build amd64 && !purego

package kernel

import "golang.org/x/sys/cpu"

// dist2AccAVX512 and dist2AccAVX2 implement dist2AccGo for n a multiple of
// 32 (4 zmm or 8 ymm accumulators, subtract, multiply, add: no fusion).
//
//go:noescape
func dist2AccAVX512(a, b *float64, n int, s *[32]float64)

//go:noescape
func dist2AccAVX2(a, b *float64, n int, s *[32]float64)

func init() {
	var s []dist2Impl
	if cpu.X86.HasAVX512F {
		s = append(s, dist2Impl{"avx512", dist2AccAVX512})
	}
	if cpu.X86.HasAVX2 {
		s = append(s, dist2Impl{"avx2", dist2AccAVX2})
	}
	dist2Impls = append(s, dist2Impls...)
	dist2Best = dist2Impls[0].f
}
