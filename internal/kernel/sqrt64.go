package kernel

import (
	"math"
	"unsafe"
)

// Sqrt64 sets x[i] = math.Sqrt(x[i]) for every i, in place. The square
// root is correctly rounded (IEEE 754), so AVX-512's VSQRTPD, eight values
// at a time, gives math.Sqrt's SQRTSD bit for bit (−0, +Inf, NaN and the
// NaN of a negative value included). knn takes the square roots of every
// row's k Dist2 this way.
func Sqrt64(x []float64) {
	n := len(x) &^ 7
	if n > 0 {
		sqrtBest.sqrt(&x[0], n)
	}
	for i := n; i < len(x); i++ {
		x[i] = math.Sqrt(x[i])
	}
}

// sqrtImpl is one variant of Sqrt64 over n values (a multiple of 8).
type sqrtImpl struct {
	name string
	sqrt func(x *float64, n int)
}

// sqrt64Go is the specification of the variants.
func sqrt64Go(x *float64, n int) {
	for i, v := range unsafe.Slice(x, n) {
		unsafe.Slice(x, n)[i] = math.Sqrt(v)
	}
}
