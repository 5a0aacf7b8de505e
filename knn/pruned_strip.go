package knn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"unsafe"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// The pruned search cut into strips (intdim plan, run-task): each pair of
// rows computed once across the strips, as in the one pruned search, and
// the rows projected once.
//
// What the one search computes once per matrix — the coordinates of every
// row on the M directions of a Pruning, the rows' order in the seeding
// tree, and the seeding itself — is computed once (NewStripIndex, by
// intdim plan) and kept in a StripIndex: the coordinates and squared
// norms by position in the tree order, the row at each position, and for
// every position an upper bound Uᵢ on the Dist2 of its k-th nearest row:
// the k-th smallest Dist2 to its leaf mates (k exact distances to other
// rows, so the true k-th is at most that). A strip is the block of
// positions [a, b) (SearchStripPruned): the pairs of the block among
// themselves and with the positions after it, each once, by the bound of
// pruned.go from the index's coordinates (a coarse Gram pass on the first
// m, then the fine bound, then exact distances), every row starting with
// its Uᵢ as its bound instead of +Inf. A row keeps the rows within its
// bound: its k nearest among the strip's rows that are its candidates,
// fewer (padding) when fewer are within Uᵢ. That is exact for the merge
// (MergeRows): a row j among i's k nearest of all has Dist2 ≤ kth ≤ Uᵢ,
// so its lower bound is ≤ Uᵢ and ≤ the k-th of any strip's rows that
// contains it; the strip that holds the pair keeps it, and the k smallest
// by (distance, index) of the strips' lists are the k nearest of all, as
// brute force orders them. Pairs inside a seeding leaf are not skipped
// here (the index keeps only the bound of the seeding, not its lists).

// StripIndex is what a pruned search computes once for a matrix of n rows,
// for the strips of SearchStripPruned.
type StripIndex struct {
	n, mm int
	epsQ  float64   // ‖QQᵀ − I‖_F of the directions the coordinates were computed with
	perm  []int32   // the row at each position (seeding tree order)
	c2    []float64 // squared norm of each position's centred, scaled row
	ub    []float64 // each position's seeding bound Uᵢ on its k-th Dist2
	p     []float64 // n×M coordinates, by position
}

// N returns the number of rows the index was made for.
func (s *StripIndex) N() int { return s.n }

// Perm returns the row at each position: a strip's lists are by position.
func (s *StripIndex) Perm() []int32 { return s.perm }

// NewStripIndex projects the rows of x on the directions of pr, orders
// them by the seeding tree and seeds every row (see above); nil when the
// pruned search would not run on these rows (an entry too large for the
// projection, or a margin that is not finite: Search then searches by
// brute force). Errors are Search's.
func NewStripIndex(x *cloud.Matrix, k int, pr *Pruning, opt *Options) (*StripIndex, error) {
	return NewStripIndexReusing(x, k, pr, opt, nil)
}

// NewStripIndexReusing is NewStripIndex writing the coordinates into the
// memory of prev's where it is large enough; prev (nil allowed) must not be
// used afterwards. Every coordinate is written, so the index is the same
// as NewStripIndex's; a plan of several layers faults in (and zeroes) that
// memory once, not once per layer (65 MB per 32,000-row layer at M = 256).
func NewStripIndexReusing(x *cloud.Matrix, k int, pr *Pruning, opt *Options, prev *StripIndex) (*StripIndex, error) {
	var buf []float64
	if prev != nil {
		buf, prev.p = prev.p, nil
	}
	n := x.N()
	x, err := blockInput("NewStripIndex", x, k, 0, n, opt)
	if err != nil {
		return nil, err
	}
	if pr.d != x.D() {
		return nil, fmt.Errorf("knn: NewStripIndex: a pruning of %d columns for rows of %d", pr.d, x.D())
	}
	v := view(x)
	pj := project(v, pr.pl, k, opt.threads(), buf, nil, false)
	if pj == nil || !pj.finite() {
		return nil, nil
	}
	return &StripIndex{n: n, mm: pj.mm, epsQ: pr.pl.epsQ, perm: pj.orig, c2: pj.c2, ub: seedBounds(v, pj, k, opt.threads()), p: pj.p}, nil
}

// seedDirs is the number of leading coordinates seedBounds ranks leaf
// mates by.
const seedDirs = 32

// seedBounds returns every position's seeding bound: the largest Dist2 to
// the k leaf mates nearest on the first seedDirs coordinates (any k other
// rows give an upper bound on the k-th nearest; these are likely near).
// It is the seeding of pruned_seed.go without its candidate lists. Each
// pair of a leaf is ranked once for both rows by kernel.SqDiff
// ((a − b)² = (b − a)²: the same value for both), half the sums of a
// ranking of each row's mates by Dist2Acc and Dist2Sum, and each cheaper.
func seedBounds(x matrix, pj *projection, k, threads int) []float64 {
	n, mm := len(pj.orig), pj.mm
	mc := min(mm, seedDirs)
	ub := make([]float64, n)
	start := make([]int32, 0, n/leafSize(k)+2) // first position of every leaf
	for i, l := range pj.leaf {
		if i == 0 || l != pj.leaf[i-1] {
			start = append(start, int32(i))
		}
	}
	start = append(start, int32(n))
	parallelChunks(len(start)-1, threads, func(l0, l1 int) {
		var acc [32]float64
		var dd []float64         // the leaf's pairs on mc coordinates, w×w
		near := make([]pcand, k) // the k nearest mates so far, by lo, then j
		for l := l0; l < l1; l++ {
			lo, hi := int(start[l]), int(start[l+1])
			w := hi - lo
			if w < k+1 {
				panic("knn: a seeding leaf of fewer than k + 1 rows")
			}
			if cap(dd) < w*w {
				dd = make([]float64, w*w)
			}
			dd = dd[:w*w]
			for i := lo; i < hi; i++ {
				a := pj.p[i*mm : i*mm+mc]
				for j := i + 1; j < hi; j++ {
					b := pj.p[j*mm : j*mm+mc]
					d := sqDiff(a, b)
					dd[(i-lo)*w+j-lo], dd[(j-lo)*w+i-lo] = d, d
				}
			}
			for i := lo; i < hi; i++ {
				got := 0
				row := dd[(i-lo)*w : (i-lo+1)*w]
				for j := lo; j < hi; j++ {
					if j == i {
						continue
					}
					d := row[j-lo]
					if got < k {
						near[got] = pcand{lo: d, j: int32(j)}
						got++
					} else if d < near[k-1].lo {
						near[k-1] = pcand{lo: d, j: int32(j)}
					} else {
						continue
					}
					for t := got - 1; t > 0 && near[t].lo < near[t-1].lo; t-- {
						near[t], near[t-1] = near[t-1], near[t]
					}
				}
				u := 0.0
				for _, cd := range near {
					u = max(u, x.dist2With(int(pj.orig[i]), int(pj.orig[cd.j]), &acc))
				}
				ub[i] = u
			}
		}
	})
	return ub
}

// SearchStripPruned is the strip of the positions a ≤ t < b of si (see
// above): a Graph of N − a rows, row t for position a + t (row
// si.Perm()[a + t] of x), the block's positions with their nearest among
// the positions from a on, the later ones with their nearest among the
// block, indices rows of x, (−1, +Inf) padding where fewer are within the
// row's seeding bound. Merging every strip of a cut into positions
// [c₀ = 0, c₁), [c₁, c₂), … (MergeRows, rows si.Perm()[a:]) gives
// Search(x, k, opt) bit for bit. pr and si must be those NewStripIndex
// was given and returned for x and k. Errors are Search's.
func SearchStripPruned(x *cloud.Matrix, k, a, b int, pr *Pruning, si *StripIndex, opt *Options) (*Graph, error) {
	n := x.N()
	if a >= b {
		panic(fmt.Sprintf("knn: SearchStripPruned: positions [%d, %d)", a, b))
	}
	x, err := blockInput("SearchStripPruned", x, k, a, b, opt)
	if err != nil {
		return nil, err
	}
	if pr.d != x.D() || si.n != n || si.mm != pr.pl.mm {
		return nil, fmt.Errorf("knn: SearchStripPruned: a pruning of %d columns and %d directions and an index of %d rows and %d directions for %d rows of %d",
			pr.d, pr.pl.mm, si.n, si.mm, n, x.D())
	}
	v, q, nb, mm, m := view(x), n-a, b-a, si.mm, pr.pl.m
	threads := opt.threads()
	// The margins are those of the directions the coordinates were
	// computed with (εQ of the plan's Q: a Pruning read from its file may
	// have been made orthonormal again).
	pl := *pr.pl
	pl.epsQ = si.epsQ
	pj := newProjectionDeferred(&pl, x.D(), si.p[a*mm:], si.perm[a:], si.c2[a:])
	g := &Graph{N: q, K: k, Index: make([]int32, q*k), Dist: make([]float64, q*k), Search: SearchPruned}
	// The block's coordinates packed for SymGram32, the rows after it for
	// Cross32, centred once (prepareCoords: no copy of the coordinates, no
	// pass for the norms alone), each row's margins computed as it is
	// (one pass over the coordinates).
	var block, rest *kernel.Packed
	prep, ok := prepareCoords(pj.p, mm, m, q, func(centre func(int, []float32)) {
		row := func(t int, dst []float32) {
			pj.marginRows(t, t+1)
			centre(t, dst)
		}
		block = kernel.PackFunc(nb, m, row)
		if nb < q {
			rest = kernel.PackRightFunc(q-nb, m, func(t int, dst []float32) { row(nb+t, dst) })
		}
	})
	if ok {
		pj.setMargins()
	}
	if !ok || !pj.finite() {
		h := new(TopK) // stripExact resets it for each row
		for t := range q {
			stripExact(v, k, t, nb, pj.orig, h, g.Index[t*k:(t+1)*k], g.Dist[t*k:(t+1)*k])
		}
		return g, nil
	}
	// The norms of the positions after the block aligned for the block ×
	// rest pass, whose row tests load them from h[nb + t·BlockRows] on
	// (4 strips of a 32,000-row layer: 7 % fewer samples in the row
	// scans; BENCHMARKS.md, issue 15).
	c := newPcollectorAt(v, pj, prep, k, nb%q)
	// Every row's candidates start in one arena, as long as the list
	// gets before its first flush (a list that grows beyond moves out).
	// The first flush comes after k + 16 candidates, not the one search's
	// 2k + 30 (flush then raises the limit as there): a strip's row starts
	// from its seeding bound, and the later rows see only the block, so
	// an earlier flush (its k exact distances) tightens the bound sooner,
	// and the arena is smaller (4 strips of a 32,000 × 512 layer: 3 %
	// less CPU; the 8 tasks of two: 10k fewer page faults; BENCHMARKS.md,
	// issue 15).
	lim := k + 16
	arena := make([]pcand, q*lim)
	for t := range c.rows {
		r := &c.rows[t]
		r.limit = lim
		r.capped, r.ub = true, si.ub[a+t]
		c.moved(t)
		r.cand = arena[t*lim : t*lim : (t+1)*lim]
	}
	kernel.SymGram32(block, threads, c.block)
	if nb < q {
		block.LeftOnly()
		kernel.Cross32(block, rest, threads, func(w, i0, i1, j0, j1 int, g []float32, ld int) {
			c.block(w, i0, i1, nb+j0, nb+j1, g, ld)
		})
	}
	parallelRowsAcc(q, threads, func(t int, h *TopK, acc *[32]float64) {
		idx, dist := g.Index[t*k:(t+1)*k], g.Dist[t*k:(t+1)*k]
		if c.rows[t].overflow {
			c.rows[t] = prow{}
			stripExact(v, k, t, nb, pj.orig, h, idx, dist)
			return
		}
		c.finishStrip(t, idx, dist, h, acc)
	})
	return g, nil
}

// finishStrip is finish for a row of a strip: its candidates taken best
// first (bestFirst: a coarse bound raised to the fine one only when it
// comes first within the row's bound, min(Uᵢ, k-th so far)), its list
// holding fewer than k rows (those within its bound), padded with
// (−1, +Inf); sc is a worker's scratch for the sort.
func (c *pcollector) finishStrip(i int, idx []int32, dist []float64, sc *TopK, s *[32]float64) {
	r := &c.rows[i]
	r.filter()
	c.bestFirst(r, i, -1, s)
	sortedPadded(&r.h, sc, idx, dist)
	*r = prow{}
}

// sortedPadded writes the entries of h sorted (with sc's scratch, which
// may be h's own TopK), square roots of the keys, then (−1, +Inf) up to
// len(idx).
func sortedPadded(h *heapK, sc *TopK, idx []int32, dist []float64) {
	got := h.Len()
	h.sortedWith(&sc.buf, &sc.ns, idx[:got], dist[:got])
	for t := range got {
		dist[t] = math.Sqrt(dist[t])
	}
	for t := got; t < len(idx); t++ {
		idx[t], dist[t] = -1, math.Inf(1)
	}
}

// stripExact computes the list of position t of a strip of nb block
// positions by exact distances to all its columns (every other position
// for a block row, the block for a later one): the rows orig of x.
func stripExact(x matrix, k, t, nb int, orig []int32, h *TopK, idx []int32, dist []float64) {
	end := len(orig)
	if t >= nb {
		end = nb
	}
	h.Reset(k)
	var s [32]float64
	for u := range end {
		if u != t {
			h.Push(x.dist2With(int(orig[t]), int(orig[u]), &s), orig[u])
		}
	}
	sortedPadded(&h.heapK, h, idx, dist)
}

// MergeRows merges the lists of s into the rows rows[t] of g (list t into
// row rows[t]), as MergeStrip does for consecutive rows: each row keeps
// the k smallest of both by distance then index, padding last.
func (g *Graph) MergeRows(rows []int32, s *Graph) {
	if s.K != g.K || len(rows) != s.N {
		panic("knn: MergeRows: lists do not fit the graph")
	}
	k := g.K
	idx := make([]int32, k)
	dist := make([]float64, k)
	for t, r := range rows {
		if r < 0 || int(r) >= g.N {
			panic("knn: MergeRows: row outside the graph")
		}
		mergeList(g.Index[int(r)*k:(int(r)+1)*k], g.Dist[int(r)*k:(int(r)+1)*k], s.Index[t*k:(t+1)*k], s.Dist[t*k:(t+1)*k], idx, dist)
	}
}

// The binary form of a StripIndex, little endian, every float64 at an
// offset that is a multiple of 8:
//
//	magic   "IDIMSTRP"
//	version uint32 (3)
//	n, M    uint32: rows, directions
//	pad     uint32 (0)
//	epsQ    float64: ‖QQᵀ − I‖_F of the directions of the coordinates
//	c2      n float64: squared norms of the centred, scaled rows
//	ub      n float64: the seeding bounds
//	p       n·M float64: the coordinates, by position
//	perm    n int32: the row at each position
const (
	stripMagic   = "IDIMSTRP"
	stripVersion = 3
	stripHead    = 8 + 4 + 4 + 4 + 4 + 8
)

// StripIndexSize returns the size in bytes of the binary form of the
// index of n rows on dirs directions.
func StripIndexSize(n, dirs int) int64 {
	return stripHead + int64(n)*(4+16+8*int64(dirs))
}

// StripIndexLayout returns where the coordinates and the order begin in
// the binary form of an index of n rows on dirs directions (after them,
// the form ends at StripIndexSize(n, dirs)): before the coordinates, the
// header, norms and bounds, which ReadStripIndex reads whole, as it reads
// the order; of the coordinates, a strip of positions from a on
// (SearchStripPruned) reads those from coords + 8·a·dirs on.
func StripIndexLayout(n, dirs int) (coords, order int64) {
	coords = stripHead + 16*int64(n)
	return coords, coords + 8*int64(n)*int64(dirs)
}

// MarshalBinary encodes the index (see ReadStripIndex).
func (s *StripIndex) MarshalBinary() ([]byte, error) {
	out := make([]byte, StripIndexSize(s.n, s.mm))
	copy(out, stripMagic)
	binary.LittleEndian.PutUint32(out[8:], stripVersion)
	binary.LittleEndian.PutUint32(out[12:], uint32(s.n))
	binary.LittleEndian.PutUint32(out[16:], uint32(s.mm))
	binary.LittleEndian.PutUint64(out[24:], math.Float64bits(s.epsQ))
	b := out[stripHead:]
	for _, f := range [][]float64{s.c2, s.ub, s.p} {
		for i, v := range f {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
		}
		b = b[8*len(f):]
	}
	for i, v := range s.perm {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	return out, nil
}

// WriteTo writes the index's binary form (MarshalBinary's bytes) to w
// without a copy of it where the machine is little endian.
func (s *StripIndex) WriteTo(w io.Writer) (int64, error) {
	var head [stripHead]byte
	copy(head[:], stripMagic)
	binary.LittleEndian.PutUint32(head[8:], stripVersion)
	binary.LittleEndian.PutUint32(head[12:], uint32(s.n))
	binary.LittleEndian.PutUint32(head[16:], uint32(s.mm))
	binary.LittleEndian.PutUint64(head[24:], math.Float64bits(s.epsQ))
	total, err := w.Write(head[:])
	if err != nil {
		return int64(total), err
	}
	put := func(b []byte) error {
		m, err := w.Write(b)
		total += m
		return err
	}
	var buf []byte
	for _, f := range [][]float64{s.c2, s.ub, s.p} {
		if littleEndian && len(f) > 0 {
			if err := put(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(f))), 8*len(f))); err != nil {
				return int64(total), err
			}
			continue
		}
		for len(f) > 0 {
			c := min(len(f), 8192)
			buf = buf[:0]
			for _, v := range f[:c] {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			}
			if err := put(buf); err != nil {
				return int64(total), err
			}
			f = f[c:]
		}
	}
	buf = buf[:0]
	for _, v := range s.perm {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(v))
	}
	err = put(buf)
	return int64(total), err
}

// ReadStripIndex decodes an index written by MarshalBinary: the order
// must be a permutation of the rows (StripOrder), norms and bounds finite
// and non-negative, εQ in [0, 1). The index keeps data: on a little-endian
// machine its float64 values are read in place (data must not change
// while the index is in use). (The bounds and coordinates are trusted as
// the plan's checksum of the file proves them: a forged index could make
// a strip inexact, as a forged input could make it wrong.)
func ReadStripIndex(data []byte) (*StripIndex, error) {
	perm, err := StripOrder(data)
	if err != nil {
		return nil, err
	}
	n, mm := len(perm), int(binary.LittleEndian.Uint32(data[16:]))
	vals := floats(data[stripHead:stripHead+8*n*(2+mm)], n*(2+mm))
	s := &StripIndex{n: n, mm: mm, perm: perm, c2: vals[:n], ub: vals[n : 2*n], p: vals[2*n:]}
	s.epsQ = math.Float64frombits(binary.LittleEndian.Uint64(data[24:]))
	if !(s.epsQ >= 0 && s.epsQ < 1) {
		return nil, fmt.Errorf("strip index of directions %g from orthonormal: impossible", s.epsQ)
	}
	// v − v is 0 for a finite v, NaN for ±Inf and NaN. (The coordinates
	// are checked where they are used: a strip whose projection is not
	// finite is searched exactly, SearchStripPruned.)
	bad := false
	for _, v := range vals[:2*n] {
		bad = bad || v-v != 0 || v < 0
	}
	if bad {
		return nil, errors.New("strip index holds a norm or bound that is not finite or is negative")
	}
	return s, nil
}

// floats returns the little-endian float64 values of b: b itself where the
// machine is little endian and b is aligned, else a decoded copy.
func floats(b []byte, n int) []float64 {
	if n == 0 {
		return nil
	}
	if littleEndian && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%8 == 0 {
		return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(b))), n)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

// littleEndian reports whether this machine stores numbers little endian.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// StripOrder checks the header and size of the binary form of a
// StripIndex (MarshalBinary) and returns its order, the row at each
// position (a permutation of the rows, or an error), without reading the
// rest.
func StripOrder(data []byte) ([]int32, error) {
	if len(data) < stripHead || string(data[:8]) != stripMagic {
		return nil, errors.New("not an intdim strip index")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != stripVersion {
		return nil, fmt.Errorf("strip index version %d, want %d (make the plan again)", v, stripVersion)
	}
	n, mm := int64(binary.LittleEndian.Uint32(data[12:])), int64(binary.LittleEndian.Uint32(data[16:]))
	if n < 2 || n > math.MaxInt32 || mm < 1 || mm > MaxPruningDims || binary.LittleEndian.Uint32(data[20:]) != 0 {
		return nil, fmt.Errorf("strip index of %d rows on %d directions: impossible", n, mm)
	}
	if int64(len(data)) != StripIndexSize(int(n), int(mm)) {
		return nil, fmt.Errorf("strip index of %d bytes, want %d", len(data), StripIndexSize(int(n), int(mm)))
	}
	b := data[len(data)-4*int(n):]
	perm := make([]int32, n)
	seen := make([]bool, n)
	for i := range perm {
		v := int32(binary.LittleEndian.Uint32(b[4*i:]))
		if v < 0 || int64(v) >= n || seen[v] {
			return nil, errors.New("strip index order is not a permutation of the rows")
		}
		seen[v], perm[i] = true, v
	}
	return perm, nil
}
