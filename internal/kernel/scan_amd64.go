//go:build amd64 && !purego

package kernel

// scanRow32AVX512 and scanCol32AVX512 implement scanRow32Go and
// scanCol32Go for n a multiple of 8: eight values at a time, each float32
// entry widened first (VCVTPS2PD, exact), then VADDPD for 2·g, VSUBPD,
// VCMPPD less-or-equal ordered quiet (false on NaN), the first set bit of
// the mask.
//
//go:noescape
func scanRow32AVX512(gp *float32, h *float64, n int, t float64) int

//go:noescape
func scanCol32AVX512(gp *float32, hv float64, t *float64, n int) int

// scanRowAll32AVX512 implements scanRowAll32Go for n a multiple of 8: the
// test of scanRow32AVX512 on eight values at a time, the indices of those
// that pass packed in order by VPCOMPRESSD under the mask (into a register,
// then stored whole: it may write out[m:q+8] past the count m, never past
// n).
//
//go:noescape
func scanRowAll32AVX512(gp *float32, h *float64, n int, t float64, out *int32) int
