//go:build amd64 && !purego

package kernel

// scanRowAllF32AVX512 implements scanRowAllF32Go for n a multiple of 16
// (see the assembly for how).
//
//go:noescape
func scanRowAllF32AVX512(gp, h *float32, n int, t float32, out *int32) int
