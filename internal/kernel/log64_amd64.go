//go:build amd64 && !purego

package kernel

// log64AVX512 implements log64Go for n a multiple of 8: math's amd64
// assembly of Log (log_amd64.s), operation for operation, on eight lanes.
//
//go:noescape
func log64AVX512(x *float64, n int, out *float64)
