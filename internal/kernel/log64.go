package kernel

import (
	"math"
	"unsafe"
)

// Log64 sets out[i] = math.Log(x[i]) for every i < len(x), bit for bit
// (len(out) ≥ len(x); out may be x). On amd64 math.Log is the assembly of
// package math, a fixed sequence of IEEE additions, multiplications and a
// division without fused operations (FreeBSD's e_log.c); its AVX-512 twin
// runs that sequence on eight values at a time, with the same bit
// manipulations for the exponent (subnormals included, as math's assembly
// treats them) and the same results for 0, negative, infinite and NaN
// inputs. Elsewhere it calls math.Log.
func Log64(x, out []float64) {
	if len(x) == 0 {
		return
	}
	out = out[:len(x)]
	n := len(x) &^ 7
	if n > 0 {
		logBest.log(&x[0], n, &out[0])
	}
	for i := n; i < len(x); i++ {
		out[i] = math.Log(x[i])
	}
}

// logImpl is one variant of Log64 over n values (a multiple of 8).
type logImpl struct {
	name string
	log  func(x *float64, n int, out *float64)
}

// log64Go is the specification of the variants.
func log64Go(x *float64, n int, out *float64) {
	xs, os := unsafe.Slice(x, n), unsafe.Slice(out, n)
	for i, v := range xs {
		os[i] = math.Log(v)
	}
}

// LogVariant returns the name of the Log64 variant in use: "avx512" or
// "purego".
func LogVariant() string { return logBest.name }
