package knn

// TopK keeps the k smallest (key, index) pairs pushed into it, ordering by
// key then by index, in a bounded max-heap. The zero value is ready after
// Reset.
type TopK struct {
	k    int
	key  []float64
	idx  []int32
	buf  []treeCand // scratch of Sorted, and of callers that select by nearest
	sel  []float32  // scratch of callers' selections (rowCands.prune)
	keys []float64  // scratch of nearest's selection
}

// Reset empties h and sets its capacity to k.
func (h *TopK) Reset(k int) {
	h.k = k
	h.key = h.key[:0]
	h.idx = h.idx[:0]
}

// less reports whether entry a sorts after entry b (max-heap order).
func (h *TopK) above(a, b int) bool {
	if h.key[a] != h.key[b] {
		return h.key[a] > h.key[b]
	}
	return h.idx[a] > h.idx[b]
}

// Len returns the number of entries held.
func (h *TopK) Len() int { return len(h.key) }

// Worst returns the largest key held; valid only when Len() == k.
func (h *TopK) Worst() float64 { return h.key[0] }

// Push offers (key, idx).
func (h *TopK) Push(key float64, idx int32) {
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

func (h *TopK) swap(a, b int) {
	h.key[a], h.key[b] = h.key[b], h.key[a]
	h.idx[a], h.idx[b] = h.idx[b], h.idx[a]
}

func (h *TopK) down(p, n int) {
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
	c := h.buf[:0]
	for t, v := range h.key {
		c = append(c, treeCand{v, h.idx[t]})
	}
	h.buf = c
	sortTreeCands(c)
	for t, e := range c {
		idx[t], key[t] = e.j, e.s
	}
	h.key = h.key[:0]
	h.idx = h.idx[:0]
}

// nearest writes the k smallest entries of c (k ≤ len(c)) by key then
// index, in that order, into idx and key, reordering c (sc is the scratch
// of kthKey): a selection of the
// k-th smallest key drops the entries beyond it (those equal to it stay, to
// be ordered by index), then a sort.
func nearest(c []treeCand, k int, idx []int32, key []float64, sc *[]float64) {
	if k == 0 {
		return
	}
	if len(c) > k {
		u := kthKey(c, k, sc)
		m := 0
		for _, e := range c {
			c[m] = e
			m += b2i(e.s <= u)
		}
		c = c[:m]
	}
	sortTreeCands(c)
	for t, e := range c[:k] {
		idx[t], key[t] = e.j, e.s
	}
}
