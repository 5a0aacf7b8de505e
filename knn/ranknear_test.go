package knn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/intdim/intdim/internal/kernel"
)

// TestRankNearest: where rankNearest applies it writes bestK's k entries
// in bestK's order, tied Dist2 included (one tie, many, all equal); it
// declines (false) for a NaN, more than rankMaxCands candidates, or
// without a vector RankLess; candidate counts from k to 64 (every tail of
// RankLess' groups), k from 1 to 32.
func TestRankNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	var sc rankScratch
	applied, ties := 0, 0
	for trial := range 3000 {
		n := 1 + trial%rankMaxCands
		if trial%50 == 0 {
			n = rankMaxCands + 1 + rng.IntN(10)
		}
		k := 1 + rng.IntN(min(n, sortedMaxK))
		c := make([]treeCand, n)
		perm := rng.Perm(4 * n)
		for q := range c {
			c[q] = treeCand{s: rng.Float64(), j: int32(perm[q])}
		}
		tied := false
		switch trial % 7 {
		case 1: // a tie
			if n >= 2 {
				c[rng.IntN(n)].s = c[rng.IntN(n)].s
			}
		case 2:
			c[rng.IntN(n)].s = math.NaN()
		case 3: // coarse values: ties likely
			for q := range c {
				c[q].s = float64(rng.IntN(n))
			}
		case 4:
			c[rng.IntN(n)].s = math.Inf(1)
		case 5: // all equal
			for q := range c {
				c[q].s = 0.5
			}
		case 6: // groups of duplicates, as duplicated rows give
			for q := range c {
				c[q].s = float64(q / 3)
			}
			rng.Shuffle(n, func(a, b int) { c[a].s, c[b].s = c[b].s, c[a].s })
		}
		for a := range c {
			for b := range a {
				tied = tied || c[a].s == c[b].s
			}
		}
		if tied {
			ties++
		}
		hasNaN := slices.ContainsFunc(c, func(e treeCand) bool { return math.IsNaN(e.s) })
		var best bestK
		best.reset(k)
		for _, e := range c {
			best.insert(e.s, e.j)
		}
		idx, dist := make([]int32, k), make([]float64, k)
		ok := rankNearest(c, k, idx, dist, &sc)
		want := kernel.RankVariant() != "purego" && n <= rankMaxCands && !hasNaN
		if ok != want {
			t.Fatalf("trial %d (n=%d k=%d tied=%v NaN=%v): applied %v, want %v", trial, n, k, tied, hasNaN, ok, want)
		}
		if !ok {
			continue
		}
		applied++
		if !slices.Equal(idx, best.j) || !slices.EqualFunc(dist, best.s, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
			t.Fatalf("trial %d (n=%d k=%d): %v %v, bestK %v %v", trial, n, k, idx, dist, best.j, best.s)
		}
	}
	if kernel.RankVariant() != "purego" && (applied < 1000 || ties < 500) {
		t.Fatalf("rankNearest applied to %d trials only (%d with ties)", applied, ties)
	}
}
