package kernel

import (
	"fmt"
	"math"
)

// rowHashConsts are the odd 32-bit multipliers of HashRows64, one per
// column (in the low half of each 64-bit lane, as VPMULUDQ reads them).
var rowHashConsts = [covMaxD]uint64{
	0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f, 0x165667b1, 0xd3a2646d, 0xfd7046c5, 0xb55a4f09,
	0x8f1bbcdd, 0x6ed9eba1, 0x5a827999, 0xca62c1d7, 0x2545f491, 0x4f6cdd1d, 0x7feb352d, 0x846ca68b,
	0x9fb21c65, 0x68e31da5, 0xe6546b65, 0x1b873593, 0xcc9e2d51, 0x38495ab5, 0xa0761d65, 0xe7037ed1,
}

// hashRowsBest is the assembly of HashRows64, nil where there is none.
var hashRowsBest func(src *float64, d, rows int, keys *uint64, consts *[covMaxD]uint64, masks uint64)

// HashRows64 sets keys[i] to a 64-bit hash of row i of the n×d row-major
// float64 a, for 1 ≤ d ≤ 24 where the CPU has the vector instructions, and
// reports whether it did (if not, keys is untouched). Equal rows (−0 and
// +0 equal) get equal keys; the hash is hashRowsGo's:
//
//	s = Σⱼ lo32(xⱼ) · Cⱼ (mod 2⁶⁴),  xⱼ = bⱼ ^ bⱼ>>32,  bⱼ the bits of aᵢⱼ + 0,
//	h = s ^ s>>32;  h *= 0xd6e8feb86659fd93;  h ^= h>>29,
//
// the Cⱼ odd 32-bit constants: one load, add, shift, xor and multiply per
// eight values, eight lanes summed a row.
func HashRows64(a []float64, n, d int, keys []uint64) bool {
	if len(a) != n*d || len(keys) != n {
		panic(fmt.Sprintf("kernel: HashRows64 of len(a) = %d, len(keys) = %d, want %d·%d and %d", len(a), len(keys), n, d, n))
	}
	if hashRowsBest == nil || d < 1 || d > covMaxD || n < 1 {
		return false
	}
	hashRowsBest(&a[0], d, n, &keys[0], &rowHashConsts, covMasksGo(d))
	return true
}

// hashRowsGo is the specification of HashRows64.
func hashRowsGo(a []float64, n, d int, keys []uint64) {
	for i := range n {
		var s uint64
		for j, v := range a[i*d : (i+1)*d] {
			b := math.Float64bits(v + 0)
			x := b ^ b>>32
			s += uint64(uint32(x)) * rowHashConsts[j]
		}
		h := s ^ s>>32
		h *= 0xd6e8feb86659fd93
		h ^= h >> 29
		keys[i] = h
	}
}

// covMasksGo returns byte z: the lanes of vector z (of 8) that hold one of
// d values.
func covMasksGo(d int) uint64 {
	var masks uint64
	for z := range 3 {
		lanes := min(max(d-8*z, 0), 8)
		masks |= uint64(1<<lanes-1) << (8 * z)
	}
	return masks
}
