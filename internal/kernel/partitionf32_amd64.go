//go:build amd64 && !purego

package kernel

// partition3F32AVX512 implements partition3F32Go (see the assembly for
// how).
//
//go:noescape
func partition3F32AVX512(v *float32, n int, p float32, lo, hi *float32) (nl, nh int)
