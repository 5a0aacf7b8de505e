package knn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// TestDist2CandsBitForBit: the batched distances equal matrix.dist2 bit for
// bit, float32 and float64 rows, row views, every width up to past
// kernel.Dist2Lanes, candidate counts up to 20 (kernel.Dist2Cands' groups
// of eight and its last, short one; the four-candidate chains and the last
// few), duplicates, with and without kernel.Dist2Cands.
func TestDist2CandsBitForBit(t *testing.T) {
	old := dist2CandsVec
	t.Cleanup(func() { dist2CandsVec = old })
	for _, vec := range []bool{old, false} {
		dist2CandsVec = vec
		testDist2CandsBitForBit(t)
	}
}

func testDist2CandsBitForBit(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	for d := 1; d <= 40; d++ {
		n := 37
		v64 := make([]float64, n*d)
		v32 := make([]float32, n*d)
		for i := range v64 {
			x := rng.NormFloat64() * math.Ldexp(1, rng.IntN(40)-20)
			if i >= d && rng.IntN(8) == 0 { // some repeated values
				x = v64[i-d]
			}
			v64[i], v32[i] = x, float32(x)
		}
		rows := make([]int, 29)
		for p := range rows {
			rows[p] = rng.IntN(n)
		}
		for _, x := range []*cloud.Matrix{cloud.Must64(v64, n, d), cloud.Must32(v32, n, d)} {
			for _, m := range []matrix{view(x), {m: x, d: d, rows: rows}} {
				for nc := 0; nc <= 20; nc++ {
					for i := 0; i < m.n(); i += 5 {
						c := make([]treeCand, nc)
						for t := range c {
							c[t].j = int32(rng.IntN(m.n()))
						}
						m.dist2Cands(i, c)
						for _, e := range c {
							if want := m.dist2(i, int(e.j)); math.Float64bits(e.s) != math.Float64bits(want) {
								t.Fatalf("d = %d, %v, row %d, cand %d: %v, want %v", d, x.Elem(), i, e.j, e.s, want)
							}
						}
					}
				}
			}
		}
	}
}
