package knn

import (
	"cmp"
	"fmt"
	"math"
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
	pl := planPrune(view(x), k, opt.threads(), mode == SearchPruned)
	if pl == nil {
		return nil, nil
	}
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
	n := x.N()
	if k < 1 {
		panic("knn: k < 1")
	}
	if a < 0 || b > n || a > b {
		panic(fmt.Sprintf("knn: SearchBlock: rows [%d, %d) outside [0, %d)", a, b, n))
	}
	if pr == nil {
		return SearchRows(x, k, a, b, opt)
	}
	if pr.d != x.D() {
		return nil, fmt.Errorf("knn: SearchBlock: a pruning of %d columns for rows of %d", pr.d, x.D())
	}
	if k > n-1 {
		return nil, fmt.Errorf("%w: k = %d with %d points", ErrTooFewPoints, k, n)
	}
	if opt.metric() == Cosine {
		var err error
		if x, err = Normalize(x); err != nil {
			return nil, err
		}
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
	pj := project(x, pl, threads)
	if !pj.finite() {
		return queries()
	}
	pv := view(cloud.Must64(pj.p, n, pj.m))
	pr, ok := prepareWith(pv, packRight)
	if !ok {
		return queries()
	}
	var left kernel.Packed
	left.PackLeftFunc(q, pj.m, func(t int, dst []float32) {
		pv.centreTo(a+t, pr.mean, pr.scale, dst)
	})
	c := newPcollector(x, pj, pr, k)
	c.leaf = leaves(pj, n, k)
	c.seedRows(a, b, threads)
	locks := make([]sync.Mutex, (q+kernel.BlockRows-1)/kernel.BlockRows)
	kernel.Cross(&left, pr.p, threads, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
		locks[i0/kernel.BlockRows].Lock()
		defer locks[i0/kernel.BlockRows].Unlock()
		for t := i0; t < i1; t++ {
			i := a + t
			gi := g[(t-i0)*ld : (t-i0)*ld+j1-j0]
			hj := c.h[j0:j1]
			hj = hj[:len(gi)]
			u := c.threshold(i)
			for jj, v := range gi {
				if hj[jj]-2*v <= u && j0+jj != i {
					c.push(i, j0+jj, v)
					u = c.threshold(i)
				}
			}
		}
	})
	idx, dist := make([]int32, q*k), make([]float64, q*k)
	var over []int
	for t := range q {
		if c.rows[a+t].overflow {
			over = append(over, a+t)
		}
	}
	parallelRows(q, threads, func(t int, _ *TopK) {
		if i := a + t; !c.rows[i].overflow {
			c.rows[i].finish(x, i, k, idx[t*k:(t+1)*k], dist[t*k:(t+1)*k])
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
// centre could overflow; the bound then says nothing).
func (pj *projection) finite() bool {
	for _, s := range [][]float64{pj.p, pj.rho, pj.a, pj.beta} {
		for _, v := range s {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

// seedRows is seed (pruned_seed.go) for the rows [a, b) only: each is
// seeded with its leaf mates among all rows.
func (c *pcollector) seedRows(a, b, threads int) {
	members := make([][]int32, 0, len(c.rows)/leafSize(c.k)+1)
	for i, l := range c.leaf {
		for int(l) >= len(members) {
			members = append(members, nil)
		}
		members[l] = append(members[l], int32(i))
	}
	parallelRows(b-a, threads, func(t int, _ *TopK) {
		i := a + t
		r := &c.rows[i]
		mates := members[c.leaf[i]]
		cands := make([]pcand, 0, len(mates))
		for _, j := range mates {
			if int(j) != i {
				cands = append(cands, pcand{lo: c.lowerF64(i, int(j)), j: j})
			}
		}
		slices.SortFunc(cands, func(a, b pcand) int {
			return cmp.Or(cmp.Compare(a.lo, b.lo), cmp.Compare(a.j, b.j))
		})
		e := min(len(cands), c.k)
		for _, cd := range cands[:e] {
			r.h.Push(c.x.dist2(i, int(cd.j)), cd.j)
		}
		u := r.bound()
		for _, cd := range cands[e:] {
			if cd.lo <= u {
				r.cand = append(r.cand, cd)
			}
		}
		r.limit = max(r.limit, 2*len(r.cand))
	})
}
