package kernel

import (
	"math"
	"unsafe"
)

// MiNDTerms64 sets, for every i < len(l) (t1 and t2 at least as long),
//
//	r = e^(d·lᵢ),  q = r / (1 − r),  a = km1·q,
//	t1[i] = lᵢ − a·lᵢ,  t2[i] = a / (1 − r) · lᵢ · lᵢ,
//
// each operation rounded in that order (math.Exp for e^x): the terms of
// the derivatives of the MiND_ML log-likelihood (Rozza et al., Machine
// Learning 89, 2012; estimate.MiNDML) with lᵢ = log ρᵢ and km1 = k − 1,
// ℓ′ = N/d + Σ t1 and ℓ″ = −N/d² − Σ t2, bit for bit the scalar loop's.
//
// On amd64 math.Exp is the assembly of package math (Shibata's method:
// x·log₂e rounded to an integer n, the remainder reduced by ln 2 in two
// parts and by 16, a degree-8 Taylor polynomial squared four times, then
// scaled by 2ⁿ), with fused multiply-adds where the CPU has FMA; the
// AVX-512 variant runs that sequence (the FMA form, which every AVX-512
// CPU takes) on eight values at a time and the rest of the terms as
// above, and recomputes with math.Exp every value whose d·lᵢ is outside
// [−700, 700] or NaN (math's overflow, subnormal and special cases).
// Elsewhere the terms come from the scalar loop.
func MiNDTerms64(l []float64, d, km1 float64, t1, t2 []float64) {
	if len(l) == 0 {
		return
	}
	t1, t2 = t1[:len(l)], t2[:len(l)]
	n := len(l) &^ 7
	if n > 0 && mindBest.terms(&l[0], n, d, km1, &t1[0], &t2[0]) {
		for i, v := range l[:n] {
			if x := d * v; !(x >= -700 && x <= 700) {
				t1[i], t2[i] = mindTerm(v, d, km1)
			}
		}
	}
	for i := n; i < len(l); i++ {
		t1[i], t2[i] = mindTerm(l[i], d, km1)
	}
}

// mindTerm is one value of MiNDTerms64, rounded operation by operation
// (the conversions forbid fused multiply-adds).
func mindTerm(l, d, km1 float64) (t1, t2 float64) {
	r := math.Exp(d * l)
	q := r / (1 - r)
	a := float64(km1 * q)
	t1 = l - float64(a*l)
	t2 = float64(float64(a/(1-r))*l) * l
	return t1, t2
}

// mindImpl is one variant of MiNDTerms64 over n values (a multiple of 8):
// it reports whether some d·lᵢ may need math.Exp's special handling (its
// terms are then recomputed).
type mindImpl struct {
	name  string
	terms func(l *float64, n int, d, km1 float64, t1, t2 *float64) bool
}

// mindTermsGo is the specification of the variants.
func mindTermsGo(l *float64, n int, d, km1 float64, t1, t2 *float64) bool {
	ls, o1, o2 := unsafe.Slice(l, n), unsafe.Slice(t1, n), unsafe.Slice(t2, n)
	for i, v := range ls {
		o1[i], o2[i] = mindTerm(v, d, km1)
	}
	return false
}

// MiNDVariant returns the name of the MiNDTerms64 variant in use: "avx512"
// or "purego".
func MiNDVariant() string { return mindBest.name }
