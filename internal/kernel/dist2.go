package kernel

import (
	"fmt"
	"unsafe"
)

// Dist2Lanes is the number of partial sums of Dist2Acc.
const Dist2Lanes = 32

// dist2Impl is one Dist2Acc variant: f adds the squared differences of the
// n values at a and b into s, as dist2AccGo does (see dispatch.go).
type dist2Impl struct {
	name string
	f    func(a, b *float64, n int, s *[32]float64)
}

// dist2AccPtr is dist2AccGo with the assembly's signature.
func dist2AccPtr(a, b *float64, n int, s *[32]float64) {
	dist2AccGo(unsafe.Slice(a, n), unsafe.Slice(b, n), s)
}

// dist2AccGo is the specification of Dist2Acc: for every i < len(a),
// in increasing i,
//
//	t = a[i] − b[i];  s[i mod 32] = s[i mod 32] + t·t
//
// each operation rounded to float64 on its own (no fused multiply-add).
func dist2AccGo(a, b []float64, s *[32]float64) {
	b = b[:len(a)]
	for i := 0; i+32 <= len(a); i += 32 {
		x, y := a[i:i+32], b[i:i+32]
		for l := range s {
			t := x[l] - y[l]
			s[l] += float64(t * t)
		}
	}
}

// Dist2Acc adds the squared differences of a and b (len(a) = len(b), a
// multiple of Dist2Lanes) into the 32 interleaved partial sums s:
// s[i mod 32] += (a[i] − b[i])², each term and sum rounded separately, in
// increasing i. The assembly (AVX-512 or AVX2) and the pure-Go twin agree bit
// for bit, so a distance accumulated over column blocks equals the one
// computed at once. Dist2Sum finishes it.
func Dist2Acc(s *[32]float64, a, b []float64) {
	if len(a) != len(b) || len(a)%Dist2Lanes != 0 {
		panic(fmt.Sprintf("kernel: Dist2Acc of lengths %d and %d", len(a), len(b)))
	}
	if len(a) > 0 {
		dist2Best.f(&a[0], &b[0], len(a), s)
	}
}

// Dist2Sum adds the tail (a[i] − b[i])², i in increasing order, into s[0]
// and returns the partial sums combined by the fixed tree
// s[l] += s[l + w] for w = 16, 8, 4, 2, 1. It consumes s.
func Dist2Sum(s *[32]float64, a, b []float64) float64 {
	b = b[:len(a)]
	for i, v := range a {
		t := v - b[i]
		s[0] += float64(t * t)
	}
	for w := 16; w >= 1; w /= 2 {
		for l := 0; l < w; l++ {
			s[l] += s[l+w]
		}
	}
	return s[0]
}

// Dist2 returns Σ (aᵢ − bᵢ)² in float64: Dist2Acc over the longest prefix
// whose length is a multiple of 32, then Dist2Sum of the rest. Its value is
// a fixed function of a and b (the same on every machine and variant).
func Dist2(a, b []float64) float64 {
	b = b[:len(a)]
	if len(a) < Dist2Lanes {
		// No prefix: Dist2Sum's sum from 0 in order, its tree adding
		// only zeros, which leaves it as it is; without the [32]
		// scratch (which escapes through the variant's call).
		var t float64
		for i, v := range a {
			u := v - b[i]
			t += float64(u * u) // rounded: no fused multiply-add
		}
		return t
	}
	var s [32]float64
	m := len(a) &^ (Dist2Lanes - 1)
	if m > 0 {
		dist2Best.f(&a[0], &b[0], m, &s)
	}
	return Dist2Sum(&s, a[m:], b[m:])
}
