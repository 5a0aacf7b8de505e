package kernel

import (
	"fmt"
	"unsafe"
)

// sqDiffImpl is one SqDiff variant: f returns sqDiffGo of the n values at
// a and b (see dispatch.go).
type sqDiffImpl struct {
	name string
	f    func(a, b *float64, n int) float64
}

// SqDiff returns Σ (aᵢ − bᵢ)² of a and b (len(a) = len(b), a multiple of
// Dist2Lanes) in float64, in the order of sqDiffGo: the 32 partial sums of
// Dist2Acc, then combined as s[l] + s[l+8] + s[l+16] + s[l+24] pairwise,
// then halves. Not Dist2's value (its tree differs): for bounds, where any
// order of the sum of the n rounded squares errs by at most γ_{n+2}
// relatively; it returns the sum without going through memory (Dist2Acc
// then a sum of its lanes cost twice as much on 128 values, a store
// forwarding stall).
func SqDiff(a, b []float64) float64 {
	if len(a) != len(b) || len(a)%Dist2Lanes != 0 {
		panic(fmt.Sprintf("kernel: SqDiff of lengths %d and %d", len(a), len(b)))
	}
	if len(a) == 0 {
		return 0
	}
	return sqDiffBest.f(&a[0], &b[0], len(a))
}

// sqDiffPtr is sqDiffGo with the assembly's signature.
func sqDiffPtr(a, b *float64, n int) float64 {
	return sqDiffGo(unsafe.Slice(a, n), unsafe.Slice(b, n))
}

// sqDiffGo is the specification of SqDiff: Dist2Acc's partial sums from
// zero, then t[l] = (s[l] + s[l+8]) + (s[l+16] + s[l+24]) for l < 8,
// u[l] = t[l] + t[l+4] (l < 4), v[l] = u[l] + u[l+2] (l < 2), v[0] + v[1].
func sqDiffGo(a, b []float64) float64 {
	var s [32]float64
	dist2AccGo(a, b, &s)
	var t [8]float64
	for l := range t {
		t[l] = (s[l] + s[l+8]) + (s[l+16] + s[l+24])
	}
	for l := 0; l < 4; l++ {
		t[l] += t[l+4]
	}
	for l := 0; l < 2; l++ {
		t[l] += t[l+2]
	}
	return t[0] + t[1]
}
