package kernel

import (
	"math"
	"unsafe"
)

// CandKeys writes into buf[:len(c)] (len(c) ≤ SortNetMax) the sort key of
// each candidate: its S's bits (−0 taken as +0) mapped to an unsigned
// integer in the order of the values (sign bit set for positive values,
// all bits flipped for negative ones), its low 8 bits replaced by the
// candidate's slot t, as knn's sorting network takes them; and it reports
// whether no two of the keys, sorted, share their high 56 bits. The keys
// are returned sorted (SortKeysIn), buf[len(c):] overwritten.
//
// AVX-512 builds the keys eight at a time (the candidates' S gathered from
// two registers by VPERMT2Q, the mapping by a shift, an OR and an XOR) and
// tests each sorted key against its predecessor eight at a time.
func CandKeys(c []Cand, buf *[SortNetMax]uint64) (keys []uint64, distinct bool) {
	n := len(c)
	if n > SortNetMax {
		panic("kernel: CandKeys of more than SortNetMax candidates")
	}
	if n == 0 {
		return buf[:0], true
	}
	candKeysBest.keys(&c[0], n, buf)
	SortKeysIn(buf, n)
	return buf[:n], candKeysBest.distinct(buf, n)
}

// candKeysImpl is one variant of CandKeys' two steps over n ≥ 1
// candidates: keys writes buf[:n], distinct reports whether no two
// consecutive keys of buf[:n] share their high 56 bits.
type candKeysImpl struct {
	name     string
	keys     func(c *Cand, n int, buf *[SortNetMax]uint64)
	distinct func(buf *[SortNetMax]uint64, n int) bool
}

// candKeysGo is the specification of keys.
func candKeysGo(c *Cand, n int, buf *[SortNetMax]uint64) {
	for t, e := range unsafe.Slice(c, n) {
		s := e.S
		if s == 0 {
			s = 0 // −0 as +0
		}
		u := math.Float64bits(s)
		u ^= uint64(int64(u)>>63) | 1<<63
		buf[t] = u&^0xff | uint64(t)
	}
}

// keysDistinctGo is the specification of distinct.
func keysDistinctGo(buf *[SortNetMax]uint64, n int) bool {
	for r := 1; r < n; r++ {
		if (buf[r]^buf[r-1])>>8 == 0 {
			return false
		}
	}
	return true
}

// CandKeysVariant returns the name of the CandKeys variant in use:
// "avx512" or "purego".
func CandKeysVariant() string { return candKeysBest.name }
