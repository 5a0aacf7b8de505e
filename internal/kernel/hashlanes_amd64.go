//go:build amd64 && !purego

package kernel

// hashLanesAVX512 implements hashLanesGo: the 32 lanes in Z0–Z3 (lanes
// 0–7, 8–15, 16–23, 24–31), 64 values a step, VPMULLQ (AVX-512DQ).
//
//go:noescape
func hashLanesAVX512(x *float32, n, d int, lanes *uint64)
