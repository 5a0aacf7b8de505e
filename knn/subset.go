package knn

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/intdim/intdim/cloud"
)

// Subset returns the k nearest neighbours of each of the listed rows of x
// among the listed rows only, as a Graph over the subset:
// row j of the result is rows[j], and neighbour indices are positions in
// rows. g is a graph already computed on all of x with the same metric (it
// may be nil); neighbours are read from it where its lists are long enough,
// and searched directly otherwise. The result equals Search on the gathered
// subset exactly. x may be nil when the rows are not in memory (a graph
// from SearchColumns): then every row must be answered from the lists, else
// ErrShortLists is returned (search with SubsetK neighbours to make that
// rare).
//
// A member's k nearest within the subset are the first k members in its
// full list, provided the list also holds every point at the k-th member's
// distance (ties are then reordered by position in rows, as Search breaks
// them): that holds when some list entry after the k-th member is strictly
// farther. Rows whose list runs out first are searched directly against the
// subset (searchQueries: the kernel, then exact distances); when more than a
// quarter of the rows would need that, the gathered subset is searched
// instead. With K neighbours
// kept, a random subset holding a fraction f of the points leaves a row
// short with probability about P(Binomial(K − 1, f) < k); SubsetK picks K
// so that this is rare.
func (g *Graph) Subset(x *cloud.Matrix, rows []int, k int, opt *Options) (*Graph, error) {
	m := len(rows)
	if k < 1 {
		panic("knn: k < 1")
	}
	if k > m-1 {
		return nil, fmt.Errorf("%w: k = %d with %d points", ErrTooFewPoints, k, m)
	}
	listsOnly := x == nil && g != nil // rows not in memory (SearchColumns)
	direct := func() (*Graph, error) {
		if listsOnly {
			return nil, fmt.Errorf("%w: %d-neighbour subset of %d rows", ErrShortLists, k, m)
		}
		return Search(x.Rows(rows), k, opt)
	}
	if g == nil || (!listsOnly && (x.D() <= 0 || g.N != x.N())) || g.K < k {
		return direct()
	}
	n := g.N
	pos := make([]int32, n)
	for i := range pos {
		pos[i] = -1
	}
	for p, r := range rows {
		if r < 0 || r >= n {
			panic(fmt.Sprintf("knn: subset row %d out of range [0, %d)", r, n))
		}
		if pos[r] >= 0 {
			return direct() // a row listed twice is two points
		}
		pos[r] = int32(p)
	}
	out := &Graph{N: m, K: k, Index: make([]int32, m*k), Dist: make([]float64, m*k)}
	short := make([]bool, m)
	nshort := 0
	type entry struct {
		d float64
		p int32
	}
	var buf []entry
	for p, r := range rows {
		idx, dist := g.Neighbors(r)
		buf = buf[:0]
		ok := false
		kth := math.NaN()
		for t, j := range idx {
			if len(buf) >= k && dist[t] > kth {
				ok = true
				break
			}
			if q := pos[j]; q >= 0 {
				buf = append(buf, entry{dist[t], q})
				if len(buf) == k {
					kth = dist[t]
				}
			}
		}
		if !ok {
			short[p] = true
			nshort++
			continue
		}
		slices.SortFunc(buf, func(a, b entry) int {
			if a.d != b.d {
				if a.d < b.d {
					return -1
				}
				return 1
			}
			return int(a.p - b.p)
		})
		for t := 0; t < k; t++ {
			out.Index[p*k+t], out.Dist[p*k+t] = buf[t].p, buf[t].d
		}
	}
	if nshort == 0 {
		return out, nil
	}
	if nshort*4 > m || listsOnly {
		return direct()
	}
	mat := matrix{m: x, d: x.D(), rows: rows}
	if opt.metric() == Cosine {
		xs, err := Normalize(x.Rows(rows))
		if err != nil {
			return nil, err
		}
		mat = view(xs)
	}
	queries := make([]int, 0, nshort)
	for p, s := range short {
		if s {
			queries = append(queries, p)
		}
	}
	idx, dist := searchQueries(mat, k, queries, opt.threads())
	for t, p := range queries {
		copy(out.Index[p*k:(p+1)*k], idx[t*k:(t+1)*k])
		copy(out.Dist[p*k:(p+1)*k], dist[t*k:(t+1)*k])
	}
	return out, nil
}

// ErrShortLists is returned by Subset when x is nil (the rows are not in
// memory, as after SearchColumns) and some lists are too short to answer.
var ErrShortLists = errors.New("knn: neighbour lists too short for the subset and no rows to search")

// SubsetK returns how many neighbours to keep in a search of n points so
// that Subset can usually answer k-neighbour queries for subsets of size
// points from the lists without a direct search. A row is answered from its
// list when its first K − 1 entries hold k subset members, which fails with
// probability P(Binomial(K − 1, size/n) < k) for a random subset; SubsetK is
// the smallest K that makes this at most min(10⁻², 0.05/size) (about one
// row in twenty subsets needs the kernel fallback), capped at 16 + 16·k
// (beyond that, exact re-ranking of the longer lists costs more than the
// fallback it saves) and at n − 1. For 90 % subsets and k = 2 it is 8; for
// 5 % subsets (20 blocks) the cap, 48.
func SubsetK(n, size, k int) int {
	if size >= n {
		return min(k, n-1)
	}
	f := float64(size) / float64(n)
	if f <= 0 {
		return min(k, n-1)
	}
	target := min(1e-2, 0.05/float64(size))
	limit := min(n-1, 16+16*k)
	for K := k + 1; K < limit; K++ {
		if binomLess(K-1, f, k) <= target {
			return K
		}
	}
	return max(limit, min(k, n-1))
}

// binomLess returns P(Binomial(n, p) < k).
func binomLess(n int, p float64, k int) float64 {
	var s float64
	lp, lq := math.Log(p), math.Log1p(-p)
	for i := 0; i < k && i <= n; i++ {
		lc, _ := math.Lgamma(float64(n + 1))
		a, _ := math.Lgamma(float64(i + 1))
		b, _ := math.Lgamma(float64(n - i + 1))
		s += math.Exp(lc - a - b + float64(i)*lp + float64(n-i)*lq)
	}
	return s
}
