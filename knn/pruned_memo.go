package knn

import (
	"math"
	"math/bits"
	"sync/atomic"
)

// pairMemo remembers, for pairs of rows met by exact, the Dist2 computed
// or the float32 lower bound (Dist2LowerF32Until) that dropped the pair, so
// that the other row of the pair, which meets it later in its own list,
// reads the value instead of its 21.6 KB row (pool1, 2,000 × 5,408: of
// about 24,000 pairs tested at the end of the search, 17 % are the same
// unordered pair met from its second row). Both values are symmetric bit
// for bit: Dist2 and Dist2LowerF32Until sum fl(aᵢ − bᵢ)² (the bound's
// chunks in the plan's order for both rows), and fl(a − b) = −fl(b − a),
// so the value stored is the one the second row would compute (a bound
// at most an ulp below it), and the graph stays brute force's.
//
// An open-addressed table of 2^bits slots, filled concurrently without
// locks: a slot's key (the two rows, the lesser high, plus one; 0 = free)
// is claimed by compare-and-swap, then its value stored; a reader that
// finds a key whose value is not stored yet (0) takes it as absent. A
// value is float64 bits, the sign bit set for an exact Dist2 (a bound is
// never −0, an exact 0 is stored as −0); a bound's lowest bit tells a
// bound over every chunk (0: memoBound) from one whose sum stopped early
// (1: memoPartial), the value lowered by an ulp where needed (still a
// lower bound). A full neighbourhood (memoProbe slots) drops the pair:
// the memo only saves work.
type pairMemo struct {
	slots []memoSlot
	shift uint
}

// memoSlot is a pair's key and value, side by side (one cache line).
type memoSlot struct{ key, val atomic.Uint64 }

// newMemo is newPairMemo, or nil for no memo (a variable for the tests).
var newMemo = newPairMemo

// memoProbe is the most slots a pair is looked for in.
const memoProbe = 8

// memoExact marks an exact Dist2 in a memo value.
const memoExact = 1 << 63

// memoKind is what a memo value is.
type memoKind uint8

const (
	memoDist    memoKind = iota // the pair's exact Dist2
	memoBound                   // lowerF32's bound over every chunk (at most an ulp below)
	memoPartial                 // a lower bound from the chunks summed before lowerF32 stopped
)

// newPairMemo returns a memo for a search of n rows: 16·n slots rounded
// up to a power of two (256 bytes a row), at most 2^18.
//
// The slots are written (zeros) before the search reads any: a fresh
// page read first maps the shared zero page, and the first put then takes
// a second, copy-on-write fault and a TLB shootdown of the other threads
// (pool1: 0.6 % of the search's CPU in the memo's faults).
func newPairMemo(n int) *pairMemo {
	b := min(max(bits.Len(uint(16*n-1)), 6), 18)
	m := &pairMemo{slots: make([]memoSlot, 1<<b), shift: uint(64 - b)}
	clear(m.slots)
	return m
}

func memoKey(a, b int32) uint64 {
	if a > b {
		a, b = b, a
	}
	return (uint64(uint32(a))<<32 | uint64(uint32(b))) + 1
}

// get returns the value stored for rows a and b and its kind; ok false
// when there is none.
func (m *pairMemo) get(a, b int32) (v float64, kind memoKind, ok bool) {
	k := memoKey(a, b)
	mask := len(m.slots) - 1
	h := int((k * 0x9E3779B97F4A7C15) >> m.shift)
	for t := 0; t < memoProbe; t++ {
		s := (h + t) & mask
		switch m.slots[s].key.Load() {
		case k:
			w := m.slots[s].val.Load()
			switch {
			case w == 0:
				return 0, 0, false
			case w&memoExact != 0:
				return math.Float64frombits(w &^ memoExact), memoDist, true
			case w&1 != 0:
				return math.Float64frombits(w), memoPartial, true
			}
			return math.Float64frombits(w), memoBound, true
		case 0:
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// put stores v of kind (a Dist2, or a lower bound on it) for rows a and
// b, replacing what was stored.
func (m *pairMemo) put(a, b int32, v float64, kind memoKind) {
	w := math.Float64bits(v)
	switch kind {
	case memoDist:
		w |= memoExact
	case memoBound:
		w &^= 1
	case memoPartial:
		if w&1 == 0 && w != 0 {
			w--
		}
	}
	if w == 0 {
		return // a bound of 0 says nothing
	}
	k := memoKey(a, b)
	mask := len(m.slots) - 1
	h := int((k * 0x9E3779B97F4A7C15) >> m.shift)
	for t := 0; t < memoProbe; t++ {
		s := (h + t) & mask
		sl := &m.slots[s]
		cur := sl.key.Load()
		if cur == 0 && sl.key.CompareAndSwap(0, k) {
			cur = k
		} else if cur == 0 {
			cur = sl.key.Load()
		}
		if cur == k {
			sl.val.Store(w)
			return
		}
	}
}
