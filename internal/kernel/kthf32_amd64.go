//go:build amd64 && !purego

package kernel

// kthF32AVX512 implements kthF32Go (see the assembly for how).
//
//go:noescape
func kthF32AVX512(v, tmp *float32, n, k int) float32
