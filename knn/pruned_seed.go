package knn

import (
	"cmp"
	"math"
	"slices"

	"github.com/intdim/intdim/internal/kernel"
)

// Seeding. Before the pass over all pairs, rows are grouped into leaves of
// a k-d tree on their leading principal coordinates (median splits on the
// coordinate of largest spread, leaves of leafSize(k) to twice that), and
// every pair inside a leaf is handled here instead of by the pass: its lower
// bound ℓᵢⱼ is computed from the float64 coordinates (Dist2 of p̂ᵢ and p̂ⱼ,
// at most (1 + γ_{m+4})‖p̂ᵢ − p̂ⱼ‖², in place of the kernel's Aᵢⱼ − eᵢⱼ;
// the same margins otherwise), the k leaf mates of smallest bound are
// evaluated exactly, and the others become candidates. Rows near each other
// in the leading coordinates are likely neighbours, so every row enters the
// pass with k exact distances and a tight bound, and the pass skips the
// pairs of a leaf. Every pair is still considered exactly once.

// leafSize is the smallest leaf of the seeding tree for k neighbours.
func leafSize(k int) int { return max(k+1, 32) }

// leaves returns the leaf of every row: rows are split recursively at the
// median of the coordinate (among the first 8) of largest spread.
func leaves(pj *projection, n, k int) []int32 {
	m := pj.m
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	leaf := make([]int32, n)
	var next int32
	size := leafSize(k)
	var split func(rows []int32)
	split = func(rows []int32) {
		if len(rows) < 2*size {
			for _, r := range rows {
				leaf[r] = next
			}
			next++
			return
		}
		best, spread := 0, -1.0
		for c := 0; c < min(m, 8); c++ {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, r := range rows {
				v := pj.p[int(r)*m+c]
				lo, hi = min(lo, v), max(hi, v)
			}
			if hi-lo > spread {
				best, spread = c, hi-lo
			}
		}
		slices.SortFunc(rows, func(a, b int32) int {
			return cmp.Or(cmp.Compare(pj.p[int(a)*m+best], pj.p[int(b)*m+best]), cmp.Compare(a, b))
		})
		h := len(rows) / 2
		split(rows[:h])
		split(rows[h:])
	}
	split(perm)
	return leaf
}

// lowerF64 returns ℓᵢⱼ computed from the float64 coordinates.
func (c *pcollector) lowerF64(i, j int) float64 {
	pj, m := c.pj, c.pj.m
	d2 := kernel.Dist2(pj.p[i*m:(i+1)*m], pj.p[j*m:(j+1)*m])
	sp := math.Sqrt(d2/(1+pj.gammaM)) * (1 - 0x1p-40)
	s := max(sp-pj.a[i]-pj.a[j], 0)
	t := max(math.Abs(pj.rho[i]-pj.rho[j])-pj.beta[i]-pj.beta[j], 0)
	return (s*s + t*t) * pj.lowScale
}

// seed handles the pairs inside every leaf (see above), rows in parallel.
func (c *pcollector) seed(threads int) {
	n := len(c.rows)
	members := make([][]int32, 0, n/leafSize(c.k)+1)
	for i, l := range c.leaf {
		for int(l) >= len(members) {
			members = append(members, nil)
		}
		members[l] = append(members[l], int32(i))
	}
	parallelRows(n, threads, func(i int, _ *TopK) {
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
