package knn

import "github.com/intdim/intdim/internal/kernel"

// rankMaxCands is the most candidates rankNearest ranks: up to 64 the
// counts cost less than the sorted insertions of bestK (n²/8 vector
// steps against about n·k/2 moves), and a uint64 marks the ranks seen.
const rankMaxCands = 64

// rankUsable reports whether RankLess has a vector variant (its pure-Go
// twin costs more than bestK's insertions). Tests turn it off.
var rankUsable = kernel.RankVariant() != "purego"

// rankScratch is rankNearest's scratch: the candidates' Dist2, ranks and
// (where Dist2 tie) the candidate at each place.
type rankScratch struct {
	s    []float64
	r    []int32
	slot []int32
}

// rankNearest writes the k nearest of the candidates c (exact Dist2 in s,
// distinct indices j; k ≤ len(c)) into idx and dist, sorted by (Dist2,
// index), and reports true; or reports false, leaving idx and dist to be
// overwritten, when it does not apply: no vector RankLess, more than
// rankMaxCands candidates, or a NaN. RankLess gives each candidate the
// number of candidates of smaller Dist2, r; its place in the order by
// (Dist2, index) is r plus the number of candidates of equal Dist2 and
// smaller index. Equal Dist2 share one r (without NaN, r is a strictly
// increasing function of Dist2), so when no r repeats the ranks are the
// places; else the candidates of each repeated r fill the places r …
// r + g − 1 and are sorted there by index.
func rankNearest(c []treeCand, k int, idx []int32, dist []float64, sc *rankScratch) bool {
	n := len(c)
	if !rankUsable || n > rankMaxCands {
		return false
	}
	if cap(sc.s) < rankMaxCands {
		sc.s, sc.r, sc.slot = make([]float64, rankMaxCands), make([]int32, rankMaxCands), make([]int32, rankMaxCands)
	}
	s, r := sc.s[:n], sc.r[:n]
	for t, e := range c {
		if e.s != e.s {
			return false
		}
		s[t] = e.s
	}
	kernel.RankLess(s, r)
	idx, dist = idx[:k], dist[:k]
	var seen uint64
	tied := false
	for _, q := range r {
		b := uint64(1) << uint(q)
		tied = tied || seen&b != 0
		seen |= b
	}
	if !tied {
		for t, q := range r {
			if int(q) < k {
				idx[q], dist[q] = c[t].j, s[t]
			}
		}
		return true
	}
	var fill [rankMaxCands]uint8 // candidates placed at each r so far
	slot := sc.slot[:n]
	for t, q := range r {
		slot[int(q)+int(fill[q])] = int32(t)
		fill[q]++
	}
	for q := 0; q < k; q++ {
		if g := int(fill[q]); g > 1 { // a tie: its places sorted by index
			p := slot[q : q+g]
			for a := 1; a < g; a++ {
				e, b := p[a], a
				for b > 0 && c[e].j < c[p[b-1]].j {
					p[b] = p[b-1]
					b--
				}
				p[b] = e
			}
		}
	}
	for q, t := range slot[:k] {
		idx[q], dist[q] = c[t].j, s[t]
	}
	return true
}
