package knn

import (
	"fmt"
	"math"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// SearchStrip is one strip of a search cut into row blocks, each pair of
// rows computed once, as Search computes it (DESIGN.md §4: half the flops
// by symmetry). For the rows a ≤ i < b of x (the block) it returns their k
// nearest among the rows j ≥ a, and for the rows i ≥ b their k nearest
// among the block: a Graph of N − a rows, row t for row a + t of x, indices
// rows of x. A list with fewer than k rows to choose from is padded with
// index −1 at distance +Inf. Cutting the rows into blocks [c₀ = 0, c₁),
// [c₁, c₂), … and merging every strip into one graph (MergeStrip) gives
// Search(x, k, opt) bit for bit: each row's strips rank disjoint sets of
// rows whose union is every other row, each exactly (the kernel's
// candidates, then Dist2), by distance then index. The kernel work of a
// strip is (b − a)·(N − a)·D multiply-adds less half the block's square.
func SearchStrip(x *cloud.Matrix, k, a, b int, opt *Options) (*Graph, error) {
	n := x.N()
	if k < 1 {
		panic("knn: k < 1")
	}
	if a < 0 || b > n || a >= b {
		panic(fmt.Sprintf("knn: SearchStrip: rows [%d, %d) outside [0, %d)", a, b, n))
	}
	if opt.metric() == Cosine {
		var err error
		if x, err = Normalize(x); err != nil {
			return nil, err
		}
	}
	rows := make([]int, n-a)
	for t := range rows {
		rows[t] = a + t
	}
	m := matrix{m: x, d: x.D(), rows: rows}
	nb := b - a
	var cands []rowCands
	if pr, ok := prepareWith(m, packNone); ok && m.d > 0 {
		cands = collectStrip(m, pr, k, opt.threads(), nb)
	} else {
		cands = make([]rowCands, len(rows))
		for t := range cands {
			cands[t].overflow = true
		}
	}
	g := &Graph{N: len(rows), K: k, Index: make([]int32, len(rows)*k), Dist: make([]float64, len(rows)*k)}
	parallelRows(len(rows), opt.threads(), func(t int, h *TopK) {
		end := len(rows) // the columns of row t: [0, end) less t
		if t >= nb {
			end = nb
		}
		refineStripRow(m, k, t, end, &cands[t], h, g.Index[t*k:(t+1)*k], g.Dist[t*k:(t+1)*k])
		for s := t * k; s < (t+1)*k; s++ {
			if g.Index[s] >= 0 {
				g.Index[s] += int32(a)
			}
		}
	})
	return g, nil
}

// collectStrip collects the candidates of a strip (collectBlocked is the
// strip of all rows): the rows [0, nb) of m in groups, each group's blocks searched among themselves (SymGram, Cross)
// and the group crossed with every block of rows after it, to the end of
// m. Row i < nb sees every other row, row i ≥ nb the rows [0, nb).
func collectStrip(m matrix, pr *prepared, k, threads, nb int) []rowCands {
	n, d := m.n(), m.d
	c := newCollector(pr, n, k)
	r := blockRows(d)
	var left, right kernel.Packed
	diags := make([]*kernel.Packed, 0, superBlocks)
	for g0 := 0; g0 < nb; g0 += superBlocks * r {
		g1 := min(g0+superBlocks*r, nb)
		diags = diags[:0]
		for b0 := g0; b0 < g1; b0 += r {
			b1 := min(b0+r, g1)
			diag := kernel.PackFunc(b1-b0, d, func(i int, dst []float32) {
				m.centreTo(b0+i, pr.mean, pr.scale, dst)
			})
			kernel.SymGram(diag, threads, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
				c.block(b0+i0, b0+i1, b0+j0, b0+j1, g, ld)
			})
			for a, da := range diags {
				a0 := g0 + a*r
				kernel.Cross(da, diag, threads, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
					c.block(a0+i0, a0+i1, b0+j0, b0+j1, g, ld)
				})
			}
			diag.LeftOnly() // only the left layout is crossed again
			diags = append(diags, diag)
		}
		clear(diags)
		if g1 == n {
			break
		}
		left.PackLeftFunc(g1-g0, d, func(i int, dst []float32) {
			m.centreTo(g0+i, pr.mean, pr.scale, dst)
		})
		for c0 := g1; c0 < n; c0 += r {
			c1 := min(c0+r, n)
			right.PackRightFunc(c1-c0, d, func(i int, dst []float32) {
				m.centreTo(c0+i, pr.mean, pr.scale, dst)
			})
			kernel.Cross(&left, &right, threads, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
				c.block(g0+i0, g0+i1, c0+j0, c0+j1, g, ld)
			})
		}
	}
	return c.rows
}

// refineStripRow is refineRow for row t of a strip, whose columns are
// [0, end) less t: the k nearest by exact distance then index, padded with
// (−1, +Inf) when there are fewer.
func refineStripRow(m matrix, k, t, end int, r *rowCands, h *TopK, idx []int32, dist []float64) {
	c := h.buf[:0]
	if r.overflow {
		for j := range end {
			if j != t {
				c = append(c, treeCand{m.dist2(t, j), int32(j)})
			}
		}
	} else {
		r.prune(&h.sel)
		for _, cd := range r.c {
			c = append(c, treeCand{m.dist2(t, int(cd.j)), cd.j})
		}
	}
	*r = rowCands{}
	h.buf = c
	got := min(k, len(c))
	if got != min(k, end-boolInt(t < end)) {
		panic("knn: strip candidate set of the wrong size")
	}
	nearest(c, got, idx[:got], dist[:got], &h.ns)
	for s := range got {
		dist[s] = math.Sqrt(dist[s])
	}
	for s := got; s < k; s++ {
		idx[s], dist[s] = -1, math.Inf(1)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// EmptyGraph returns a graph of n rows whose k entries are all the padding
// of SearchStrip, (−1, +Inf): the start of a merge of strips.
func EmptyGraph(n, k int) *Graph {
	g := &Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k)}
	for s := range g.Index {
		g.Index[s], g.Dist[s] = -1, math.Inf(1)
	}
	return g
}

// MergeStrip merges the lists of s, rows a, a+1, … of g (as SearchStrip
// returns them), into g: each row keeps the k smallest of both by distance
// then index (padding last). Once every strip of a cut is merged, g is
// Search's graph; Complete says whether padding is left.
func (g *Graph) MergeStrip(a int, s *Graph) {
	if s.K != g.K || a < 0 || a+s.N > g.N {
		panic("knn: MergeStrip: strip does not fit the graph")
	}
	k := g.K
	idx := make([]int32, k)
	dist := make([]float64, k)
	for t := range s.N {
		mergeList(g.Index[(a+t)*k:(a+t+1)*k], g.Dist[(a+t)*k:(a+t+1)*k], s.Index[t*k:(t+1)*k], s.Dist[t*k:(t+1)*k], idx, dist)
	}
}

// mergeList merges the sorted list (si, sd) into (gi, gd), keeping the k
// smallest by distance then index, (−1, +Inf) padding last; idx and dist
// are scratch of k entries.
func mergeList(gi []int32, gd []float64, si []int32, sd []float64, idx []int32, dist []float64) {
	p, q := 0, 0
	for o := range idx {
		// (−1, +Inf) padding sorts after every real entry.
		takeG := gi[p] >= 0 && (si[q] < 0 || gd[p] < sd[q] || (gd[p] == sd[q] && gi[p] < si[q]))
		if takeG {
			idx[o], dist[o] = gi[p], gd[p]
			p++
		} else {
			idx[o], dist[o] = si[q], sd[q]
			q++
		}
	}
	copy(gi, idx)
	copy(gd, dist)
}

// Complete reports whether every list of g is full (no padding left).
func (g *Graph) Complete() bool {
	for _, j := range g.Index {
		if j < 0 {
			return false
		}
	}
	return true
}
