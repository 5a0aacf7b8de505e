package kernel

import (
	"fmt"
	"math"
	"unsafe"
)

// Dist2LowLanes is the number of float32 partial sums of Dist2LowerF32:
// value i of a row goes into sum i mod Dist2LowLanes.
const Dist2LowLanes = 64

// Dist2LowerF32 returns a lower bound on Dist2F32(a, b) (len(a) = len(b)),
// the float64 value brute force computes, from a sum in float32 over the
// longest prefix of a multiple of Dist2LowLanes values: a quarter of the
// work per value (no widening, sixteen lanes a vector) for a test that a
// pair is no nearer than a bound, before its exact distance.
//
// The prefix's squared differences are summed as sqDiffF32Go sums them
// (t = fl₃₂(aᵢ − bᵢ), q = fl₃₂(t²), each lane's terms added in float32, no
// fused multiply-add), the 64 lanes widened and added in float64 into T.
// With u = 2⁻²⁴ and L = m/64 terms a lane (m the prefix), |t| ≤ |aᵢ −
// bᵢ|(1 + u) (exact where subnormal), q ≤ t²(1 + u) + 2⁻¹⁵⁰ and a lane's
// L − 1 additions (exact where subnormal) give ŝ ≤ (1 + u)^(L+2)·Σ(aᵢ − bᵢ)²
// + L·2⁻¹⁴⁹; the float64 sum of the lanes T ≤ (1 + γ₆₃)·Σŝ (Higham,
// Accuracy and Stability of Numerical Algorithms, 2002, §4.2; γₙ = nu/(1 −
// nu) with float64's u in γ₆₃). Dist2F32 is at least (1 − γ_{d+8}) times
// the exact Σ(aᵢ − bᵢ)² over all d values, which is at least the
// prefix's. Hence
//
//	Dist2F32(a, b) ≥ ((1 − γ₆₃)·T − m·2⁻¹⁴⁸)·(1 − γ′_{L+2})·(1 − γ_{d+8})·(1 − 2⁻⁴⁰),
//
// γ′ with float32's u, the last factor covering the few float64 roundings
// of the formula. A sum that overflows (or any non-finite value) gives 0,
// as does a row shorter than 64 values. The lanes are summed in s, a
// caller's scratch (its contents on entry do not matter): an array of the
// function's own would escape to the heap through the variant's function
// value, 256 bytes on every call.
func Dist2LowerF32(a, b []float32, s *[Dist2LowLanes]float32) float64 {
	b = b[:len(a)]
	m := len(a) &^ (Dist2LowLanes - 1)
	l := m / Dist2LowLanes
	if m == 0 || float64(l+2)*0x1p-24 > 0.5 {
		return 0
	}
	*s = [Dist2LowLanes]float32{}
	sqDiffF32(s, a[:m], b[:m])
	var t float64
	for _, v := range s {
		t += float64(v)
	}
	if !(t <= math.MaxFloat64) {
		return 0
	}
	v := (1-gamma64(63))*t - float64(m)*0x1p-148
	if !(v > 0) {
		return 0
	}
	nu := float64(l+2) * 0x1p-24
	return v * (1 - nu/(1-nu)) * (1 - gamma64(len(a)+8)) * (1 - 0x1p-40)
}

// gamma64 returns γₙ = n·u/(1 − n·u) for float64's u = 2⁻⁵³.
func gamma64(n int) float64 {
	nu := float64(n) * 0x1p-53
	return nu / (1 - nu)
}

// sqDiffF32Impl is one sqDiffF32 variant (see dispatch.go): f adds the
// float32 squared differences of the n values at a and b (a multiple of
// Dist2LowLanes) into s, as sqDiffF32Go does.
type sqDiffF32Impl struct {
	name string
	f    func(a, b *float32, n int, s *[Dist2LowLanes]float32)
}

// sqDiffF32Ptr is sqDiffF32Go with the assembly's signature.
func sqDiffF32Ptr(a, b *float32, n int, s *[Dist2LowLanes]float32) {
	sqDiffF32Go(s, unsafe.Slice(a, n), unsafe.Slice(b, n))
}

// sqDiffF32 runs the selected variant over len(a) values (a multiple of
// Dist2LowLanes).
func sqDiffF32(s *[Dist2LowLanes]float32, a, b []float32) {
	if len(a)%Dist2LowLanes != 0 || len(b) != len(a) {
		panic(fmt.Sprintf("kernel: sqDiffF32 of lengths %d and %d", len(a), len(b)))
	}
	if len(a) > 0 {
		sqDiffF32Best.f(&a[0], &b[0], len(a), s)
	}
}

// sqDiffF32Go is the specification of sqDiffF32: in float32, lane l adds
// fl(t²), t = aᵢ − bᵢ, for i ≡ l mod 64 in increasing order; the
// explicit conversion forbids a fused multiply-add.
func sqDiffF32Go(s *[Dist2LowLanes]float32, a, b []float32) {
	b = b[:len(a)]
	for c := 0; c+Dist2LowLanes <= len(a); c += Dist2LowLanes {
		x, y := a[c:c+Dist2LowLanes:c+Dist2LowLanes], b[c:c+Dist2LowLanes:c+Dist2LowLanes]
		for l := range s {
			t := x[l] - y[l]
			s[l] += float32(t * t)
		}
	}
}
