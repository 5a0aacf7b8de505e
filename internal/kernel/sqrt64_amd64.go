//go:build amd64 && !purego

package kernel

// sqrt64AVX512 implements sqrt64Go for n a multiple of 8: VSQRTPD in
// place.
//
//go:noescape
func sqrt64AVX512(x *float64, n int)
