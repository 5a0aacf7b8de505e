package geometry

import (
	"errors"
	"fmt"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/knn"
)

// Ranks returns, for every point i, the rank in representation B of i's
// nearest neighbour in A: rᵢ = 1 + the number of points j ≠ i that B places
// before t = nn_A(i), i.e. nearer to i than t, or as near with a smaller
// index (the nearest point has rank 1; ties broken by the smaller index, as
// knn breaks them). a is A's graph (its first neighbour is nn_A), b is B's
// graph and xb B's points. Where t is in b's list its position is read from
// it; otherwise the rank is counted over xb's row, with the exact distances
// knn uses (so both agree). xb may be nil when every t lies in b's lists.
func Ranks(a, b *knn.Graph, xb *cloud.Matrix) ([]int, error) {
	if a.N != b.N {
		return nil, fmt.Errorf("geometry: the representations have %d and %d points", a.N, b.N)
	}
	if a.K < 1 || b.K < 1 {
		return nil, errors.New("geometry: neighbour graphs need at least one neighbour per point")
	}
	if xb != nil && xb.N() != b.N {
		return nil, fmt.Errorf("geometry: the second representation has %d points, its graph %d", xb.N(), b.N)
	}
	ranks := make([]int, a.N)
	for i := range a.N {
		ia, _ := a.Neighbors(i)
		t := int(ia[0])
		ib, _ := b.Neighbors(i)
		r := 0
		for p, j := range ib {
			if int(j) == t {
				r = p + 1
				break
			}
		}
		if r == 0 {
			if xb == nil {
				return nil, fmt.Errorf("geometry: point %d: its nearest neighbour in A is beyond its %d neighbours in B and B's points are not given", i, b.K)
			}
			r = rankInRow(xb, i, t)
		}
		ranks[i] = r
	}
	return ranks, nil
}

// rankInRow counts the rank of t among the points of x ordered by distance
// to i (i itself left out), ties broken by the smaller index.
func rankInRow(x *cloud.Matrix, i, t int) int {
	dist := rowDist(x, i)
	dt := dist(t)
	r := 1
	for j := range x.N() {
		if j == i || j == t {
			continue
		}
		if d := dist(j); d < dt || (d == dt && j < t) {
			r++
		}
	}
	return r
}

// rowDist returns the squared distance from row i to row j, computed as knn
// computes its reported distances (kernel.Dist2, kernel.Dist2F32).
func rowDist(x *cloud.Matrix, i int) func(j int) float64 {
	d := x.D()
	if v := x.F64(); v != nil {
		ri := v[i*d : (i+1)*d]
		return func(j int) float64 { return kernel.Dist2(ri, v[j*d:(j+1)*d]) }
	}
	v := x.F32()
	ri := v[i*d : (i+1)*d]
	return func(j int) float64 { return kernel.Dist2F32(ri, v[j*d:(j+1)*d]) }
}

// Imbalance returns the information imbalance Δ(A→B) (rank-1; Glielmo et al.
// 2022, "Ranking the information content of distance measures", PNAS Nexus;
// DADApy's return_information_imbalace with k=1):
//
//	Δ(A→B) = (2/N) · (1/N) Σᵢ rᵢ,
//
// rᵢ as in Ranks. Δ is about 0 when A's nearest neighbours are also B's
// (A predicts B) and about 1 when B's ranks of them are random. Note that
// Δ(A→A) = 2/N, not 0: the nearest neighbour has rank 1.
func Imbalance(a, b *knn.Graph, xb *cloud.Matrix) (float64, error) {
	r, err := Ranks(a, b, xb)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for _, v := range r {
		s += float64(v)
	}
	n := float64(len(r))
	return 2 / n * (s / n), nil
}
