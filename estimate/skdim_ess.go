package estimate

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// ESS is the expected simplex skewness estimate (Johnsson, Soneson & Fontes,
// "Low bias local intrinsic dimension estimation from expected simplex
// skewness", IEEE TPAMI 37, 2015), version a with d = 1, as
// scikit-dimension 0.3.4 computes it. For each point, its k nearest
// neighbours (the point excluded) are centred on their mean, giving vectors
// v₁…v_k; over all pairs i < j,
//
//	s = Σ √|det G_ij| / Σ ‖vᵢ‖‖vⱼ‖,   G_ij the Gram matrix of vᵢ and vⱼ,
//
// is the mean parallelogram area over the product of lengths. The expected
// value for a ball in n dimensions is e(n) = Γ(n/2)² / (Γ((n+1)/2) Γ((n−1)/2))
// (e(1) = 0), increasing in n; the point's dimension is the n with
// e(n) ≤ s < e(n+1), plus (s − e(n))/(e(n+1) − e(n)), searched as
// scikit-dimension does (n ≤ 20, then 21…38, …). The estimate is the mean
// over the points (ESSPoints). scikit-dimension samples 5000 pairs when there are more
// (k > 100); this uses every pair, which is what it does for k ≤ 100.
func ESS(x *cloud.Matrix, g *knn.Graph, k, threads int) (float64, error) {
	vals := ESSPoints(x, g, k, threads)
	sum := meanOf(vals)
	if math.IsNaN(sum) {
		return 0, fmt.Errorf("some point's %d neighbours are all equal", k)
	}
	return sum, nil
}

// ESSPoints returns the dimension of ESS for every point (dimension_pw_ of
// scikit-dimension's ESS().fit(X, n_neighbors=k)); NaN for a point whose k
// neighbours are all equal.
func ESSPoints(x *cloud.Matrix, g *knn.Graph, k, threads int) []float64 {
	checkK(g, k, "ESS")
	n, d := g.N, x.D()
	xf := x.Float64()
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	threads = max(1, min(threads, n))
	vals := make([]float64, n)
	var wg sync.WaitGroup
	for w := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := make([]float64, k*d)
			nrm := make([]float64, k)
			for i := w; i < n; i += threads {
				mean := make([]float64, d)
				idx := g.Index[i*g.K : i*g.K+k]
				for _, j := range idx {
					for c, y := range xf[int(j)*d : (int(j)+1)*d] {
						mean[c] += y
					}
				}
				for c := range mean {
					mean[c] /= float64(k)
				}
				for a, j := range idx {
					var s float64
					for c, y := range xf[int(j)*d : (int(j)+1)*d] {
						v[a*d+c] = y - mean[c]
						s += v[a*d+c] * v[a*d+c]
					}
					nrm[a] = s
				}
				var vol, weight float64
				for a := range k {
					va := v[a*d : (a+1)*d]
					for b := a + 1; b < k; b++ {
						var q float64
						for c, y := range v[b*d : (b+1)*d] {
							q += va[c] * y
						}
						vol += math.Sqrt(math.Abs(det2(nrm[a], q, nrm[b])))
						weight += math.Sqrt(nrm[a]) * math.Sqrt(nrm[b])
					}
				}
				vals[i] = essDimension(vol / weight)
			}
		}()
	}
	wg.Wait()
	return vals
}

// det2 is the determinant of the symmetric 2×2 matrix [[p, q], [q, s]] by
// LU with partial pivoting, as numpy.linalg.det computes it.
func det2(p, q, s float64) float64 {
	if math.Abs(q) > math.Abs(p) {
		return -(q * (q - p/q*s))
	}
	if p == 0 {
		return 0
	}
	return p * (s - q/p*q)
}

// essRef is e(n) of ESS, the expected skewness in n dimensions.
func essRef(n int) float64 {
	if n < 2 {
		return 0
	}
	lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
	h := float64(n) / 2
	return math.Exp(2*lg(h) - lg(h+0.5) - lg(h-0.5))
}

// essDimension inverts e(n) by linear interpolation, as scikit-dimension.
func essDimension(s float64) float64 {
	if math.IsNaN(s) {
		return s
	}
	mindim, maxdim := 1, 20
	for s > essRef(maxdim) {
		mindim, maxdim = maxdim+1, 2*(maxdim-1)
		if maxdim > 1<<20 {
			return math.Inf(1)
		}
	}
	// bisect.bisect: the number of e(n), n in mindim…maxdim, that are ≤ s.
	i := sort.Search(maxdim-mindim+1, func(j int) bool { return essRef(mindim+j) > s })
	de := mindim + i - 1
	return float64(de) + (s-essRef(de))/(essRef(de+1)-essRef(de))
}
