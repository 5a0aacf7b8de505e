package geometry

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

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
// it (ListRanks); otherwise the rank is counted over xb's row (CountRanks),
// with the exact distances knn uses (so both agree). xb may be nil when
// every t lies in b's lists.
func Ranks(a, b *knn.Graph, xb *cloud.Matrix) ([]int, error) {
	if xb != nil && xb.N() != b.N {
		return nil, fmt.Errorf("geometry: the second representation has %d points, its graph %d", xb.N(), b.N)
	}
	ranks, missing, err := ListRanks(a, b)
	if err != nil {
		return nil, err
	}
	if missing == 0 {
		return ranks, nil
	}
	if xb == nil {
		for i, r := range ranks {
			if r == 0 {
				return nil, fmt.Errorf("geometry: point %d: its nearest neighbour in A is beyond its %d neighbours in B and B's points are not given", i, b.K)
			}
		}
	}
	targets := make([]int32, len(ranks))
	for i, r := range ranks {
		targets[i] = -1
		if r == 0 {
			targets[i] = a.Index[i*a.K]
		}
	}
	counted := CountRanks(xb, [][]int32{targets}, 0)[0]
	for i, r := range counted {
		if r > 0 {
			ranks[i] = r
		}
	}
	return ranks, nil
}

// ListRanks returns, for every point i, the rank in B of t = nn_A(i) read
// from b's neighbour list (its position there, from 1), and 0 where t lies
// beyond the list; missing counts those zeros. a and b are graphs of the
// same points with at least one neighbour each.
func ListRanks(a, b *knn.Graph) (ranks []int, missing int, err error) {
	if a.N != b.N {
		return nil, 0, fmt.Errorf("geometry: the representations have %d and %d points", a.N, b.N)
	}
	if a.K < 1 || b.K < 1 {
		return nil, 0, errors.New("geometry: neighbour graphs need at least one neighbour per point")
	}
	ranks = make([]int, a.N)
	for i := range a.N {
		t := a.Index[i*a.K]
		for p, j := range b.Index[i*b.K : (i+1)*b.K] {
			if j == t {
				ranks[i] = p + 1
				break
			}
		}
		if ranks[i] == 0 {
			missing++
		}
	}
	return ranks, missing, nil
}

// CountRanks counts ranks over the rows of x: for every set s and point i
// with targets[s][i] = t ≥ 0, ranks[s][i] is 1 + the number of points j ∉
// {i, t} nearer to i than t in x, or as near with a smaller index than t
// (the order of knn's lists); it is 0 where targets[s][i] < 0. Each point's
// distances are computed once for all its targets (2·N·D flops per point
// with a target): with the blocked kernel (kernel.SqDist) when there are
// many such points, and then exactly (as knn computes its reported
// distances, kernel.Dist2, kernel.Dist2F32) for the points whose
// approximate distance is within the kernel's error bound of the target's,
// so the count is the exact one; by threads goroutines (0: GOMAXPROCS).
// The result does not depend on the path or the number of threads. It panics if a target is out of range or a
// set does not have x.N() entries.
func CountRanks(x *cloud.Matrix, targets [][]int32, threads int) [][]int {
	n := x.N()
	ranks := make([][]int, len(targets))
	for s, t := range targets {
		if len(t) != n {
			panic(fmt.Sprintf("geometry: CountRanks: set %d has %d targets for %d points", s, len(t), n))
		}
		for _, v := range t {
			if int(v) >= n {
				panic(fmt.Sprintf("geometry: CountRanks: target %d of %d points", v, n))
			}
		}
		ranks[s] = make([]int, n)
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	var queries []int // points with a target
	for i := range n {
		for _, ts := range targets {
			if t := int(ts[i]); t >= 0 {
				if t == i {
					panic(fmt.Sprintf("geometry: CountRanks: point %d is its own target", i))
				}
				queries = append(queries, i)
				break
			}
		}
	}
	if len(queries) >= gramMin && float32Safe(x) {
		countGram(x, queries, targets, ranks, threads)
		return ranks
	}
	var next atomic.Int64
	take := func() int { return int(next.Add(16)) - 16 } // blocks of 16 points
	var wg sync.WaitGroup
	for range min(threads, (n+15)/16) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			row := make([]float64, n)
			for lo := take(); lo < n; lo = take() {
				for i := lo; i < min(lo+16, n); i++ {
					countRow(x, i, row, targets, ranks)
				}
			}
		}()
	}
	wg.Wait()
	return ranks
}

// countRow fills ranks[s][i] for every set with a target at point i; row
// is scratch of N values.
func countRow(x *cloud.Matrix, i int, row []float64, targets [][]int32, ranks [][]int) {
	filled := false
	for s, ts := range targets {
		t := int(ts[i])
		if t < 0 {
			continue
		}
		if !filled {
			dist := rowDist(x, i)
			for j := range row {
				row[j] = dist(j)
			}
			filled = true
		}
		if t == i {
			panic(fmt.Sprintf("geometry: CountRanks: point %d is its own target", i))
		}
		dt := row[t]
		r := 1
		for j, d := range row {
			if j == i || j == t {
				continue
			}
			if d < dt || (d == dt && j < t) {
				r++
			}
		}
		ranks[s][i] = r
	}
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
	return ImbalanceOf(r), nil
}

// ImbalanceOf returns Δ = (2/N) · (1/N) Σᵢ rᵢ of the ranks r (see
// Imbalance), summed in index order.
func ImbalanceOf(r []int) float64 {
	s := 0.0
	for _, v := range r {
		s += float64(v)
	}
	n := float64(len(r))
	return 2 / n * (s / n)
}
