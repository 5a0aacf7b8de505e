package estimate

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// checkK panics unless g holds k neighbours (a programming error: the
// engine searches enough).
func checkK(g *knn.Graph, k int, name string) {
	if k < 2 || g.K < k {
		panic(fmt.Sprintf("estimate: %s: k = %d with a graph of %d neighbours", name, k, g.K))
	}
}

// MOM is the method-of-moments estimate of local intrinsic dimensionality
// (Amsaleg et al., "Extreme-value-theoretic estimation of local intrinsic
// dimensionality", Data Min. Knowl. Discov. 32, 2018), as scikit-dimension
// computes it: with T₁ ≤ … ≤ T_k the distances of a point to its k nearest
// neighbours (the point excluded), m₁ = (1/k)ΣTⱼ and w = T_k,
//
//	m(x) = m₁ / (w − m₁),
//
// and the estimate is the mean of m(x) over the points (MOMPoints). A
// point with k equal distances gives an infinite m(x): scikit-dimension's
// mean is then infinite, and MOM returns an error (meanDefined).
func MOM(g *knn.Graph, k int) (float64, error) {
	checkK(g, k, "MOM")
	return meanDefined("mom", MOMPoints(g, k))
}

// MOMPoints returns m(x) of MOM for every point (scikit-dimension's
// dimension_pw_ of MOM().fit(X, n_neighbors=k)).
func MOMPoints(g *knn.Graph, k int) []float64 {
	checkK(g, k, "MOM")
	out := make([]float64, g.N)
	kf := float64(k)
	i := 0
	// Four rows at a time: each row's sum in its own order (the same
	// additions), four chains of dependent additions in flight.
	for ; i+4 <= g.N; i += 4 {
		d0 := g.Dist[i*g.K : i*g.K+k]
		d1 := g.Dist[(i+1)*g.K : (i+1)*g.K+k]
		d2 := g.Dist[(i+2)*g.K : (i+2)*g.K+k]
		d3 := g.Dist[(i+3)*g.K : (i+3)*g.K+k]
		var s0, s1, s2, s3 float64
		for t, v := range d0 {
			s0 += v
			s1 += d1[t]
			s2 += d2[t]
			s3 += d3[t]
		}
		s0, s1, s2, s3 = s0/kf, s1/kf, s2/kf, s3/kf
		out[i] = -s0 / (s0 - d0[k-1])
		out[i+1] = -s1 / (s1 - d1[k-1])
		out[i+2] = -s2 / (s2 - d2[k-1])
		out[i+3] = -s3 / (s3 - d3[k-1])
	}
	for ; i < g.N; i++ {
		d := g.Dist[i*g.K : i*g.K+k]
		var m1 float64
		for _, t := range d {
			m1 += t
		}
		m1 /= kf
		out[i] = -m1 / (m1 - d[k-1])
	}
	return out
}

// meanOf is the arithmetic mean of v, scikit-dimension's default
// combination of pointwise values (comb="mean"), summed in order.
// meanDefined is the mean of the per-point values v of method, or, where
// some are undefined (NaN from 0/0, or infinite: ties or collinear
// neighbours), an error wrapping ErrDegenerate that counts them: never NaN
// or ±Inf as an estimate (scikit-dimension returns those).
func meanDefined(method string, v []float64) (float64, error) {
	bad := 0
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			bad++
		}
	}
	if bad > 0 {
		return 0, fmt.Errorf("%w: %s is undefined (0/0 or infinite) at %d of %d points: ties or collinear neighbours", ErrDegenerate, method, bad, len(v))
	}
	return meanOf(v), nil
}

func meanOf(v []float64) float64 {
	var sum float64
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

// MADA is the manifold-adaptive dimension estimate (Farahmand, Szepesvári &
// Audibert, ICML 2007), as scikit-dimension (after Hino's ider package)
// computes it: with R_k and R_⌊k/2⌋ a point's distances to its k-th and
// ⌊k/2⌋-th nearest other point at a nonzero distance,
//
//	m(x) = log 2 / log(R_k / R_⌊k/2⌋),
//
// and the estimate is the mean over the points (MADAPoints). Points at
// distance 0 (kept duplicates) are skipped, as scikit-dimension replaces
// zero distances by the largest; it returns an error when a point's list
// runs out.
func MADA(g *knn.Graph, k int) (float64, error) {
	v, err := MADAPoints(g, k)
	if err != nil {
		return 0, err
	}
	return meanDefined("mada", v)
}

// MADAPoints returns m(x) of MADA for every point (dimension_pw_ of
// scikit-dimension's MADA().fit(X, n_neighbors=k)).
func MADAPoints(g *knn.Graph, k int) ([]float64, error) {
	checkK(g, k, "MADA")
	h := k / 2
	out := make([]float64, g.N)
	for i := range g.N {
		d := g.Dist[i*g.K : (i+1)*g.K]
		z := 0
		for z < len(d) && d[z] == 0 {
			z++
		}
		if z+k > len(d) {
			return nil, fmt.Errorf("point %d has %d duplicates: its list of %d holds fewer than k = %d others at a nonzero distance (collapse duplicates)", i, z, len(d), k)
		}
		out[i] = math.Ln2 / math.Log(d[z+k-1]/d[z+h-1])
	}
	return out, nil
}

// TLE is the tight local intrinsic dimensionality estimator (Amsaleg et
// al., "Intrinsic dimensionality estimation within tight localities", SDM
// 2019), as scikit-dimension 0.3.4 computes it. For a point with neighbours
// at distances D₁ ≤ … ≤ D_k = r (the point excluded), V_ij the distance
// between neighbours i and j and Z²_ij = 2Dᵢ² + 2Dⱼ² − V²_ij,
//
//	S_ij = r(√((Dᵢ² + V²_ij − Dⱼ²)² + 4V²_ij(r² − Dᵢ²)) − (Dᵢ² + V²_ij − Dⱼ²)) / (2(r² − Dᵢ²)),
//	T_ij = the same with Z²_ij in place of V²_ij,
//
// with S_ij = rV²_ij/(r² + V²_ij − Dⱼ²) and T_ij = rZ²_ij/(r² + Z²_ij − Dⱼ²)
// where Dᵢ = r, S = T = Dⱼ where Dᵢ = 0, S = T = rV_ij/(r + V_ij) where
// Dⱼ = 0; pairs i ≠ j with V_ij = 0, or with S_ij or T_ij below epsilon, are
// dropped (counted in n_V, n_ε). Then
//
//	m(x) = −2(k² − n_ε − n_D − n_V) / (Σ_{i≠j} log(T_ij/r) + log(S_ij/r) + 2Σᵢ log(Dᵢ/r)),
//
// n_D = #{Dᵢ < epsilon}; as in scikit-dimension (whose slice of the 1×k
// distance array drops all of it), the last sum is 0 when n_D > 0. The
// estimate is the mean of m(x) (TLEPoints).
func TLE(x *cloud.Matrix, g *knn.Graph, k int, eps float64, threads int) (float64, error) {
	v, err := TLEPoints(x, g, k, eps, threads)
	if err != nil {
		return 0, err
	}
	return meanDefined("tle", v)
}

// TLEPoints returns m(x) of TLE for every point (dimension_pw_ of
// scikit-dimension's TLE(epsilon=eps).fit(X, n_neighbors=k)), computed by
// threads goroutines (0: GOMAXPROCS). Neither the values nor the error
// depend on threads: an error names the first point, in index order, where
// m(x) is undefined.
func TLEPoints(x *cloud.Matrix, g *knn.Graph, k int, eps float64, threads int) ([]float64, error) {
	checkK(g, k, "TLE")
	n := g.N
	vals := make([]float64, n)
	xf, d := x.Float64(), x.D()
	workers := threads
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n))
	// failAt[w] is worker w's first failing point (its points ascend, so it
	// is the least of them); the least over the workers is the first of all.
	failAt := make([]int, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		failAt[w] = n
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows := make([][]float64, k)
			V := make([]float64, k*k)
			for i := w; i < n; i += workers {
				idx := g.Index[i*g.K : i*g.K+k]
				for a, j := range idx {
					rows[a] = xf[int(j)*d : (int(j)+1)*d]
				}
				v, err := tlePoint(rows, g.Dist[i*g.K:i*g.K+k], V, eps)
				if err != nil {
					failAt[w], errs[w] = i, err
					return
				}
				vals[i] = v
			}
		}()
	}
	wg.Wait()
	first := -1
	for w := range workers {
		if errs[w] != nil && (first < 0 || failAt[w] < failAt[first]) {
			first = w
		}
	}
	if first >= 0 {
		return nil, fmt.Errorf("point %d: %w", failAt[first], errs[first])
	}
	return vals, nil
}

// tlePoint is m(x) of TLE for one point's neighbour rows and distances; V
// is scratch of k² values.
func tlePoint(rows [][]float64, dists []float64, V []float64, eps float64) (float64, error) {
	k := len(dists)
	r := dists[k-1]
	if r == 0 {
		return 0, fmt.Errorf("all %d neighbour distances are zero", k)
	}
	for a := range k {
		V[a*k+a] = 0
		for b := a + 1; b < k; b++ {
			v := math.Sqrt(knn.Dist2(rows[a], rows[b]))
			V[a*k+b], V[b*k+a] = v, v
		}
	}
	r2 := r * r
	var nV, nEps int
	// Σ log(T/r) + log(S/r) as the log of the product of (T·S)/r², its
	// binary exponent kept apart (frexp) whenever it leaves [2⁻⁵⁰⁰, 2⁵⁰⁰]:
	// one logarithm per point instead of two per pair, the same sum to
	// about k² rounding errors.
	prod, exp := 1.0, 0
	for a := range k {
		di := dists[a]
		for b := range k {
			if a == b {
				continue
			}
			dj, v := dists[b], V[a*k+b]
			v2 := v * v
			z2 := 2*di*di + 2*dj*dj - v2
			var S, T float64
			switch {
			case v == 0:
				nV++
				continue // S = T = r: log 1 = 0
			case dj == 0:
				S = r * v / (r + v)
				T = S
			case di == 0:
				S, T = dj, dj
			case di == r:
				S = r * v2 / (r2 + v2 - dj*dj)
				T = r * z2 / (r2 + z2 - dj*dj)
			default:
				p := di*di + v2 - dj*dj
				q := di*di + z2 - dj*dj
				den := 2 * (r2 - di*di)
				S = r * (math.Sqrt(p*p+4*v2*(r2-di*di)) - p) / den
				T = r * (math.Sqrt(q*q+4*z2*(r2-di*di)) - q) / den
			}
			if T < eps || S < eps {
				nEps++
				continue
			}
			prod *= T * S / r2
			if prod < 0x1p-500 || prod > 0x1p500 {
				var e int
				prod, e = math.Frexp(prod)
				exp += e
			}
		}
	}
	sumTS := math.Log(prod) + float64(exp)*math.Ln2
	nD := 0
	var s2 float64
	for _, d := range dists {
		if d < eps {
			nD++
		}
	}
	if nD == 0 {
		for _, d := range dists {
			s2 += math.Log(d / r)
		}
	}
	return -2 * float64(k*k-nEps-nD-nV) / (sumTS + 2*s2), nil
}

// medianRadius is the median over the points of the distance to the k-th
// neighbour (numpy's median: the mean of the middle two when N is even).
// The middle values are selected (orderStat), not sorted: the same values.
func medianRadius(g *knn.Graph, k int) float64 {
	n := g.N
	v := make([]float64, n)
	for i := range n {
		v[i] = g.Dist[i*g.K+k-1]
	}
	if slices.ContainsFunc(v, math.IsNaN) { // sorted as slices.Sort orders NaN
		slices.Sort(v)
		if n%2 == 1 {
			return v[n/2]
		}
		return (v[n/2-1] + v[n/2]) / 2
	}
	hi := orderStat(v, n/2)
	if n%2 == 1 {
		return hi
	}
	return (slices.Max(v[:n/2]) + hi) / 2
}

// orderStat returns the value of rank m (from 0) of v, without NaN, and
// reorders v so that v[:m] holds values ≤ it and v[m] is it: Hoare's
// selection (C. A. R. Hoare, "Algorithm 65: Find", Comm. ACM 4(7):321–322,
// 1961; median-of-three pivots, insertion sort below 16 values), the value
// that sorting v would put at m.
func orderStat(v []float64, m int) float64 {
	lo, hi := 0, len(v)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		a, b, c := v[lo], v[mid], v[hi]
		p := max(min(a, b), min(max(a, b), c)) // the median of a, b, c
		i, j := lo, hi
		for i <= j {
			for v[i] < p {
				i++
			}
			for p < v[j] {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case m <= j:
			hi = j
		case m >= i:
			lo = i
		default: // v[j+1:i] all equal p
			return v[m]
		}
	}
	w := v[lo : hi+1]
	for a := 1; a < len(w); a++ {
		x, b := w[a], a
		for b > 0 && x < w[b-1] {
			w[b] = w[b-1]
			b--
		}
		w[b] = x
	}
	return v[m]
}

// CorrInt is the correlation dimension (Grassberger & Procaccia, Physica D
// 9, 1983) as scikit-dimension computes it: r₁ and r₂ are the medians over
// the points of the distances to their k1-th and k2-th nearest neighbours,
// C(r) the number of ordered pairs i ≠ j at distance < r, and
//
//	d = log(C(r₂)/C(r₁)) / log(r₂/r₁).
//
// The pairs are counted exactly, with the distances of the neighbour
// search (knn.Dist2 of the rows), by knn.CountPairsGraph (the k-d tree
// the search of g built, if any, else a new one) for
// narrow rows, every pair otherwise; threads goroutines.
func CorrInt(x *cloud.Matrix, g *knn.Graph, k1, k2, threads int) (float64, error) {
	checkK(g, k2, "CorrInt")
	r1, r2 := medianRadius(g, k1), medianRadius(g, k2)
	if !(r1 > 0) || !(r2 > r1) {
		return 0, fmt.Errorf("radii r1 = %g, r2 = %g: need 0 < r1 < r2 (duplicates or too few points)", r1, r2)
	}
	if threads <= 0 {
		threads = 4
	}
	c := knn.CountPairsGraph(x, g, []float64{r1, r2}, threads)
	s1, s2 := c[0], c[1]
	return math.Log(float64(s2)/float64(s1)) / math.Log(r2/r1), nil
}
