package kernel

import "math"

// maxAbsBest is the assembly of MaxAbsBits64 (n a multiple of 32: the
// lane-wise maxima into out), nil where there is none.
var maxAbsBest func(p *float64, n int, out *[8]uint64)

// MaxAbsBits64 returns the largest of the bits of |v| over f (0 if f is
// empty): for |v| the bits order as the values, and a NaN's exceed every
// other, so math.Float64frombits of it is the largest magnitude (NaN if
// there is a NaN). One pass of vector maxima where the CPU has them.
func MaxAbsBits64(f []float64) uint64 {
	var b uint64
	i := 0
	if maxAbsBest != nil && len(f) >= 32 {
		var out [8]uint64
		i = len(f) &^ 31
		maxAbsBest(&f[0], i, &out)
		for _, v := range out {
			b = max(b, v)
		}
	}
	return max(b, maxAbsBitsGo(f[i:]))
}

// maxAbsBitsGo is the specification of MaxAbsBits64: four running maxima,
// independent chains.
func maxAbsBitsGo(f []float64) uint64 {
	var b0, b1, b2, b3 uint64
	const abs = 1<<63 - 1
	i := 0
	for ; i+4 <= len(f); i += 4 {
		b0 = max(b0, math.Float64bits(f[i])&abs)
		b1 = max(b1, math.Float64bits(f[i+1])&abs)
		b2 = max(b2, math.Float64bits(f[i+2])&abs)
		b3 = max(b3, math.Float64bits(f[i+3])&abs)
	}
	for ; i < len(f); i++ {
		b0 = max(b0, math.Float64bits(f[i])&abs)
	}
	return max(b0, b1, b2, b3)
}
