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
	sub, f1, f2 := lowConsts(len(a), m)
	return max(lowFrom(laneSeqSum(s), sub, f1, f2), 0)
}

// lowConsts returns the constants of Dist2LowerF32's bound for rows of n
// values and a prefix of m: sub = m·2⁻¹⁴⁸, f1 = 1 − γ′_{L+2} (float32's u,
// L = m/64) and f2 = 1 − γ_{n+8}.
func lowConsts(n, m int) (sub, f1, f2 float64) {
	nu := float64(m/Dist2LowLanes+2) * 0x1p-24
	return float64(m) * 0x1p-148, 1 - nu/(1-nu), 1 - gamma64(n+8)
}

// laneSeqSum adds the 64 lanes in float64 in order.
func laneSeqSum(s *[Dist2LowLanes]float32) float64 {
	var t float64
	for _, v := range s {
		t += float64(v)
	}
	return t
}

// Dist2LowChunk is the width of the chunks in which Dist2LowerF32Until
// takes a row's values.
const Dist2LowChunk = 256

// Dist2LowerF32Until is Dist2LowerF32 taking the same prefix of m values
// (the longest multiple of Dist2LowLanes) Dist2LowChunk values at a time,
// chunk c being values [c·256, min((c + 1)·256, m)), in the order of
// chunks (a permutation of 0 … ⌈len(a)/256⌉ − 1; nil: increasing c), and
// returning as soon as the bound on the chunks summed so far exceeds thr,
// with all false. The terms are nonnegative, so the bound on any set of
// chunks, computed with the whole prefix's m and L (which only lower it:
// a lane of fewer terms rounds less), is a lower bound on Dist2F32(a, b)
// too. With all true every chunk was summed: with chunks nil (or in
// increasing order) the value is Dist2LowerF32's bit for bit, since each
// lane adds the same terms in the same order; in another order the same
// bound of a sum rounded in that order. A pair whose distance spreads
// over its values (pool1's rows, chunks in decreasing order of their
// columns' variance) leaves the sum after about half its chunks when the
// bound drops it (BENCHMARKS.md, issue 16). The sum's lanes and an
// overflow behave as Dist2LowerF32's: 0 and all true.
//
// The kernel (sqDiffChunksF32Go) stops where the lanes' float32 sum
// exceeds thr/(the bound's factors), raised by 2⁻¹⁸ (its seven roundings
// are below 2⁻²¹); the bound is then computed as above, and the sum goes
// on in the rare case that it does not exceed thr.
func Dist2LowerF32Until(a, b []float32, chunks []int32, thr float64, s *[Dist2LowLanes]float32) (lo float64, all bool) {
	b = b[:len(a)]
	m := len(a) &^ (Dist2LowLanes - 1)
	l := m / Dist2LowLanes
	if m == 0 || float64(l+2)*0x1p-24 > 0.5 {
		return 0, true
	}
	nc := (len(a) + Dist2LowChunk - 1) / Dist2LowChunk
	if chunks == nil {
		chunks = identityChunks(nc)
	}
	if len(chunks) != nc {
		panic(fmt.Sprintf("kernel: Dist2LowerF32Until of %d values in %d chunks", len(a), len(chunks)))
	}
	sub, f1, f2 := lowConsts(len(a), m)
	thr32 := float32(math.Inf(1))
	if thr < 0 {
		thr32 = -1
	} else if t := (thr + sub) / ((1 - gamma64(63)) * f1 * f2 * (1 - 0x1p-40)) * (1 + 0x1p-18); t < math.MaxFloat32/2 {
		thr32 = float32(t)
	}
	*s = [Dist2LowLanes]float32{}
	for done := 0; done < nc; {
		done += sqDiffF32Best.chunks(&a[0], &b[0], &chunks[done], nc-done, m, thr32, s)
		if done == nc {
			break
		}
		v := lowFrom(laneSum(s), sub, f1, f2)
		if v < 0 {
			return 0, true
		}
		if v > thr {
			return v, false
		}
	}
	return max(lowFrom(laneSeqSum(s), sub, f1, f2), 0), true
}

// identity holds 0, 1, 2, …: the increasing chunk order of rows of up to
// a million values.
var identity = countUp(1 << 12)

// identityChunks returns the chunks 0 … nc − 1 in increasing order.
func identityChunks(nc int) []int32 {
	if nc <= len(identity) {
		return identity[:nc]
	}
	return countUp(nc)
}

// countUp returns 0, 1, …, n − 1.
func countUp(n int) []int32 {
	id := make([]int32, n)
	for c := range id {
		id[c] = int32(c)
	}
	return id
}

// sqDiffChunksF32Go is the specification of the chunked sum: for t = 0 …
// nc − 1 it adds chunk c = chunks[t] of a and b (values [256c, min(256c +
// 256, m)), m a multiple of Dist2LowLanes; nothing where empty) into s as
// sqDiffF32Go does, and after each non-empty chunk but the last returns
// t + 1 once the lanes' float32 sum h exceeds thr: with uⱼ = (s[j] +
// s[j+16]) + (s[j+32] + s[j+48]) for j < 16, then pairs j and j + 8, j and
// j + 4, j and j + 2, and the last two added in turn (the vector
// registers' halves). It returns nc when every chunk was added.
func sqDiffChunksF32Go(a, b *float32, chunks *int32, nc, m int, thr float32, s *[Dist2LowLanes]float32) int {
	ord := unsafe.Slice(chunks, nc)
	for t, c := range ord {
		c0, c1 := int(c)*Dist2LowChunk, min(int(c)*Dist2LowChunk+Dist2LowChunk, m)
		if c0 >= c1 {
			continue
		}
		sqDiffF32Go(s, unsafe.Slice((*float32)(unsafe.Add(unsafe.Pointer(a), 4*c0)), c1-c0),
			unsafe.Slice((*float32)(unsafe.Add(unsafe.Pointer(b), 4*c0)), c1-c0))
		if t < nc-1 && laneSum32(s) > thr {
			return t + 1
		}
	}
	return nc
}

// laneSum32 is sqDiffChunksF32Go's float32 sum of the lanes.
func laneSum32(s *[Dist2LowLanes]float32) float32 {
	var u [16]float32
	for j := range u {
		u[j] = (s[j] + s[j+16]) + (s[j+32] + s[j+48])
	}
	for w := 8; w >= 1; w /= 2 {
		for j := 0; j < w; j++ {
			u[j] += u[j+w]
		}
	}
	return u[0]
}

// lowFrom is Dist2LowerF32's bound from the lanes' float64 sum t, in the
// same operations: ((1 − γ₆₃)·t − sub)·f1·f2·(1 − 2⁻⁴⁰); −1 where t is not
// finite (the sum overflowed).
func lowFrom(t, sub, f1, f2 float64) float64 {
	if !(t <= math.MaxFloat64) {
		return -1
	}
	v := (1-gamma64(63))*t - sub
	if !(v > 0) {
		return 0
	}
	return v * f1 * f2 * (1 - 0x1p-40)
}

// laneSum adds the 64 lanes in float64 in four interleaved sums (a tree of
// at most 63 additions, which γ₆₃ covers as it covers the sequential sum).
func laneSum(s *[Dist2LowLanes]float32) float64 {
	var t0, t1, t2, t3 float64
	for l := 0; l < Dist2LowLanes; l += 4 {
		t0 += float64(s[l])
		t1 += float64(s[l+1])
		t2 += float64(s[l+2])
		t3 += float64(s[l+3])
	}
	return (t0 + t1) + (t2 + t3)
}

// gamma64 returns γₙ = n·u/(1 − n·u) for float64's u = 2⁻⁵³.
func gamma64(n int) float64 {
	nu := float64(n) * 0x1p-53
	return nu / (1 - nu)
}

// sqDiffF32Impl is one sqDiffF32 variant (see dispatch.go): f adds the
// float32 squared differences of the n values at a and b (a multiple of
// Dist2LowLanes) into s, as sqDiffF32Go does; chunks does the same chunk
// by chunk with a test between them, as sqDiffChunksF32Go does.
type sqDiffF32Impl struct {
	name   string
	f      func(a, b *float32, n int, s *[Dist2LowLanes]float32)
	chunks func(a, b *float32, chunks *int32, nc, m int, thr float32, s *[Dist2LowLanes]float32) int
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
