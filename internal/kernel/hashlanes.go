package kernel

import (
	"fmt"
	"unsafe"
)

// HashLaneCount is the number of 64-bit multiply–xor lanes of HashLanes32.
const HashLaneCount = 32

// HashLaneFloats is the number of float32 values HashLanes32 takes per
// step: two per lane (one 64-bit word).
const HashLaneFloats = 2 * HashLaneCount

// hashLaneMul is the lanes' odd multiplier (2⁶⁴/φ).
const hashLaneMul = 0x9E3779B97F4A7C15

// HashLanes32 sets lanes[32i … 32i+31] to the multiply–xor lanes of row i
// of the n×d row-major float32 matrix x over its first s = 64·⌊d/64⌋
// values (HashLaneFloats a step), the start of a row hash that equal rows
// share (−0 counts as +0; knn's hashRow finishes it): lane l starts at
// l + 1 and, for each word w_j (values 2j and 2j + 1, the first in the low
// half) with j ≡ l mod 32 in increasing order, becomes (lane ⊕ pair(w_j))·
// 0x9E3779B97F4A7C15 mod 2⁶⁴, where pair clears the sign bit of a half
// whose other bits are zero. The AVX-512 variant (AVX-512DQ's 64-bit
// multiply) runs the 32 lanes in four registers, four independent
// multiply chains; hashLanesGo is the specification.
func HashLanes32(x []float32, n, d int, lanes []uint64) {
	if n < 0 || d < 0 || len(x) != n*d || len(lanes) != HashLaneCount*n {
		panic(fmt.Sprintf("kernel: HashLanes32 of len(x) = %d, len(lanes) = %d for %d×%d", len(x), len(lanes), n, d))
	}
	if n == 0 {
		return
	}
	var p *float32
	if len(x) > 0 {
		p = &x[0]
	}
	hashLanesBest.f(p, n, d, &lanes[0])
}

// hashLanesImpl is one HashLanes32 variant (see dispatch.go).
type hashLanesImpl struct {
	name string
	f    func(x *float32, n, d int, lanes *uint64)
}

// HashPair is pair(w) of HashLanes32: each 32-bit half keeps its sign bit
// only where its other bits are not all zero (−0 → +0).
func HashPair(w uint64) uint64 {
	const abs, one = 0x7fffffff7fffffff, 0x8000000080000000
	return w & (abs | (w&abs+abs)&one)
}

// hashLanesGo is the specification of HashLanes32 (the words may be only
// 4-byte aligned: read as unaligned 64-bit loads, as amd64, arm64 and 386
// allow).
func hashLanesGo(x *float32, n, d int, lanes *uint64) {
	out := unsafe.Slice(lanes, HashLaneCount*n)
	steps := d / HashLaneFloats
	for i := range n {
		var h [HashLaneCount]uint64
		for l := range h {
			h[l] = uint64(l + 1)
		}
		if steps > 0 {
			w := unsafe.Slice((*uint64)(unsafe.Add(unsafe.Pointer(x), 4*i*d)), steps*HashLaneCount)
			for s := 0; s < steps; s++ {
				r := w[s*HashLaneCount : (s+1)*HashLaneCount : (s+1)*HashLaneCount]
				for l := range h {
					h[l] = (h[l] ^ HashPair(r[l])) * hashLaneMul
				}
			}
		}
		copy(out[i*HashLaneCount:(i+1)*HashLaneCount], h[:])
	}
}
