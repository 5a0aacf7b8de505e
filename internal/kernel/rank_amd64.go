//go:build amd64 && !purego

package kernel

// rankLessAVX512 implements rankLessGo for n ≥ 1 (see the assembly for
// how).
//
//go:noescape
func rankLessAVX512(s *float64, n int, rank *int32)
