package kernel

import (
	"fmt"
	"unsafe"
)

// Dist2F32 is Dist2 over float32 rows: every value is widened to float64
// (exact) and the squared differences are summed in Dist2's order (32
// interleaved partial sums, the tail into s[0], the fixed tree), each
// operation rounded to float64 on its own. Its value therefore equals
// Dist2 of the widened rows bit for bit, without a float64 copy of them.
func Dist2F32(a, b []float32) float64 {
	b = b[:len(a)]
	var s [Dist2Lanes]float64
	m := len(a) &^ (Dist2Lanes - 1)
	dist2AccF32(&s, a[:m], b[:m])
	return Dist2SumF32(&s, a[m:], b[m:])
}

// Dist2AccF32 is Dist2Acc over float32 rows widened to float64: it adds the
// same terms into s in the same order.
func Dist2AccF32(s *[32]float64, a, b []float32) {
	if len(a) != len(b) || len(a)%Dist2Lanes != 0 {
		panic(fmt.Sprintf("kernel: Dist2AccF32 of lengths %d and %d", len(a), len(b)))
	}
	dist2AccF32(s, a, b)
}

// Dist2SumF32 is Dist2Sum over float32 rows widened to float64.
func Dist2SumF32(s *[32]float64, a, b []float32) float64 {
	b = b[:len(a)]
	for i, v := range a {
		t := float64(v) - float64(b[i])
		s[0] += float64(t * t)
	}
	for w := 16; w >= 1; w /= 2 {
		for l := 0; l < w; l++ {
			s[l] += s[l+w]
		}
	}
	return s[0]
}

// dist2F32Impl is one dist2AccF32 variant (see dispatch.go): f adds the
// squared differences of the n widened values at a and b into s, as
// dist2AccF32Go does.
type dist2F32Impl struct {
	name string
	f    func(a, b *float32, n int, s *[32]float64)
}

// dist2AccF32Ptr is dist2AccF32Go with the assembly's signature.
func dist2AccF32Ptr(a, b *float32, n int, s *[32]float64) {
	dist2AccF32Go(s, unsafe.Slice(a, n), unsafe.Slice(b, n))
}

// dist2AccF32 runs the selected variant over len(a) values (a multiple of
// Dist2Lanes).
func dist2AccF32(s *[32]float64, a, b []float32) {
	if len(a) > 0 {
		dist2F32.f(&a[0], &b[0], len(a), s)
	}
}

// dist2AccF32Go is the specification of dist2AccF32; the explicit float64
// conversion of t·t forbids a fused multiply-add, as in dist2AccGo.
func dist2AccF32Go(s *[32]float64, a, b []float32) {
	b = b[:len(a)]
	for i := 0; i+32 <= len(a); i += 32 {
		x, y := a[i:i+32:i+32], b[i:i+32:i+32]
		for l := range s {
			t := float64(x[l]) - float64(y[l])
			s[l] += float64(t * t)
		}
	}
}
