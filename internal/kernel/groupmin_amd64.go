//go:build amd64 && !purego

package kernel

// groupMin32AVX512 implements groupMin32Go for n a positive multiple of
// 8·gs: per chunk, the minimum starts at +Inf and takes eight lanes at a
// time of h − 2·g (VCVTPS2PD, exact; VADDPD; VSUBPD, as ScanRow32), each
// by VMINPD with the new value first (the new value where it is smaller,
// else the minimum so far: a NaN never replaces it), then is stored.
//
//go:noescape
func groupMin32AVX512(gp *float32, h *float64, n, gs int, out *float64)
