//go:build amd64 && !purego

package kernel

// mindTermsAVX512 implements mindTermsGo for n a multiple of 8 (see the
// assembly for how), reporting lanes outside [−700, 700].
//
//go:noescape
func mindTermsAVX512(l *float64, n int, d, km1 float64, t1, t2 *float64) bool
