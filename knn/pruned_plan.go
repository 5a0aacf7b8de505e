package knn

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
)

// SearchMode selects how Search finds the exact neighbours; every mode
// returns the same graph, bit for bit.
type SearchMode int

const (
	// SearchAuto prunes with the spectrum when the cost model predicts a
	// gain, and searches by brute force otherwise (the default).
	SearchAuto SearchMode = iota
	// SearchBrute ranks every pair with the float32 kernel over all d
	// coordinates, then refines exactly (kernelSearch).
	SearchBrute
	// SearchPruned bounds every pair from m principal coordinates and the
	// residual norms and evaluates exactly only the pairs the bound cannot
	// rule out (prunedSearch).
	SearchPruned
)

// String returns "auto", "brute" or "pruned".
func (s SearchMode) String() string {
	switch s {
	case SearchAuto:
		return "auto"
	case SearchBrute:
		return "brute"
	case SearchPruned:
		return "pruned"
	}
	return fmt.Sprintf("SearchMode(%d)", int(s))
}

// ParseSearch parses "auto" (or ""), "brute" or "pruned".
func ParseSearch(s string) (SearchMode, error) {
	switch s {
	case "auto", "":
		return SearchAuto, nil
	case "brute":
		return SearchBrute, nil
	case "pruned":
		return SearchPruned, nil
	}
	return 0, fmt.Errorf("unknown search %q (want auto, brute or pruned)", s)
}

// prunePlan is the projection of a pruned search: m orthonormal
// directions (rows of q, leading principal directions of a sample of the
// centred rows, in order), the centring, and ‖QQᵀ − I‖_F.
type prunePlan struct {
	mean  []float64
	scale float64
	q     []float64 // mmax×d; the first m rows are used
	m     int
	epsQ  float64
	// predicted costs, seconds of one thread (for tests and benchmarks)
	brute, pruned float64
}

// Cost model of the two searches of an n×d matrix, in seconds of one
// thread on the machine of BENCHMARKS.md (AVX-512): the float32 kernel's
// effective rate on a symmetric Gram (n²·d multiply-adds), the float64
// kernel's rate (Dots64, Gram64, multiply-adds), the candidate test per
// Gram entry, and an exact distance per coordinate (Dist2F32 from rows
// that are mostly not in cache). Only their ratios matter.
var (
	costKernel = 1.0 / 1.3e11
	costF64    = 1.0 / 2.5e10
	costScan   = 1.5e-9
	costExact  = 6e-10
	costCentre = 1.5e-9
)

// bruteCost is the predicted time of kernelSearch.
func bruteCost(n, d, k int) float64 {
	fn, fd := float64(n), float64(d)
	return fn*fn*fd*costKernel + fn*fn*costScan + fn*fd*2*costCentre + fn*float64(k+2)*fd*costExact
}

// prunedCost is the predicted time of prunedSearch with m coordinates and
// cands exact distances per row.
func prunedCost(n, d, m int, cands float64) float64 {
	fn, fd, fm := float64(n), float64(d), float64(m)
	return fn*fd*fm*costF64 + fn*fd*costCentre + fn*fn*(fm+16)*costKernel + fn*fn*costScan + fn*cands*fd*costExact
}

// planPrune chooses the projection of a pruned search of x with k
// neighbours, or returns nil when brute force is predicted to be faster
// (unless force). It centres the rows on the mean of a sample, takes the
// leading principal directions of ns sample rows (their n×n Gram matrix in
// float64, its eigenvectors mapped back), and measures, on nv other rows,
// the fraction of pairs the bound keeps for each m in 8, 16, …, 128: the
// predicted exact distances per row. The cost model (bruteCost,
// prunedCost) picks m, and whether to prune at all.
func planPrune(x matrix, k, threads int, force bool) *prunePlan {
	n, d := x.n(), x.d
	if d < 2 || n < 16 {
		return nil
	}
	if !force && (n < 1000 || d < 64) {
		return nil
	}
	// Centre and scale as prepareWith does.
	mean := make([]float64, d)
	ns0 := min(n, 256)
	for t := 0; t < ns0; t++ {
		x.addRow(mean, t*n/ns0)
	}
	var big float64
	for j := range mean {
		mean[j] /= float64(ns0)
	}
	for t := 0; t < ns0; t++ {
		big = x.maxDev(t*n/ns0, mean, big)
	}
	if math.IsNaN(big) || math.IsInf(big, 0) {
		return nil
	}
	scale := 1.0
	if big > 0 {
		_, e := math.Frexp(big)
		scale = math.Ldexp(1, -e)
	}
	ns := min(max(n/16, 64), 256, n/2)
	nv := min(ns, n-ns)
	// The sample: rows t·n/ns; validation rows halfway between.
	sample := make([]float64, ns*d)
	for t := 0; t < ns; t++ {
		x.centre64(t*n/ns, mean, scale, sample[t*d:(t+1)*d])
	}
	g := kernel.Gram64(sample, ns, d, threads)
	linalg.Install()
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(ns, g), true) {
		return nil
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	if !(vals[ns-1] > 0) {
		return nil
	}
	mmax := 0
	for mmax < min(128, ns-1, d) && vals[ns-1-mmax] > vals[ns-1]*1e-9 {
		mmax++
	}
	if mmax == 0 {
		return nil
	}
	// Q = Λ^(−1/2)·Vᵀ·C: row t is the t-th principal direction.
	w := make([]float64, mmax*ns)
	for t := 0; t < mmax; t++ {
		c := ns - 1 - t
		inv := 1 / math.Sqrt(vals[c])
		for s := 0; s < ns; s++ {
			w[t*ns+s] = vecs.At(s, c) * inv
		}
	}
	ct := make([]float64, d*ns)
	for s := 0; s < ns; s++ {
		for j, v := range sample[s*d : (s+1)*d] {
			ct[j*ns+s] = v
		}
	}
	q := make([]float64, mmax*d)
	kernel.Dots64(q, w, mmax, kernel.PackRight64(ct, d, ns), threads)
	ct = nil
	q, eps := orthonormal(q, mmax, d, threads)
	if !(eps < 1e-6) {
		return nil
	}
	pl := &prunePlan{mean: mean, scale: scale, q: q, m: mmax, epsQ: eps}
	// Validation rows: coordinates, norms and exact squared distances.
	vr := make([]float64, nv*d)
	vn := make([]float64, nv)
	for t := 0; t < nv; t++ {
		vn[t] = x.centre64((t*n/nv+n/(2*nv))%n, mean, scale, vr[t*d:(t+1)*d])
	}
	vp := make([]float64, nv*mmax)
	kernel.Dots64(vp, vr, nv, kernel.PackRight64(q, mmax, d), threads)
	vg := kernel.Gram64(vr, nv, d, threads)
	kept, kv := keptFraction(vp, vn, vg, nv, mmax, k, n)
	pl.brute = bruteCost(n, d, k)
	best := math.Inf(1)
	for i, m := range pruneDims {
		if m > mmax {
			break
		}
		// The bound keeps kept·(nv − 1)/κ rows per true neighbour within
		// the κ-th neighbour's distance; the search, which evaluates
		// some rows before its bound is tight, about 2k more.
		cands := min(float64(k)*max(1, kept[i]*float64(nv-1)/float64(kv))+float64(2*k), float64(n-1))
		if c := prunedCost(n, d, m, cands); c < best {
			best, pl.m = c, m
		}
	}
	if math.IsInf(best, 1) { // mmax < 8
		pl.m = mmax
		best = prunedCost(n, d, mmax, float64(n))
	}
	pl.pruned = best
	// Planning cost, paid either way, is small against both. The margin
	// (prune only where the model predicts at least 3.5× less) keeps auto
	// from pruning where the model is optimistic.
	if !force && !(3.5*best < pl.brute) {
		return nil
	}
	return pl
}

// pruneDims are the numbers of coordinates the plan considers.
var pruneDims = []int{8, 16, 32, 64, 128}

// keptFraction returns, for each m of pruneDims, the mean fraction of the
// other validation rows whose bound (‖P(cᵢ − cⱼ)‖² + (ρᵢ − ρⱼ)², on the
// first m coordinates) is within the distance of row i's κ-th nearest
// validation row, κ = k·nv/n rounded, at least 1 (returned with them).
func keptFraction(p, norm, g []float64, nv, mmax, k, n int) ([]float64, int) {
	kv := max(1, int(math.Round(float64(k)*float64(nv)/float64(n))))
	kv = min(kv, nv-1)
	out := make([]float64, len(pruneDims))
	dist := make([]float64, nv)
	for i := 0; i < nv; i++ {
		for j := 0; j < nv; j++ {
			dist[j] = norm[i] + norm[j] - 2*g[i*nv+j]
		}
		dist[i] = math.Inf(1)
		sorted := slices.Clone(dist)
		slices.Sort(sorted)
		r := sorted[kv-1]
		for mi, m := range pruneDims {
			if m > mmax {
				break
			}
			cnt := 0
			var pi2 float64
			for _, v := range p[i*mmax : i*mmax+m] {
				pi2 += v * v
			}
			ri := math.Sqrt(max(norm[i]-pi2, 0))
			for j := 0; j < nv; j++ {
				if j == i {
					continue
				}
				var s, pj2 float64
				for t := 0; t < m; t++ {
					v := p[j*mmax+t]
					dd := p[i*mmax+t] - v
					s += dd * dd
					pj2 += v * v
				}
				rj := math.Sqrt(max(norm[j]-pj2, 0))
				if s+(ri-rj)*(ri-rj) <= r {
					cnt++
				}
			}
			out[mi] += float64(cnt) / float64(nv-1)
		}
	}
	for i := range out {
		out[i] /= float64(nv)
	}
	return out, kv
}

// orthonormal makes the m rows of q (m×d) orthonormal by a Cholesky step
// (QQᵀ = LLᵀ, Q ← L⁻¹Q, which keeps the span of every leading set of rows)
// when they are not already, and returns ‖QQᵀ − I‖_F plus its rounding
// (m·γ_d, the Gram entries being dot products of unit rows), an upper bound
// on ‖Q − Q*‖₂ for the polar factor Q*.
func orthonormal(q []float64, m, d, threads int) ([]float64, float64) {
	eps := func() (float64, []float64) {
		g := kernel.Gram64(q, m, d, threads)
		var s float64
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				v := g[i*m+j]
				if i == j {
					v--
				}
				s += v * v
			}
		}
		return 1.01*math.Sqrt(s) + float64(m)*gamma(d+2), g
	}
	e, g := eps()
	for it := 0; it < 2 && e > 1e-10; it++ {
		var ch mat.Cholesky
		if !ch.Factorize(mat.NewSymDense(m, g)) {
			return q, math.Inf(1)
		}
		var l, li mat.TriDense
		ch.LTo(&l)
		if err := li.InverseTri(&l); err != nil {
			return q, math.Inf(1)
		}
		lin := make([]float64, m*m)
		for i := 0; i < m; i++ {
			for j := 0; j <= i; j++ {
				lin[i*m+j] = li.At(i, j)
			}
		}
		qt := make([]float64, d*m)
		for i := 0; i < m; i++ {
			for j, v := range q[i*d : (i+1)*d] {
				qt[j*m+i] = v
			}
		}
		kernel.Dots64(q, lin, m, kernel.PackRight64(qt, d, m), threads)
		e, g = eps()
	}
	return q, e
}
