//go:build amd64 && !purego

package kernel

// dist2T8AVX512 implements dist2T8Go (see the assembly for how).
//
//go:noescape
func dist2T8AVX512(a *float64, d int, x *float64, rows *[8]int, out *[8]float64)

// dist2T8Arch is Dist2T8's direct call of its AVX-512 variant.
func dist2T8Arch(a *float64, d int, x *float64, rows *[8]int, out *[8]float64) {
	dist2T8AVX512(a, d, x, rows, out)
}
