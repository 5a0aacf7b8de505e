//go:build amd64 && !purego

package kernel

// scanRowAVX512 and scanColAVX512 implement scanRowGo and scanColGo for n a
// multiple of 8: eight values at a time (VADDPD for 2·g, VSUBPD, VCMPPD
// less-or-equal ordered quiet: false on NaN), the first set bit of the mask.
//
//go:noescape
func scanRowAVX512(gp, h *float64, n int, t float64) int

//go:noescape
func scanColAVX512(gp *float64, hv float64, t *float64, n int) int

// scanRow32AVX512 and scanCol32AVX512 implement scanRow32Go and
// scanCol32Go as the float64 scans do, each float32 entry widened first
// (VCVTPS2PD, exact).
//
//go:noescape
func scanRow32AVX512(gp *float32, h *float64, n int, t float64) int

//go:noescape
func scanCol32AVX512(gp *float32, hv float64, t *float64, n int) int
