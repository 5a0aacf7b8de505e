//go:build !amd64 || purego

package kernel

// dist2T8Arch is never called: Dist2T8 calls it for the "avx512" variant
// only, which this build lacks.
func dist2T8Arch(a *float64, d int, x *float64, rows *[8]int, out *[8]float64) {
	panic("kernel: no AVX-512 Dist2T8")
}
