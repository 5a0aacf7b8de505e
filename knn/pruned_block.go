package knn

import (
	"fmt"
	"slices"
	"sync"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// A search cut into blocks of query rows (intdim plan, run-task): the
// pruned search of pruned.go restricted to the rows [a, b) of x, each
// against every row of x. The projection (a Pruning) is chosen once for
// the whole matrix (PlanSearch, what Search would choose) and handed to
// every block; the bound of a pair does not depend on the block, each row
// sees every other row as in the one search, so a row keeps about as many
// candidates as there. The extra work of a cut into blocks is the
// projection of all rows and the seeding tree in every block, and the
// products of the block with every row (2·(b − a)·N·m kernel flops instead
// of the one search's half by symmetry).

// Pruning is the projection a pruned search bounds pairs with: the centre
// and scale of the rows and m orthonormal directions (prunePlan). Any
// projection gives exact neighbours: it only decides how many pairs are
// ruled out. UnmarshalBinary recomputes its distance from orthonormal, on
// which the bound's margins rest, so a Pruning read from a file cannot make
// a search inexact.
type Pruning struct {
	pl *prunePlan
	d  int
}

// PlanSearch returns the projection Search(x, k, opt) would prune with, or
// nil when it would search by brute force (opt.Search is SearchBrute, or
// SearchAuto predicts no gain). Errors are Search's.
func PlanSearch(x *cloud.Matrix, k int, opt *Options) (*Pruning, error) {
	n := x.N()
	if k < 1 {
		panic("knn: k < 1")
	}
	if k > n-1 {
		return nil, fmt.Errorf("%w: k = %d with %d points", ErrTooFewPoints, k, n)
	}
	mode := opt.search()
	if mode == SearchBrute {
		return nil, nil
	}
	if opt.metric() == Cosine {
		var err error
		if x, err = Normalize(x); err != nil {
			return nil, err
		}
	}
	v := view(x)
	pl := planPruneSampled(v, k, opt.threads(), mode == SearchPruned, opt.sampled(v), opt.dirs())
	if pl == nil {
		return nil, nil
	}
	pl.spare = nil // a Pruning's plan serves many searches
	return &Pruning{pl: pl, d: x.D()}, nil
}

// Cost returns the predicted time of the pruned search relative to brute
// force (planPrune's cost model): below 1 where pruning pays.
func (p *Pruning) Cost() float64 {
	if !(p.pl.brute > 0) || !(p.pl.pruned > 0) {
		return 1
	}
	return p.pl.pruned / p.pl.brute
}

// SearchBlock returns the k nearest neighbours, among all rows of x, of the
// rows a ≤ i < b: a Graph of b − a rows whose row t equals row a + t of
// Search(x, k, opt) bit for bit (indices are rows of x). With a Pruning it
// runs the pruned search for those rows (see above); without, the
// brute-force kernel (SearchRows). Errors are Search's.
func SearchBlock(x *cloud.Matrix, k, a, b int, pr *Pruning, opt *Options) (*Graph, error) {
	if pr == nil {
		return SearchRows(x, k, a, b, opt)
	}
	x, err := blockInput("SearchBlock", x, k, a, b, opt)
	if err != nil {
		return nil, err
	}
	if pr.d != x.D() {
		return nil, fmt.Errorf("knn: SearchBlock: a pruning of %d columns for rows of %d", pr.d, x.D())
	}
	g := &Graph{N: b - a, K: k, Search: SearchPruned}
	if a == b {
		return g, nil
	}
	g.Index, g.Dist = prunedBlock(view(x), k, a, b, opt.threads(), pr.pl)
	return g, nil
}

// prunedBlock is prunedSearch for the rows [a, b) of x against all rows:
// the lists of those rows, row t for row a + t.
func prunedBlock(x matrix, k, a, b, threads int, pl *prunePlan) ([]int32, []float64) {
	n, q := x.n(), b-a
	queries := func() ([]int32, []float64) {
		rows := make([]int, q)
		for t := range rows {
			rows[t] = a + t
		}
		return searchQueries(x, k, rows, threads)
	}
	c, pr := newPruned(x, k, threads, pl)
	if c == nil || !c.pj.finite() {
		return queries()
	}
	pj, m := c.pj, c.pj.m
	pos := make([]int32, n) // the position of every row in the tree order
	for t, o := range pj.orig {
		pos[o] = int32(t)
	}
	// The block's positions in tree order: rows near each other are
	// seeded, crossed and finished one after another, as in prunedSearch
	// (their candidates, largely shared, stay in cache).
	ps := slices.Sorted(slices.Values(pos[a:b]))
	var left kernel.Packed
	left.PackLeftFunc(q, m, func(t int, dst []float32) {
		i := int(ps[t])
		centreTo(pj.p[i*pj.mm:i*pj.mm+m], pr.mean, pr.scale, dst)
	})
	c.seedRows(ps, threads)
	locks := make([]sync.Mutex, (q+kernel.BlockRows-1)/kernel.BlockRows)
	acc := make([][32]float64, len(locks))
	kernel.Cross32(&left, pr.p, threads, func(_, i0, i1, j0, j1 int, g []float32, ld int) {
		locks[i0/kernel.BlockRows].Lock()
		defer locks[i0/kernel.BlockRows].Unlock()
		s := &acc[i0/kernel.BlockRows]
		for t := i0; t < i1; t++ {
			i := int(ps[t])
			gi := g[(t-i0)*ld : (t-i0)*ld+j1-j0]
			hj := c.h[j0:j1]
			hj = hj[:len(gi)]
			u := c.threshold(i)
			for jj := kernel.ScanRow32(gi, hj, u, 0); jj < len(gi); jj = kernel.ScanRow32(gi, hj, u, jj+1) {
				if j0+jj != i && c.push(i, j0+jj, float64(gi[jj]), s) {
					u = c.threshold(i)
				}
			}
		}
	})
	idx, dist := make([]int32, q*k), make([]float64, q*k)
	var over []int
	for t := range q {
		if c.rows[pos[a+t]].overflow {
			over = append(over, a+t)
		}
	}
	parallelRowsAcc(q, threads, func(t int, h *TopK, acc *[32]float64) {
		if i := int(ps[t]); !c.rows[i].overflow {
			r := int(pj.orig[i]) - a
			c.finish(i, idx[r*k:(r+1)*k], dist[r*k:(r+1)*k], h, acc)
		}
	})
	if len(over) > 0 {
		oi, od := searchQueries(x, k, over, threads)
		for s, i := range over {
			t := i - a
			copy(idx[t*k:(t+1)*k], oi[s*k:(s+1)*k])
			copy(dist[t*k:(t+1)*k], od[s*k:(s+1)*k])
		}
	}
	return idx, dist
}

// finite reports whether every coordinate, residual norm and margin of the
// projection is finite (a projection read from a file with an extreme
// centre could overflow; the bound then says nothing). The coordinates
// are not scanned themselves: the bound on all M coordinates (pj.full)
// sums the squares of every one, so a coordinate that is ±Inf or NaN makes
// that sum +Inf or NaN, and with it ρ̂ (NaN) or β (+Inf: its bᵢ holds
// aᵢ·2√Σ, aᵢ > 0) of its row, which are checked (one pass over n·M values
// fewer, per strip of SearchStripPruned).
func (pj *projection) finite() bool {
	all := [][]float64{pj.coarse.rho, pj.coarse.a, pj.coarse.beta, pj.full.rho, pj.full.a, pj.full.beta}
	for _, mg := range pj.mid {
		all = append(all, mg.rho, mg.a, mg.beta)
	}
	for _, s := range all {
		// v − v is 0 for a finite v and NaN otherwise; a sum of them
		// stays 0 or NaN (four sums: independent chains).
		var z [4]float64
		for len(s) >= 4 {
			z[0] += s[0] - s[0]
			z[1] += s[1] - s[1]
			z[2] += s[2] - s[2]
			z[3] += s[3] - s[3]
			s = s[4:]
		}
		for _, v := range s {
			z[0] += v - v
		}
		if z[0]+z[1]+z[2]+z[3] != 0 {
			return false
		}
	}
	return true
}
