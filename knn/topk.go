package knn

import (
	"math"

	"github.com/intdim/intdim/internal/kernel"
)

// TopK keeps the k smallest (key, index) pairs pushed into it, ordering by
// key then by index, in a bounded max-heap. The zero value is ready after
// Reset.
type TopK struct {
	heapK
	buf  []treeCand  // scratch of Sorted, and of callers that select by nearest
	best bestK       // scratch of callers that keep a sorted k best
	sel  []float32   // scratch of callers' selections (rowCands.prune)
	ns   sortScratch // scratch of Sorted and of nearest
	rank rankScratch // scratch of rankNearest
}

// heapK is TopK's heap without its scratch buffers (56 bytes, not TopK's 1,328):
// the state of one row among many (prow), sorted at its end with a
// worker's scratch (sortedWith).
type heapK struct {
	k   int
	key []float64
	idx []int32
}

// Reset empties h and sets its capacity to k.
func (h *heapK) Reset(k int) {
	h.k = k
	h.key = h.key[:0]
	h.idx = h.idx[:0]
}

// less reports whether entry a sorts after entry b (max-heap order).
func (h *heapK) above(a, b int) bool {
	if h.key[a] != h.key[b] {
		return h.key[a] > h.key[b]
	}
	return h.idx[a] > h.idx[b]
}

// Len returns the number of entries held.
func (h *heapK) Len() int { return len(h.key) }

// Worst returns the largest key held; valid only when Len() == k.
func (h *heapK) Worst() float64 { return h.key[0] }

// Push offers (key, idx).
func (h *heapK) Push(key float64, idx int32) {
	if len(h.key) < h.k {
		h.key = append(h.key, key)
		h.idx = append(h.idx, idx)
		// sift up
		c := len(h.key) - 1
		for c > 0 {
			p := (c - 1) / 2
			if !h.above(c, p) {
				break
			}
			h.swap(c, p)
			c = p
		}
		return
	}
	if key > h.key[0] || (key == h.key[0] && idx > h.idx[0]) {
		return
	}
	h.key[0], h.idx[0] = key, idx
	h.down(0, len(h.key))
}

func (h *heapK) swap(a, b int) {
	h.key[a], h.key[b] = h.key[b], h.key[a]
	h.idx[a], h.idx[b] = h.idx[b], h.idx[a]
}

func (h *heapK) down(p, n int) {
	for {
		c := 2*p + 1
		if c >= n {
			return
		}
		if c+1 < n && h.above(c+1, c) {
			c++
		}
		if !h.above(c, p) {
			return
		}
		h.swap(c, p)
		p = c
	}
}

// Sorted writes the entries in ascending order into idx and key (each of
// length Len()) and empties h.
func (h *TopK) Sorted(idx []int32, key []float64) {
	h.heapK.sortedWith(&h.buf, &h.ns, idx, key)
}

// sortedWith is TopK.Sorted with the scratch buf and ns (a TopK's, which
// may be h's own).
func (h *heapK) sortedWith(buf *[]treeCand, ns *sortScratch, idx []int32, key []float64) {
	c := (*buf)[:0]
	for t, v := range h.key {
		c = append(c, treeCand{v, h.idx[t]})
	}
	*buf = c
	sortNear(c, ns)
	for t, e := range c {
		idx[t], key[t] = e.j, e.s
	}
	h.key = h.key[:0]
	h.idx = h.idx[:0]
}

// nearest writes the k smallest entries of c (k ≤ len(c)) by key then
// index, in that order, into idx and key, reordering c (sc is the
// scratch): a selection of the k-th smallest key drops the entries beyond
// it (those equal to it stay, to be ordered by index), then a sort; a list
// not much longer than k is sorted whole.
func nearest(c []treeCand, k int, idx []int32, key []float64, sc *sortScratch) {
	if k == 0 {
		return
	}
	// A short list is sorted whole; one longer than the sorting network
	// takes is cut to the k smallest first, and their ties.
	if len(c) > max(k+k/2, 48) || sortNet && len(c) > kernel.SortNetMax && k < kernel.SortNetMax {
		u := kthKey(c, k, &sc.keys)
		m := 0
		for _, e := range c {
			c[m] = e
			m += b2i(e.s <= u)
		}
		c = c[:m]
	}
	if sortNet && len(c) > 32 && len(c) <= kernel.SortNetMax {
		if keys, exact := netKeys(c, sc); exact {
			for t, u := range keys[:k] {
				e := c[u&0xff]
				idx[t], key[t] = e.j, e.s
			}
			return
		}
		c = sortNearNet(c, sc) // sorted in sc.tmp: not copied back
	} else {
		sortNear(c, sc)
	}
	for t, e := range c[:k] {
		idx[t], key[t] = e.j, e.s
	}
}

// sortScratch holds the buffers of sortNear and of nearest's selection.
type sortScratch struct {
	keys []float64
	tmp  []treeCand
	cnt  []int32
	net  [kernel.SortNetMax]uint64
}

// sortNear sorts c by candLess. Short lists are sorted by sortTreeCands;
// longer ones are spread over len(c) buckets by key (the bucket
// ⌊(s − min)·scale⌋, computed once an entry, is a non-decreasing function
// of s, so buckets are ordered as their keys, and equal keys share one)
// and the whole is then sorted by insertion, each entry moving within its
// bucket: about linear time on neighbour distances, whose spread is
// smooth, with no branch on the data outside the insertion.
func sortNear(c []treeCand, sc *sortScratch) {
	n := len(c)
	if n <= 32 {
		sortTreeCands(c)
		return
	}
	if sortNet && n <= kernel.SortNetMax {
		copy(c, sortNearNet(c, sc))
		return
	}
	lo, hi := c[0].s, c[0].s
	for _, e := range c { // keys are not NaN
		if e.s < lo {
			lo = e.s
		}
		if e.s > hi {
			hi = e.s
		}
	}
	nb := n
	scale := float64(nb) / (hi - lo)
	// One key, a spread that overflows, or one so small (subnormal) that
	// the scale does: no finite buckets.
	if !(hi > lo) || math.IsInf(hi-lo, 0) || math.IsInf(scale, 0) {
		sortTreeCands(c)
		return
	}
	if cap(sc.cnt) < nb+1+n {
		sc.cnt = make([]int32, 2*(nb+1+n))
	}
	if cap(sc.tmp) < n {
		sc.tmp = make([]treeCand, 2*n)
	}
	cnt, bk, tmp := sc.cnt[:nb+1], sc.cnt[nb+1:nb+1+n], sc.tmp[:n]
	clear(cnt)
	for t, e := range c {
		b := int32(min(int((e.s-lo)*scale), nb-1))
		bk[t] = b
		cnt[b+1]++
	}
	for b := 1; b <= nb; b++ {
		cnt[b] += cnt[b-1]
	}
	for t, e := range c {
		b := bk[t]
		tmp[cnt[b]] = e
		cnt[b]++
	}
	// The buckets are in order: one insertion sort moves each entry
	// within its bucket only.
	insertionSortCands(tmp)
	copy(c, tmp)
}

// bestK holds, sorted by (Dist2, index), the k smallest entries offered
// to it so far (all of them while fewer than k): the keys and the indices
// in two arrays, so that an insertion compares keys alone (the index only
// between equal keys) and moves 12 bytes an entry.
type bestK struct {
	s    []float64
	j    []int32
	held int
}

// reset empties b for k entries.
func (b *bestK) reset(k int) {
	if len(b.s) != k {
		b.s, b.j = make([]float64, k), make([]int32, k)
	}
	b.held = 0
}

// full reports whether b holds k entries.
func (b *bestK) full() bool { return b.held == len(b.s) }

// insert offers (s, j) (k ≥ 1): it replaces the last entry of a full list when it
// orders before it, and is dropped otherwise, so that the list ends as the
// k smallest of all entries offered, whatever their order.
func (b *bestK) insert(s float64, j int32) {
	ks, kj := b.s, b.j[:len(b.s)]
	i := b.held
	if i == len(ks) {
		if s > ks[i-1] || s == ks[i-1] && j > kj[i-1] {
			return
		}
		i--
	} else {
		b.held++
	}
	for i > 0 && s < ks[i-1] {
		ks[i], kj[i] = ks[i-1], kj[i-1]
		i--
	}
	for i > 0 && s == ks[i-1] && j < kj[i-1] {
		ks[i], kj[i] = ks[i-1], kj[i-1]
		i--
	}
	ks[i], kj[i] = s, j
}

// sortNet reports whether kernel.SortKeysIn sorts in vector registers (else
// sortNear keeps its buckets).
var sortNet = kernel.SortNetVariant() != "purego"

// netKeys sorts c's keys for sortNearNet (8 < len(c) ≤ kernel.SortNetMax):
// each entry's key is its distance's bits (−0 taken as +0) mapped to an
// unsigned integer in the order of the distances (sign bit set for
// positive values, all bits flipped for negative ones), its low 8 bits
// replaced by the entry's slot t; kernel.SortKeysIn sorts these keys in
// sc.net, which orders the entries by distance except among those whose
// distances differ in the low 8 bits alone (or are equal), which come in
// slot order. exact reports that no two keys share their high 56 bits:
// the distances are then distinct and the keys' slots are in candLess
// order.
func netKeys(c []treeCand, sc *sortScratch) (keys []uint64, exact bool) {
	if candKeysVec { // the same keys, built and tested eight at a time
		return kernel.CandKeys(kernelCands(c), &sc.net)
	}
	n := len(c)
	keys = sc.net[:n]
	for t, e := range c {
		s := e.s
		if s == 0 {
			s = 0 // −0 as +0
		}
		u := math.Float64bits(s)
		u ^= uint64(int64(u)>>63) | 1<<63
		keys[t] = u&^0xff | uint64(t)
	}
	kernel.SortKeysIn(&sc.net, n)
	same := 0
	for r := 1; r < n; r++ {
		same |= b2i((keys[r]^keys[r-1])>>8 == 0)
	}
	return keys, same == 0
}

// candKeysVec reports whether kernel.CandKeys runs in vector lanes (else
// netKeys builds and tests the keys in Go). Tests turn it off.
var candKeysVec = kernel.CandKeysVariant() == "avx512"

// sortNearNet returns the entries of c sorted by candLess, in sc.tmp (c
// is left as it was): sortNear for 8 < len(c) ≤ kernel.SortNetMax by
// netKeys' order, then an insertion sort by candLess, which puts the
// entries whose distances share their high bits in their places and
// passes over the others with one comparison each: the order is
// candLess's whatever the keys.
func sortNearNet(c []treeCand, sc *sortScratch) []treeCand {
	n := len(c)
	keys, _ := netKeys(c, sc)
	if cap(sc.tmp) < n {
		sc.tmp = make([]treeCand, 2*n)
	}
	tmp := sc.tmp[:n]
	for r, u := range keys {
		tmp[r] = c[u&0xff]
	}
	insertionSortCands(tmp)
	return tmp
}
