//go:build amd64 && !purego

package kernel

// sqDiffF32AVX512 implements sqDiffF32Go for n a multiple of 64: four zmm
// accumulators of 16 float32 lanes (values 0–15, 16–31, 32–47, 48–63 of
// every 64), subtract, multiply, add (no fusion).
//
//go:noescape
func sqDiffF32AVX512(a, b *float32, n int, s *[Dist2LowLanes]float32)

// sqDiffChunksF32AVX512 implements sqDiffChunksF32Go: sqDiffF32AVX512's
// loop over each chunk, the test's sum in registers.
//
//go:noescape
func sqDiffChunksF32AVX512(a, b *float32, chunks *int32, nc, m int, thr float32, s *[Dist2LowLanes]float32) int
