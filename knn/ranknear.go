package knn

import "github.com/intdim/intdim/internal/kernel"

// rankMaxCands is the most candidates rankNearest ranks: up to 64 the
// counts cost less than the sorted insertions of bestK (n²/8 vector
// steps against about n·k/2 moves), and a uint64 marks the ranks seen.
const rankMaxCands = 64

// rankUsable reports whether RankLess has a vector variant (its pure-Go
// twin costs more than bestK's insertions). Tests turn it off.
var rankUsable = kernel.RankVariant() != "purego"

// rankScratch is rankNearest's scratch: the candidates' Dist2 and ranks.
type rankScratch struct {
	s []float64
	r []int32
}

// rankNearest writes the k nearest of the candidates c (exact Dist2 in s,
// distinct indices j; k ≤ len(c)) into idx and dist, sorted by (Dist2,
// index), and reports true; or reports false, leaving idx and dist to be
// overwritten, when it does not apply: no vector RankLess, more than
// rankMaxCands candidates, or two Dist2 equal (or a NaN), which RankLess
// shows as a repeated rank. Otherwise the Dist2 are distinct, the order
// by Dist2 alone is the order by (Dist2, index), and the ranks are each
// candidate's place in it: the k of rank below k are bestK's k, in its
// order.
func rankNearest(c []treeCand, k int, idx []int32, dist []float64, sc *rankScratch) bool {
	n := len(c)
	if !rankUsable || n > rankMaxCands {
		return false
	}
	if cap(sc.s) < rankMaxCands {
		sc.s, sc.r = make([]float64, rankMaxCands), make([]int32, rankMaxCands)
	}
	s, r := sc.s[:n], sc.r[:n]
	for t, e := range c {
		s[t] = e.s
	}
	kernel.RankLess(s, r)
	idx, dist = idx[:k], dist[:k]
	var seen uint64
	for t, q := range r {
		seen |= 1 << uint(q)
		if int(q) < k {
			idx[q], dist[q] = c[t].j, s[t]
		}
	}
	return seen == 1<<uint(n)-1
}
