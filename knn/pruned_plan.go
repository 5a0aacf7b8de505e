package knn

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/intdim/intdim/cloud"
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
	// SearchTree searches a k-d tree of the rows (tree.go); SearchAuto
	// does so when d ≤ treeMaxDim.
	SearchTree
)

// String returns "auto", "brute", "pruned" or "tree".
func (s SearchMode) String() string {
	switch s {
	case SearchAuto:
		return "auto"
	case SearchBrute:
		return "brute"
	case SearchPruned:
		return "pruned"
	case SearchTree:
		return "tree"
	}
	return fmt.Sprintf("SearchMode(%d)", int(s))
}

// ParseSearch parses "auto", "brute", "pruned" or "tree"; anything else,
// the empty string included, is a *SearchError. (The zero SearchMode is
// SearchAuto: leave the field unset for the default.)
func ParseSearch(s string) (SearchMode, error) {
	switch s {
	case "auto":
		return SearchAuto, nil
	case "brute":
		return SearchBrute, nil
	case "pruned":
		return SearchPruned, nil
	case "tree":
		return SearchTree, nil
	}
	return 0, &SearchError{Value: s}
}

// SearchError reports a search mode ParseSearch does not know.
type SearchError struct {
	Value string // as given; may be empty
}

func (e *SearchError) Error() string {
	if e.Value == "" {
		return "empty search mode (want auto, brute, pruned or tree)"
	}
	return fmt.Sprintf("unknown search %q (want auto, brute, pruned or tree)", e.Value)
}

// prunePlan is the projection of a pruned search: m orthonormal
// directions (rows of q, leading principal directions of a sample of the
// centred rows, in order), the centring, and ‖QQᵀ − I‖_F.
type prunePlan struct {
	mean  []float64
	scale float64
	q     []float64 // mm×d
	m     int       // coordinates of the Gram pass (the coarse bound)
	mm    int       // coordinates of the fine bound, M ≥ m
	epsQ  float64
	// spare is the float32 kernel plan's packed sample, no longer needed
	// once Q is made: the projection packs Q into its memory
	// (kernel.Packed.Recycle; 2.8 MB on pool1 that would be fresh, page
	// faults included, otherwise); nil once taken.
	spare *kernel.Packed
	// lowChunks orders the chunks of kernel.Dist2LowChunk columns by
	// decreasing energy in the sample (the float32 kernel plan's, on
	// float32 rows of at least lowMinD values; nil otherwise): the float32
	// lower bound sums a pair's chunks in this order, so that the bound
	// passes the row's bound after fewer of them (exact, Dist2LowerF32Until).
	lowChunks []int32
	// predicted costs, seconds of one thread, and candidates per row
	// (coarse, for each m considered) and exact distances per row (fine),
	// for tests and benchmarks
	brute, pruned float64
	evals         []float64
	fine          float64
	// chooseM: choose also takes the number of directions M by the cost
	// model (the default), else (Options.AllDirections) it keeps all it was given.
	chooseM bool
}

// Cost model of the two searches of an n×d matrix, in seconds of one
// thread, measured on the machine of BENCHMARKS.md (AVX-512, shared):
// the float32 kernel's effective rate on a symmetric Gram (per n²·d
// multiply-add), float64 products of the plan (per multiply-add, packing
// included), the candidate test per Gram entry, an exact distance per
// coordinate (Dist2F32 or Dist2 of rows that are mostly not in cache),
// centring and packing per entry, a candidate kept by the test (its bound,
// list and sort), its fine bound per coordinate, and the seeding per leaf
// mate and coordinate. Only their ratios matter.
var (
	costKernel = 1.0 / 1.3e11
	costF64    = 8.5e-11
	costScan   = 0.8e-9
	costExact  = 1.0e-9
	costCentre = 1.5e-9
	costPush   = 1.0e-7
	costFine   = 5.0e-10
	costSeed   = 6.0e-10
	costHit    = 6.0e-8
	costPrefix = 2.5e-10
)

// prunedScan is the pruned search's candidate test per Gram entry:
// kernel.ScanRow32 and ScanCol32, eight entries at a time where the
// assembly runs (measured with the float64 scans they replaced: 0.22 s less
// than the Go loop over 20,000² entries).
func prunedScan() float64 {
	if kernel.ScanVariant() == "purego" {
		return costScan
	}
	return 0.25e-9
}

// planCost is the predicted time of planPrune: the sample's Gram matrix,
// the directions and their orthonormalisation, the prediction's products
// (float64 and float32 kernels), with ns = 192, 128 directions, nr = 1024
// and nv = 128 at most. Auto does not plan when it exceeds 3 % of brute
// force: then the search could gain little and the plan would cost more
// than the 5 % that isotropic data may lose.
func planCost(n, d int) float64 {
	ns, nr := float64(min(max(n/16, 64), 192)), float64(min(n, 1024))
	fd := float64(d)
	return fd*(ns*ns+4*ns*128)*costF64 + fd*(nr*128+128*nr)*4*costKernel + fd*nr*costCentre
}

// bruteCost is the predicted time of kernelSearch.
func bruteCost(n, d, k int) float64 {
	fn, fd := float64(n), float64(d)
	return fn*fn*fd*costKernel + fn*fn*costScan + fn*fd*2*costCentre + fn*float64(k+2)*fd*costExact
}

// prunedCost is the predicted time of prunedSearch with the coarse bound
// on m coordinates keeping cand candidates per row, each refined on all M
// (about twice as many kept while the bounds tighten), and fine exact
// distances per row: the projection (centring, then the float32 kernel),
// the Gram pass and its scan, the refinements, the exact distances, and
// the seeding.
func prunedCost(n, d, m, mm, k int, cand, fine float64) float64 {
	fn, fd, fm, fM := float64(n), float64(d), float64(m), float64(mm)
	seed := fn*1.5*float64(leafSize(k))*fM*costSeed + fn*float64(k)*fd*costExact
	return fn*fd*(costCentre+2*fM*costKernel) + fn*fn*(fm+16)*costKernel + fn*fn*prunedScan() +
		2*fn*cand*(fM*costFine+costPush) + fn*fine*fd*costExact + seed
}

// stagedCost is prunedCost for a coarse bound on m coordinates with
// prefixes midEnds(m, M) between (lowerStagedGram): each pair the Gram's test
// keeps (2·cand(m) per row, the measured ratio to the prediction) costs
// costHit (its test, the call, the margins) and the sum over the first
// prefix, those within the bound of a prefix the next segment, and those
// within all of them a candidate with its fine bound (2·cand(M)). evalAt
// returns the predicted candidates per row for a bound on e coordinates.
func stagedCost(n, d, m, mm, k int, evalAt func(e int) float64, fine float64) float64 {
	fn, fd, fm, fM := float64(n), float64(d), float64(m), float64(mm)
	seed := fn*1.5*float64(leafSize(k))*fM*costSeed + fn*float64(k)*fd*costExact
	c := fn*fd*(costCentre+2*fM*costKernel) + fn*fn*(fm+16)*costKernel + fn*fn*prunedScan() +
		fn*fine*fd*costExact + seed + 2*fn*fine*costPush
	hits, from := 2*evalAt(m), 0
	c += fn * hits * costHit
	for _, e := range append(midEnds(m, mm), mm) {
		c += fn * hits * float64(e-from) * costPrefix
		hits, from = 2*evalAt(e), e
	}
	return c
}

// planPrune chooses the projection of a pruned search of x with k
// neighbours, or returns nil when brute force is predicted to be faster
// (unless force). It centres the rows on the mean of a sample, takes the
// leading principal directions of ns sample rows (their n×n Gram matrix in
// float64, its eigenvectors mapped back; 128 directions from at most 192
// rows — from n/10, at most 256, by the float32 kernel on rows of wideRows
// or more values —, then, where that prunes on a large layer, 256 from wideSample),
// and measures, on nv other rows, the fraction of pairs the bound keeps for
// each m in 16, 32, …, M: the predicted candidates per row of the coarse
// bound on m coordinates and the exact distances of the fine one on M. The
// cost model (bruteCost, prunedCost, stagedCost) picks m, M, and whether to prune at
// all.
//
// planPrune keeps all the directions it finds (Options.AllDirections).
func planPrune(x matrix, k, threads int, force bool) *prunePlan {
	return planPruneSampled(x, k, threads, force, nil, dirOpts{max: wideDirs})
}

// planPruneSampled is planPrune with the verdict of a sample test already
// made on x's rows (Options.Sampled, by StreamsSampled on the file the
// rows were loaded from): where not nil, auto takes its LowRank instead of
// running lowRankSample again. Its plans take at most dirs.max directions
// (wideDirs, or Options.MaxDirections): a wide plan (wideSample rows)
// is made straight away on a large layer whose sample passes, on up to
// dirs.max directions, and the first plan is compared with a wide one
// only where dirs.max exceeds the first plan's 128; with dirs.choose (the
// default), the cost model also chooses how many of them to keep
// (choose). It decides whether to plan and on how many directions, never
// what the search returns.
func planPruneSampled(x matrix, k, threads int, force bool, sampled *SampleTest, dirs dirOpts) *prunePlan {
	mcap := dirs.max
	n, d := x.n(), x.d
	if d < 2 || n < 16 {
		return nil
	}
	// A plan dearer than 3 % of brute force (few rows: n = 2,000) needs
	// few wide rows and a sample with a spectrum that prunes (autoMayPlan,
	// lowRankSample).
	may, dear := autoMayPlan(n, d, k)
	if !force && !may {
		return nil
	}
	// Centre and scale as prepareWith does.
	ns0 := min(n, 256)
	mean, scale, ok := centring(x, ns0)
	if !ok {
		return nil
	}
	low := false
	if !force && (dear || widePlan(n, d)) {
		if sampled != nil {
			low = sampled.LowRank
		} else {
			low = lowRankSample(x, mean, scale, threads)
		}
		if dear && !low {
			return nil
		}
	}
	// Forced on a large layer, or auto on one whose sample passes
	// lowRankSample (the 20,000 × 768 layer keeps 0.68 of the held-out
	// rows' squared norms, isotropic Gaussian 20,000 × 768 0.06; 1 ms),
	// the plan of up to dirs.max (256) directions straight away from
	// wideSample rows: the first one would only
	// be compared with it (its directions and prediction, 0.04–0.05 s of
	// the 20,000 × 768 layer's search: auto's plan 0.118 → 0.080 s).
	if (force || low) && widePlan(n, d) {
		wide := &prunePlan{mean: mean, scale: scale, brute: bruteCost(n, d, k), chooseM: dirs.choose}
		if wide.directions(x, wideSample, mcap, threads) {
			if planTrace != nil {
				planTrace("wide")
			}
			wide.choose(x, k, threads)
			if force || wide.pruned < 0.75*wide.brute {
				return wide
			}
			return nil
		}
	}
	if planTrace != nil {
		planTrace("first")
	}
	pl := &prunePlan{mean: mean, scale: scale, brute: bruteCost(n, d, k), chooseM: dirs.choose}
	// Wide rows: a larger sample by the float32 kernel (directionsWith),
	// else (or if that fails) the float64 one. n/10 rows (200 of 2,000):
	// against n/8, the eigendecomposition (n³: 33 → 17 ms) outweighs the
	// looser bound on pool1 (the whole search 168 → 158 ms, medians of 11
	// interleaved runs, one thread), and conv1 is unchanged (510 → 505 ms).
	// The sample is cut to a whole number of the kernel's blocks where that
	// leaves out at most an eighth of it (200 → 192: the sample's Gram and
	// the map back then have no block of a few rows, and the
	// eigendecomposition is 12 % smaller; pool1's pruned estimate 164.6 →
	// 159.9 ms of CPU, medians of 9 interleaved runs).
	ok = false
	if d >= wideRows {
		ok = pl.directionsWith(x, blockSample(min(max(n/10, 64), 256, n/2)), min(mcap, firstDirs), threads, true)
	}
	if !ok && !pl.directions(x, min(max(n/16, 64), 192, n/2), min(mcap, firstDirs), threads) {
		return nil
	}
	// Forced, or past lowRankSample, on few wide rows (n·(M + 16) ≤ 2·d·M:
	// the Gram pass on all M coordinates costs less than the projection),
	// the coarse bound takes all M whatever the prediction, which would
	// cost a fifth of the search there (conv1: 0.2 s of 1 s): no prediction
	// (Cost then reports 1).
	if (force || dear) && n*(pl.mm+16) <= 2*d*pl.mm && !widePlan(n, d) {
		pl.m, pl.pruned = pl.mm, pl.brute
		return pl
	}
	pl.choose(x, k, threads)
	// More directions tighten the fine bound (fewer exact distances) for a
	// dearer plan: worth it where the first plan already prunes and the
	// layer is large (n·d ≥ 2²³; the second plan costs about 4 % of brute
	// force there, paid only when pruning).
	if !force && pl.pruned < pl.brute && widePlan(n, d) && mcap > firstDirs {
		wide := &prunePlan{mean: mean, scale: scale, brute: pl.brute, chooseM: dirs.choose}
		if wide.directions(x, wideSample, mcap, threads) {
			wide.choose(x, k, threads)
			if wide.pruned < pl.pruned {
				pl = wide
			}
		}
	}
	// Planning costs 2–4 % of brute force (BENCHMARKS.md), paid either
	// way; prune only where the model predicts at least a quarter less.
	if !force && !(pl.pruned < 0.75*pl.brute) {
		return nil
	}
	return pl
}

// planTrace, when set (tests), is told which plan planPrune makes first:
// "wide" (up to dirs.max directions straight away) or "first".
var planTrace func(string)

// autoMayPlan tells whether planPrune, in auto, may plan a pruned search
// of an n×d matrix with k neighbours, from the sizes alone, and whether
// the plan is dear (more than 3 % of brute force: few rows, n = 2,000),
// in which case it is made only on few wide rows (n·(128 + 16) ≤ 2·d·128,
// where it needs no prediction), when it costs at most 40 % of brute force
// by the model (which overstates it there: pool1's whole pruned search is
// 0.6 of brute force), and when lowRankSample passes.
func autoMayPlan(n, d, k int) (may, dear bool) {
	if d < 2 || n < 1000 || d < 64 {
		return false, false
	}
	dear = planCost(n, d) > 0.03*bruteCost(n, d, k)
	fewWide := n*(128+16) <= 2*d*128 && !widePlan(n, d)
	if dear && (!fewWide || planCost(n, d) > 0.4*bruteCost(n, d, k)) {
		return false, dear
	}
	return true, dear
}

// centring returns the mean of the rows t·n/ns (t < ns) and the power of
// two that scales the largest deviation from it into [1/2, 1), as
// prepareWith centres and scales; false when a deviation is not finite.
//
// One pass over the sample: each column's sum, least and largest value
// (addRowRange); the largest deviation is then that of a column's least
// or largest value, the same bits as the deviation of every value (the
// float64 subtraction rounds monotonically, and fl(m − a) = −fl(a − m)),
// and a NaN or infinity makes the mean, hence the deviation, NaN or
// infinite as before (pool1's plan: the second pass, 1.4 % of the pruned
// search, gone).
func centring(x matrix, ns int) (mean []float64, scale float64, ok bool) {
	n, d := x.n(), x.d
	mean = make([]float64, 3*d)
	lo, hi := mean[d:2*d:2*d], mean[2*d:]
	mean = mean[:d:d]
	for j := range lo {
		lo[j], hi[j] = math.Inf(1), math.Inf(-1)
	}
	for t := 0; t < ns; t++ {
		x.addRowRange(mean, lo, hi, t*n/ns)
	}
	var big float64
	for j := range mean {
		mean[j] /= float64(ns)
	}
	for j, m := range mean {
		big = max(big, math.Abs(hi[j]-m), math.Abs(lo[j]-m))
	}
	if math.IsNaN(big) || math.IsInf(big, 0) {
		return nil, 0, false
	}
	scale = 1.0
	if big > 0 {
		_, e := math.Frexp(big)
		scale = math.Ldexp(1, -e)
	}
	return mean, scale, true
}

// wideRows is the width from which planPrune takes its first directions
// by the float32 kernel.
const wideRows = 2048

// blockSample returns ns cut to a multiple of kernel.BlockRows where that
// leaves out at most ns/8 rows, else ns.
func blockSample(ns int) int {
	if r := ns - ns%kernel.BlockRows; r > 0 && ns-r <= ns/8 {
		return r
	}
	return ns
}

// dirOpts says how many directions planPruneSampled's plans may take.
type dirOpts struct {
	max    int  // at most max
	choose bool // the cost model chooses M up to max (choose)
}

// firstDirs and wideDirs are the most directions of planPrune's first
// plan and of its wide one.
const (
	firstDirs = 128
	wideDirs  = 256
)

// wideSample is the sample of the wide plan (up to 256 directions): 288 rows, not
// 384 (its eigendecomposition, serial, was 0.13 s of the 20,000 × 768
// layer's 1.5 s; 0.06 s from 320 rows, for 3 % more candidates and 6 %
// more exact distances there). With the staged search (m = 64), 288 rows
// plan in 0.07 s instead of 0.095 s with no measurable loss in the rest
// (best of five: 0.92 s against 0.96 s in all; 256 rows leave M = 255 and
// lose 0.1 s).
const wideSample = 288

// widePlan tells whether planPrune tries a wide plan (up to dirs.max
// directions, 256 by default) from wideSample rows.
func widePlan(n, d int) bool { return n >= 16*384 && d >= 512 && n*d >= 1<<23 }

// directions sets the plan's Q to the leading principal directions (at
// most mcap) of ns sample rows (rows t·n/ns), orthonormalised; false when
// there is none or Q is not orthonormal to 10⁻⁶.
func (pl *prunePlan) directions(x matrix, ns, mcap, threads int) bool {
	return pl.directionsWith(x, ns, mcap, threads, false)
}

// directionsWith is directions in float64 (Gram64, Dots64), or, with f32,
// by the float32 kernel: the sample's Gram matrix (SymGram) and the map
// back Q = Λ^(−1/2)·Vᵀ·C (Cross), 10–20 times cheaper on wide rows, so
// that a larger sample pays (conv1: 250 rows instead of 125, 8 exact
// distances per row instead of 14). The eigenvalues kept are then those
// above 10⁻⁶ of the largest, and Q is accepted, without a Cholesky step,
// when εQ = ‖QQᵀ − I‖_F (computed in float64, orthonormal) is at most
// 0.01·√M·Tau(d), 1 % of the projection's own margin: the bound holds for
// any εQ < 1 (see pruned.go), εQ only widens it.
func (pl *prunePlan) directionsWith(x matrix, ns, mcap, threads int, f32 bool) bool {
	n, d := x.n(), x.d
	var sample []float64
	var g []float64
	cp := new(kernel.Packed)
	if f32 {
		// Centred a chunk at a time into the kernel's layouts for the Gram
		// matrix (GramChunks), and into the map back's right-hand layout
		// of the sample's transpose (StartRightT: no row-major copy).
		cp.StartRightT(d, ns)
		var scratch [32]float64
		// Each chunk's energy: its centred values' squares, which
		// centreChunk adds into scratch's lanes (GramChunks' chunks begin at
		// multiples of 256 and come one call at a time).
		var energy []float64
		if x.m.Elem() == cloud.Float32 && d >= lowMinD {
			energy = make([]float64, (d+kernel.Dist2LowChunk-1)/kernel.Dist2LowChunk)
		}
		g = kernel.GramChunks(ns, d, func(t, k0 int, dst []float32) {
			if energy != nil {
				scratch = [32]float64{}
			}
			x.centreChunk(t*n/ns, k0, pl.mean, pl.scale, dst, &scratch)
			cp.SetRightT(t, k0, dst)
			if energy != nil {
				e := &energy[k0/kernel.Dist2LowChunk]
				for _, v := range scratch {
					*e += v
				}
			}
		}, threads)
		pl.lowChunks = chunkOrder(energy)
	} else {
		sample = make([]float64, ns*d)
		for t := 0; t < ns; t++ {
			x.centre64(t*n/ns, pl.mean, pl.scale, sample[t*d:(t+1)*d])
		}
		g = kernel.Gram64(sample, ns, d, threads)
	}
	floor := 1e-9
	if f32 {
		floor = 1e-6 // float32 products: smaller eigenvalues are noise
	}
	// The eigenvectors of the leading eigenvalues only (topEigen: 200
	// sample rows 15 → 8 ms, one thread).
	vals, vecs, ok := topEigen(g, ns, func(vals []float64) int {
		m := 0
		for vals[0] > 0 && m < min(mcap, ns-1, d) && vals[m] > vals[0]*floor {
			m++
		}
		return m
	}, threads)
	if !ok {
		return false
	}
	mmax := len(vecs) / ns
	// Q = Λ^(−1/2)·Vᵀ·C: row t is the t-th principal direction.
	w := make([]float64, mmax*ns)
	for t := 0; t < mmax; t++ {
		inv := 1 / math.Sqrt(vals[t])
		for s := 0; s < ns; s++ {
			w[t*ns+s] = vecs[t*ns+s] * inv
		}
	}
	q := make([]float64, mmax*d)
	if f32 {
		var wp kernel.Packed
		wp.PackLeftFunc(mmax, ns, func(t int, dst []float32) {
			for s, v := range w[t*ns : (t+1)*ns] {
				dst[s] = float32(v)
			}
		})
		kernel.Cross(&wp, cp, threads, func(_, t0, t1, j0, j1 int, b []float64, ld int) {
			for t := t0; t < t1; t++ {
				copy(q[t*d+j0:t*d+j1], b[(t-t0)*ld:(t-t0)*ld+j1-j0])
			}
		})
	} else {
		ct := make([]float64, d*ns)
		for s := 0; s < ns; s++ {
			for j, v := range sample[s*d : (s+1)*d] {
				ct[j*ns+s] = v
			}
		}
		kernel.Dots64(q, w, mmax, kernel.PackRight64(ct, d, ns), threads)
	}
	// εQ up to 10⁻⁸ adds at most 1 % to the projection margin (whose
	// √m·Tau(d) is ≥ 10⁻⁶): a Cholesky step (d·M² flops) would not pay.
	tol, accept := 1e-8, 1e-6
	if f32 {
		// εQ ≤ 0.01·√M·Tau(d) adds at most 1 % to the margin (the float32
		// product leaves εQ ≈ 5·10⁻⁶ on conv1 and pool1, against
		// √M·Tau(d) ≈ 1.5·10⁻³): no Cholesky step below it.
		accept = max(accept, 0.01*math.Sqrt(float64(mmax))*kernel.Tau(d))
		tol = accept
	}
	q, eps := orthonormal(q, mmax, d, threads, tol)
	if !(eps < accept) {
		return false
	}
	pl.q, pl.mm, pl.m, pl.epsQ = q, mmax, mmax, eps
	if f32 {
		pl.spare = cp
	}
	return true
}

// choose predicts the candidates per row for the coarse bound on each m of
// pruneDims up to M and the exact distances per row for the fine bound on
// all M (predictEvals), and picks the m of least predicted cost (with
// chooseM, the default, also the number of leading directions M kept,
// from minChosenDirs up: the first M rows of Q): by
// stagedCost where m < M/2 (the search then stages its candidates through
// the prefixes midEnds), else by prunedCost. On the 20,000 × 768 layer it
// predicts 1.07, 1.16, 1.23 s for m = 64, 32, 128 and measures 0.85–0.9,
// 1.0–1.05, 1.05–1.1 s (one thread, plan included).
func (pl *prunePlan) choose(x matrix, k, threads int) {
	n, d, mm := x.n(), x.d, pl.mm
	var dims []int
	for _, m := range pruneDims {
		if m < mm {
			dims = append(dims, m)
		}
	}
	dims = append(dims, mm)
	evals := predictEvals(x, pl, dims, k, threads)
	// The numbers of directions M considered: all of them; with chooseM,
	// also each smaller one of dims from minChosenDirs on (the leading
	// directions, a prefix of Q).
	ms := []int{len(dims)}
	if pl.chooseM {
		for e := len(dims) - 1; e >= 1; e-- {
			if dims[e-1] >= minChosenDirs {
				ms = append(ms, e)
			}
		}
	}
	pl.pruned = math.Inf(1)
	best := len(dims)
	for _, nd := range ms {
		dm, em := dims[:nd], evals[:nd]
		mm, fine := dm[nd-1], em[nd-1]
		// The candidates per row for a bound on e coordinates: those of
		// the largest m of dims up to e (more than on e).
		evalAt := func(e int) float64 {
			v := em[0]
			for i, m := range dm {
				if m <= e {
					v = em[i]
				}
			}
			return v
		}
		for i, m := range dm {
			c := prunedCost(n, d, m, mm, k, em[i], fine)
			if len(midEnds(m, mm)) > 0 {
				c = stagedCost(n, d, m, mm, k, evalAt, fine)
			}
			if c < pl.pruned {
				pl.pruned, pl.m, best = c, m, nd
			}
		}
	}
	if best < len(dims) {
		// The first M directions: their ‖QQᵀ − I‖_F is that of a leading
		// block of QQᵀ − I, at most εQ, which stays a valid bound.
		pl.mm = dims[best-1]
		pl.q = pl.q[: pl.mm*d : pl.mm*d]
	}
	pl.evals, pl.fine = evals[:best], evals[best-1]
}

// minChosenDirs is the fewest directions choose considers with chooseM.
const minChosenDirs = 64

// pruneDims are the numbers of coordinates the plan considers.
var pruneDims = []int{16, 32, 64, 128, 256}

// predictEvals estimates, for each m of dims (at most the plan's M), the
// rows per row whose bound on m coordinates the pruned search cannot rule
// out. On nr = min(n, 1024) reference rows, nv = min(128, nr) of them as queries, it counts the
// reference rows whose bound on the first m coordinates is within the
// distance of the query's κ-th nearest reference row, for κ = 1, 2, 4, 8,
// 16. The count per true neighbour, c(κ)/κ, grows as κ shrinks (the bound
// is relatively looser at short range); the least-squares line of
// log(c/κ) against log κ, extrapolated to κ* = k·(nr − 1)/(n − 1) (the
// reference rank at the distance of the k-th neighbour among all n rows),
// predicts the candidates per neighbour. float32 arithmetic: an estimate.
// Measured on the 20,000 × 768 layer of BENCHMARKS.md (M = 256), the
// search computes 1.05–1.1 times the prediction for M exactly and keeps
// 1.6–1.8 times the prediction for m as candidates (prunedCost counts 2).
func predictEvals(x matrix, pl *prunePlan, dims []int, k, threads int) []float64 {
	n, d, mmax := x.n(), x.d, pl.mm
	nr := min(n, 1024)
	nv := min(128, nr)
	stride := nr / nv
	ref := func(t int) int { return (t*n/nr + n/(2*nr)) % n }
	// The reference rows are centred and packed once, as the left operand
	// of both products: their coordinates on Q and their dot products with
	// the queries (every stride-th reference row).
	norm := make([]float64, nr)
	var xr, qr, xq kernel.Packed
	xr.PackLeftFunc(nr, d, func(t int, dst []float32) {
		norm[t], _ = x.centre4(ref(t), pl.mean, pl.scale, dst)
	})
	qr.PackRightFunc(mmax, d, func(t int, dst []float32) {
		for j, v := range pl.q[t*d : (t+1)*d] {
			dst[j] = float32(v)
		}
	})
	xq.PackRightFunc(nv, d, func(t int, dst []float32) {
		x.centre4(ref(t*stride), pl.mean, pl.scale, dst)
	})
	p := make([]float64, nr*mmax)
	kernel.Cross(&xr, &qr, threads, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
		for i := i0; i < i1; i++ {
			copy(p[i*mmax+j0:i*mmax+j1], g[(i-i0)*ld:(i-i0)*ld+j1-j0])
		}
	})
	dots := make([]float64, nv*nr)
	kernel.Cross(&xr, &xq, threads, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
		for i := i0; i < i1; i++ {
			for t := j0; t < j1; t++ {
				dots[t*nr+i] = g[(i-i0)*ld+t-j0]
			}
		}
	})
	kappas := []int{1, 2, 4, 8, 16}
	for len(kappas) > 1 && kappas[len(kappas)-1] > nr-2 {
		kappas = kappas[:len(kappas)-1]
	}
	radius := make([][]float64, nv) // squared distance of the κ-th nearest
	var top TopK
	near := make([]float64, kappas[len(kappas)-1])
	idx := make([]int32, len(near))
	for t := 0; t < nv; t++ {
		i := t * stride
		top.Reset(len(near))
		for j := 0; j < nr; j++ {
			if j != i {
				top.Push(norm[i]+norm[j]-2*dots[t*nr+j], int32(j))
			}
		}
		top.Sorted(idx, near)
		radius[t] = make([]float64, len(kappas))
		for c, kp := range kappas {
			radius[t][c] = near[kp-1]
		}
	}
	kstar := float64(k) * float64(nr-1) / float64(max(n-1, 1))
	out := make([]float64, len(dims))
	pm := make([]float32, nr*mmax)
	pn := make([]float64, nr)
	rho := make([]float64, nr)
	pq := make([]float32, nv*mmax)
	pd := make([]float64, nv*nr)
	for mi, m := range dims {
		for j := 0; j < nr; j++ {
			var s float64
			for c, v := range p[j*mmax : j*mmax+m] {
				pm[j*m+c] = float32(v)
				s += v * v
			}
			pn[j], rho[j] = s, math.Sqrt(max(norm[j]-s, 0))
		}
		for t := 0; t < nv; t++ {
			copy(pq[t*m:(t+1)*m], pm[t*stride*m:(t*stride+1)*m])
		}
		kernel.Dots(pd[:nv*nr], pq[:nv*m], nv, pm[:nr*m], nr, m, threads)
		counts := make([]float64, len(kappas))
		for t := 0; t < nv; t++ {
			i := t * stride
			rt := radius[t]
			for j := 0; j < nr; j++ {
				r := rho[i] - rho[j]
				v := pn[i] + pn[j] - 2*pd[t*nr+j] + r*r
				for c, r2 := range rt {
					if v <= r2 && j != i {
						counts[c]++
					}
				}
			}
		}
		// Least squares of log(c/κ) on log κ.
		var sx, sy, sxx, sxy float64
		for c, kp := range kappas {
			x := math.Log(float64(kp))
			y := math.Log(max(counts[c]/float64(nv)/float64(kp), 1))
			sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
		}
		nk := float64(len(kappas))
		slope := 0.0
		if den := nk*sxx - sx*sx; den > 0 {
			slope = min((nk*sxy-sx*sy)/den, 0)
		}
		icept := (sy - slope*sx) / nk
		ratio := math.Exp(icept + slope*math.Log(kstar))
		out[mi] = min(float64(k)*max(ratio, 1)+float64(k), float64(n-1))
	}
	return out
}

// orthonormal makes the m rows of q (m×d) orthonormal by a Cholesky step
// (QQᵀ = LLᵀ, Q ← L⁻¹Q, which keeps the span of every leading set of rows)
// when ‖QQᵀ − I‖_F exceeds tol (two steps at most), and returns ‖QQᵀ − I‖_F plus its rounding
// (m·γ_d, the Gram entries being dot products of unit rows), an upper bound
// on ‖Q − Q*‖₂ for the polar factor Q*.
func orthonormal(q []float64, m, d, threads int, tol float64) ([]float64, float64) {
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
	for it := 0; it < 2 && e > tol; it++ {
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

// lowRankSample tells whether the span of a few sample rows already holds
// most of other rows: the rows t·n/48 (t < 48) and, held out, the rows
// (2t + 1)·n/64 (t < 32), centred on mean and scaled as the search does,
// in float32. With S the sample's Gram matrix and cᵧ the products of a
// held-out row y with the sample, the part of ‖y‖² in the sample's span
// is cᵧᵀ·S⁺·cᵧ; true when the held-out rows keep at least half of their
// squared norms there. Isotropic data keeps about 48/d of it and is
// refused for the Gram matrix of the 80 rows, 80·81/2·d multiply-adds by
// the float32 kernel (8 ms on conv1), and a 48 × 48 eigendecomposition:
// isotropic Gaussian 2,000 × 5,408 keeps 0.009, the demo's pool1
// (2,000 × 5,408) 0.62 (lowRankFraction, BENCHMARKS.md). A heuristic: it only decides whether to
// plan, never what the search returns.
func lowRankSample(x matrix, mean []float64, scale float64, threads int) bool {
	return lowRankFraction(x, mean, scale, threads) >= lowRankMin
}

// lowRankMin is the part of the held-out rows' squared norms that
// lowRankSample asks for.
const lowRankMin = 0.5

// lowRankFraction is the part of the held-out rows' squared norms in the
// sample's span (lowRankSample); 0 when the sample spans nothing.
func lowRankFraction(x matrix, mean []float64, scale float64, threads int) float64 {
	return lowRankFractionOf(x, lowRankRows(x.n()), mean, scale, threads)
}

// Rows of lowRankSample: lowSample sample rows, then lowHeld held out.
const lowSample, lowHeld = 48, 32

// lowRankRows returns the rows of lowRankSample in an n-row matrix: the
// sample rows t·n/48 (t < 48), then the held-out rows (2t + 1)·n/64
// (t < 32).
func lowRankRows(n int) []int {
	idx := make([]int, 0, lowSample+lowHeld)
	for t := 0; t < lowSample; t++ {
		idx = append(idx, t*n/lowSample)
	}
	for t := 0; t < lowHeld; t++ {
		idx = append(idx, (2*t+1)*n/(2*lowHeld))
	}
	return idx
}

// lowRankFractionOf is lowRankFraction with the rows given: idx holds the
// lowSample sample rows, then the lowHeld held-out ones.
func lowRankFractionOf(x matrix, idx []int, mean []float64, scale float64, threads int) float64 {
	const s, h = lowSample, lowHeld
	d := x.d
	m := s + h
	var scratch [32]float64
	g := kernel.GramChunks(m, d, func(t, k0 int, dst []float32) {
		x.centreChunk(idx[t], k0, mean, scale, dst, &scratch)
	}, threads)
	sg := make([]float64, s*s)
	for i := 0; i < s; i++ {
		copy(sg[i*s:(i+1)*s], g[i*m:i*m+s])
	}
	vals, vecs, ok := symEigen(sg, s)
	if !ok {
		return 0
	}
	var kept, total float64
	for t := 0; t < h; t++ {
		c := g[(s+t)*m : (s+t)*m+s]
		total += g[(s+t)*m+s+t]
		for e := 0; e < s; e++ {
			if !(vals[e] > 1e-6*vals[s-1]) {
				continue
			}
			var p float64
			for i, ci := range c {
				p += vecs.At(i, e) * ci
			}
			kept += p * p / vals[e]
		}
	}
	if !(total > 0) {
		return 0
	}
	return kept / total
}

// symEigen returns the eigenvalues (ascending) and eigenvectors (columns)
// of the symmetric n × n matrix g (row-major); false when the
// factorisation fails or the largest eigenvalue is not positive.
func symEigen(g []float64, n int) ([]float64, *mat.Dense, bool) {
	linalg.Install()
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(n, g), true) {
		return nil, nil, false
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	return vals, &vecs, vals[n-1] > 0
}

// chunkOrder returns the indices of energy by decreasing energy (ties by
// index); nil for none.
func chunkOrder(energy []float64) []int32 {
	if energy == nil {
		return nil
	}
	order := make([]int32, len(energy))
	for c := range order {
		order[c] = int32(c)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(energy[b], energy[a]) })
	return order
}
