//go:build amd64 && !purego

package kernel

// groupMinF32AVX512 implements groupMinF32Go for n a positive multiple of
// 16·gs (see the assembly for how).
//
//go:noescape
func groupMinF32AVX512(gp, h *float32, n, gs int, out *float32)
