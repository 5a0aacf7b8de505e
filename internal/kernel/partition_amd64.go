//go:build amd64 && !purego

package kernel

// partition3AVX512 implements partition3Go for n a multiple of 8 (see the
// assembly for how).
//
//go:noescape
func partition3AVX512(v *float64, n int, p float64, lo, hi *float64) (nl, nh int)
