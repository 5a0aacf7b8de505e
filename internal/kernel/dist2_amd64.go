//go:build amd64 && !purego

package kernel

// dist2AccAVX512 and dist2AccAVX2 implement dist2AccGo for n a multiple of
// 32 (4 zmm or 8 ymm accumulators, subtract, multiply, add: no fusion).
//
//go:noescape
func dist2AccAVX512(a, b *float64, n int, s *[32]float64)

//go:noescape
func dist2AccAVX2(a, b *float64, n int, s *[32]float64)

// dist2AccF32AVX512 implements dist2AccF32Go for n a multiple of 32: the
// float32 values are widened (exact) and then treated as dist2AccAVX512
// treats float64 values.
//
//go:noescape
func dist2AccF32AVX512(a, b *float32, n int, s *[32]float64)

// sqDiffAVX512 implements sqDiffGo for n a multiple of 32, the sums kept
// in registers (4 zmm) and reduced there.
//
//go:noescape
func sqDiffAVX512(a, b *float64, n int) float64
