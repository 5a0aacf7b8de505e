package knn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNearestNet: nearest writes the k smallest entries by candLess, in
// order, with the sorting network (kernel.SortKeys; its keys built by
// kernel.CandKeys or in Go) and without, for lists
// of 33 to 260 entries (around the network's 128 and nearest's selection)
// whose keys tie, are ±0 or negative, or differ in their low 8 bits alone
// (the bits the network's keys give to the slots), and distinct indices in
// any order.
func TestNearestNet(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	old, oldKeys := sortNet, candKeysVec
	defer func() { sortNet, candKeysVec = old, oldKeys }()
	var sc sortScratch
	for v := range 3 { // the network with the vector keys, with the Go keys, none
		net := old && v < 2
		sortNet, candKeysVec = net, oldKeys && v == 0
		for n := 33; n <= 260; n += 3 {
			for trial := range 7 {
				c := make([]treeCand, n)
				perm := r.Perm(4 * n)
				base := 1 + r.Float64()
				for i := range c {
					var s float64
					switch trial {
					case 0:
						s = r.Float64()
					case 1:
						s = float64(r.IntN(6)) // ties
					case 2: // the low bits alone
						s = math.Float64frombits(math.Float64bits(base) + uint64(r.IntN(600)))
					case 3:
						s = []float64{0, math.Copysign(0, -1), -1, 0x1p-1074, base}[r.IntN(5)]
					case 4, 6:
						s = r.NormFloat64()
					default:
						s = math.Float64frombits(math.Float64bits(base) + uint64(r.IntN(3)<<8+r.IntN(2)))
					}
					c[i] = treeCand{s: s, j: int32(perm[i])}
				}
				if trial == 6 { // distinct keys, one +0 and one −0 of a larger index
					c[0].s, c[1].s = 0, math.Copysign(0, -1)
					c[0].j, c[1].j = min(c[0].j, c[1].j), max(c[0].j, c[1].j)
				}
				want := slices.Clone(c)
				sortTreeCands(want)
				for _, k := range []int{1, 33, n / 2, 100, 127, 128, n} {
					if k > n {
						continue
					}
					idx, key := make([]int32, k), make([]float64, k)
					nearest(slices.Clone(c), k, idx, key, &sc)
					for q := range k {
						if idx[q] != want[q].j || math.Float64bits(key[q]) != math.Float64bits(want[q].s) {
							t.Fatalf("net %v n=%d trial %d k=%d: entry %d is (%g, %d), want (%g, %d)", net, n, trial, k, q, key[q], idx[q], want[q].s, want[q].j)
						}
					}
				}
			}
		}
	}
}
