//go:build amd64 && !purego

package kernel

// dist2ColsAVX512 implements dist2ColsGo for n a multiple of 8 (see the
// assembly for how).
//
//go:noescape
func dist2ColsAVX512(x *float64, ld, d int, q *float64, n int, u float64, s *float64, out *int32) int
