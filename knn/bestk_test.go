package knn

import (
	"math/rand/v2"
	"testing"
)

// TestBestK: the k entries bestK keeps, in order, are the k first of all
// the entries offered sorted by (Dist2, index), for lists shorter and
// longer than k, keys with many ties and distinct ones, any order.
func TestBestK(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	var b bestK
	for _, k := range []int{1, 2, 5, 20, 32} {
		for _, m := range []int{k, k + 1, 2*k + 3, 100} {
			for _, vals := range []int{2, 7, 1 << 30} {
				for rep := 0; rep < 20; rep++ {
					c := make([]treeCand, m)
					perm := rng.Perm(5 * m)
					for a := range c {
						c[a] = treeCand{float64(rng.IntN(vals)), int32(perm[a])}
					}
					b.reset(k)
					for _, e := range c {
						b.insert(e.s, e.j)
					}
					sortTreeCands(c)
					if !b.full() {
						t.Fatalf("k = %d, %d offered: %d held", k, m, b.held)
					}
					for a := range k {
						if b.s[a] != c[a].s || b.j[a] != c[a].j {
							t.Fatalf("k = %d, %d offered, keys < %d: entry %d is (%v, %d), want (%v, %d)", k, m, vals, a, b.s[a], b.j[a], c[a].s, c[a].j)
						}
					}
				}
			}
		}
	}
}
