// Package knn finds the exact k nearest neighbours of every point of a cloud.
//
// A point cloud is a cloud.Matrix: N×D, float32 or float64, rows are points. Search
// returns, for every row, its K nearest other rows (the row itself is never
// its own neighbour) and their distances, sorted by increasing distance with
// ties broken by the smaller index. Results never depend on the number of
// threads: every row is computed independently and written to its own slot.
//
// Distances are Euclidean, or, with Cosine, the Euclidean distance between the
// L2-normalised rows (the chord, 2·sin(θ/2)); note that 1 − cos θ as a
// "distance" would halve every intrinsic-dimension estimate.
//
// Reported distances are always computed exactly from the rows in float64 as
// sqrt(Σ (xᵢ − yᵢ)²), never through ‖x‖² + ‖y‖² − 2x·y, so near-duplicate
// rows keep their true, small, non-zero distance.
//
// Speed (docs/DESIGN.md §4): candidates are ranked by the float32 SIMD kernel of
// internal/kernel (‖x‖² + ‖y‖² − 2·X·Yᵀ over symmetric blocks, each computed
// once), keeping every row whose distance could, within a rigorous float32
// error bound, be among the k smallest; their distances are then recomputed
// exactly (Dist2, or Dist2F32 from float32 rows: the same sums), so the
// graph equals brute force bit for bit. A large matrix is packed for the
// kernel a block of rows at a time. One search with SubsetK neighbours
// answers every resampling and block through (*Graph).Subset.
//
// Options.Search selects the search: SearchBrute is the above; SearchPruned
// (pruned.go) bounds every pair from m leading principal coordinates and
// the residual norms, ‖x − y‖² ≥ ‖P(x − y)‖² + (‖rₓ‖ − ‖r_y‖)², and
// computes exactly, with the same Dist2, only the pairs the bound cannot
// rule out; SearchAuto (the default) prunes when a cost model measured on
// a sample predicts a gain (planPrune). SearchTree (tree.go) searches a
// k-d tree and computes exactly, with the same Dist2, the rows of the
// leaves it cannot rule out; SearchAuto takes it for rows of at most
// treeMaxDim columns when a tree of a sample of the rows computes few
// enough of their distances (treeMayPay), a scaled tree of a quarter of
// them does not predict the strip search faster (stripLikely: up to 5
// columns, 8 ≤ k ≤ 32; the whole tree is then not built) and the distances
// the whole tree computes for a sample of queries predict a gain
// (treeWorth). Up to leafBatchMaxDim columns the tree is searched a leaf
// of queries at a time (leafSearch, tree_leaf.go: one descent per leaf,
// the distances by kernel.Dist2Cols), and the distances a sample of its
// leaves computes decide instead of treeWorth's (leafWorth). The graph is
// the same either way.
// SearchColumns streams a layer from a ColumnSource in column blocks (the
// pipeline passes a .npy file when Streams, the one memory rule, says so:
// it does not fit the budget, or it is wide); knn itself opens no files.
package knn

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// Metric selects the distance between rows.
type Metric int

const (
	// Euclidean is the ordinary L2 distance (the default).
	Euclidean Metric = iota
	// Cosine is the Euclidean distance between L2-normalised rows (the chord).
	Cosine
)

// String returns "euclidean" or "cosine".
func (m Metric) String() string {
	switch m {
	case Euclidean:
		return "euclidean"
	case Cosine:
		return "cosine"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// ParseMetric parses "euclidean" or "cosine".
func ParseMetric(s string) (Metric, error) {
	switch s {
	case "euclidean", "":
		return Euclidean, nil
	case "cosine":
		return Cosine, nil
	}
	return 0, fmt.Errorf("unknown metric %q (want euclidean or cosine)", s)
}

// Options configures Search. A nil *Options means the zero value: Euclidean,
// GOMAXPROCS threads.
type Options struct {
	Metric  Metric
	Threads int // worker goroutines; 0 means runtime.GOMAXPROCS(0)
	// Search picks brute force or the pruned search (SearchAuto, the
	// zero value, decides by cost); the graph is the same either way.
	Search SearchMode
	// Sampled is the verdict of StreamsSampled's sample test on the file
	// the rows were loaded from (nil for none): Search's auto takes it
	// instead of testing a sample of the rows again, for a matrix of its
	// N×D under the Euclidean metric (the test read the rows as stored).
	// It decides the search, never the graph.
	Sampled *SampleTest
	// MaxDirections, where positive, is the most directions the pruned
	// search projects the rows on (else its plan's own choice, at most
	// 256). It decides the search's cost, never the graph: intdim plan
	// takes 128, since every strip of a layer reads and checks the M
	// coordinates of its rows again (BENCHMARKS.md, issue 15).
	MaxDirections int
	// AllDirections: the pruned search's plan keeps every leading
	// direction it found (up to MaxDirections) instead of letting its cost
	// model choose how many of them (64 or more) to project on. The choice
	// is the default: on the 32,000 × 512 layers of BENCHMARKS.md (issue
	// 15) it takes 64 of 256 and profile's search costs 10 % less, and it
	// is neutral on the issue-16 layers. For tests and comparisons; the
	// graph is the same either way.
	AllDirections bool
}

// sampled returns opt.Sampled where it applies to x (see Options.Sampled),
// else nil.
func (o *Options) sampled(x matrix) *SampleTest {
	if o == nil || o.Sampled == nil || o.Metric != Euclidean || o.Sampled.N != x.n() || o.Sampled.D != x.d {
		return nil
	}
	return o.Sampled
}

// dirs returns how many directions a pruned search's plan may take:
// Options.MaxDirections where positive, else wideDirs, chosen by the cost
// model unless Options.AllDirections.
func (o *Options) dirs() dirOpts {
	if o == nil {
		return dirOpts{max: wideDirs, choose: true}
	}
	d := dirOpts{max: wideDirs, choose: !o.AllDirections}
	if o.MaxDirections > 0 {
		d.max = min(o.MaxDirections, wideDirs)
	}
	return d
}

func (o *Options) search() SearchMode {
	if o == nil {
		return SearchAuto
	}
	return o.Search
}

func (o *Options) threads() int {
	if o == nil || o.Threads <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return o.Threads
}

func (o *Options) metric() Metric {
	if o == nil {
		return Euclidean
	}
	return o.Metric
}

// Graph holds the K nearest neighbours of each of N points.
//
// Row i's neighbours are Index[i*K:(i+1)*K] at distances Dist[i*K:(i+1)*K],
// ascending, ties broken by the smaller index.
type Graph struct {
	N, K  int
	Index []int32
	Dist  []float64
	// Search is the search that ran: SearchBrute or SearchPruned (zero,
	// SearchAuto, for a graph built otherwise, such as a subset's).
	Search SearchMode

	// tree is the k-d tree Search built of the rows of src (Euclidean,
	// at most keepTreeValues entries), kept for CountPairsGraph.
	tree *kdTree
	src  *cloud.Matrix
}

// MaxZeros returns the largest number of neighbours at distance 0 of one
// point (the longest run of zeros at the head of a list): a point with that
// many duplicates needs k + MaxZeros neighbours for k at nonzero distances.
func (g *Graph) MaxZeros() int {
	z := 0
	for i := range g.N {
		d := g.Dist[i*g.K : (i+1)*g.K]
		j := 0
		for j < len(d) && d[j] == 0 {
			j++
		}
		z = max(z, j)
	}
	return z
}

// Neighbors returns the neighbour indices and distances of row i.
func (g *Graph) Neighbors(i int) ([]int32, []float64) {
	return g.Index[i*g.K : (i+1)*g.K], g.Dist[i*g.K : (i+1)*g.K]
}

// ErrTooFewPoints is returned when k ≥ n (a point has only n − 1 others).
var ErrTooFewPoints = errors.New("knn: need more points than neighbours")

// Search returns the k nearest neighbours of every row of x.
// It returns ErrTooFewPoints when k > n − 1, and an error when, for Cosine,
// rows have zero norm (a *ZeroNormError).
func Search(x *cloud.Matrix, k int, opt *Options) (*Graph, error) {
	n := x.N()
	if k < 1 {
		panic("knn: k < 1")
	}
	if k > n-1 {
		return nil, fmt.Errorf("%w: k = %d with %d points", ErrTooFewPoints, k, n)
	}
	if opt.metric() == Cosine {
		var err error
		if x, err = Normalize(x); err != nil {
			return nil, err
		}
	}
	v, threads := view(x), opt.threads()
	var t *kdTree
	if mode := opt.search(); mode == SearchTree || mode == SearchAuto && x.D() <= treeMaxDim && treeMayPay(v, k) && !stripLikely(v, k) {
		if t = newTree(v); t != nil {
			if li := newLeafIndex(t); li != nil {
				if g := leafSearchAuto(v, li, k, threads, mode == SearchTree); g != nil {
					return keepTree(g, t, x, opt), nil
				}
			} else if mode == SearchTree || treeWorth(t, k) {
				return keepTree(treeSearch(v, t, k, threads), t, x, opt), nil
			}
		}
	}
	if mode := opt.search(); mode != SearchBrute {
		if pl := planPruneSampled(v, k, threads, mode == SearchPruned, opt.sampled(v), opt.dirs()); pl != nil {
			return keepTree(prunedSearch(v, k, threads, pl), t, x, opt), nil
		}
	}
	g := searchFunc(v, k, threads)
	g.Search = SearchBrute
	return keepTree(g, t, x, opt), nil
}

// keepTreeValues bounds the size (rows × columns) of a tree a graph keeps.
const keepTreeValues = 1 << 20

// keepTree records in g the tree t (nil: none built) of the rows of x, for
// CountPairsGraph, when the search was Euclidean (the tree is then of x
// itself) and t holds at most keepTreeValues entries.
func keepTree(g *Graph, t *kdTree, x *cloud.Matrix, opt *Options) *Graph {
	if t != nil && opt.metric() == Euclidean && len(t.pts) <= keepTreeValues {
		g.tree, g.src = t, x
	}
	return g
}

// searchFunc is the brute-force search strategy; the fast kernel replaces it.
var searchFunc = kernelSearch

// ZeroNormError reports the rows of zero norm, under which the cosine
// distance is undefined.
type ZeroNormError struct {
	Rows []int // ascending
	N    int   // rows in the matrix
}

func (e *ZeroNormError) Error() string {
	if len(e.Rows) == 1 {
		return fmt.Sprintf("row %d of %d has zero norm: the cosine distance is undefined", e.Rows[0], e.N)
	}
	return fmt.Sprintf("%d of %d rows have zero norm (the first is row %d): the cosine distance is undefined", len(e.Rows), e.N, e.Rows[0])
}

// ZeroRows returns the rows of x whose values are all zero, ascending.
func ZeroRows(x *cloud.Matrix) []int {
	var out []int
	for i := range x.N() {
		if sumSquares(x, i) == 0 {
			out = append(out, i)
		}
	}
	return out
}

func sumSquares(x *cloud.Matrix, i int) float64 {
	var s float64
	if x.Elem() == cloud.Float32 {
		for _, v := range x.Row32(i) {
			s += float64(v) * float64(v)
		}
		return s
	}
	for _, v := range x.Row64(i) {
		s += v * v
	}
	return s
}

// Normalize returns a float64 copy of x with every row scaled to unit L2
// norm (xᵢ/‖xᵢ‖, the norm summed in float64). It returns a *ZeroNormError
// listing the rows of zero norm.
func Normalize(x *cloud.Matrix) (*cloud.Matrix, error) {
	n, d := x.N(), x.D()
	y := make([]float64, n*d)
	var zero []int
	for i := 0; i < n; i++ {
		s := sumSquares(x, i)
		if s == 0 {
			zero = append(zero, i)
			continue
		}
		inv := 1 / math.Sqrt(s)
		out := y[i*d : (i+1)*d]
		if x.Elem() == cloud.Float32 {
			for j, v := range x.Row32(i) {
				out[j] = float64(v) * inv
			}
		} else {
			for j, v := range x.Row64(i) {
				out[j] = v * inv
			}
		}
	}
	if zero != nil {
		return nil, &ZeroNormError{Rows: zero, N: n}
	}
	return cloud.Must64(y, n, d), nil
}

// Dist2 returns the squared Euclidean distance Σ (aᵢ − bᵢ)² computed in
// float64 from the rows (never through ‖a‖² + ‖b‖² − 2a·b), in the fixed
// order of kernel.Dist2 (32 interleaved partial sums, vectorised), so its
// value does not depend on the machine, the variant or the thread count.
func Dist2(a, b []float64) float64 { return kernel.Dist2(a, b) }

// bruteForce computes every distance exactly; rows are split over threads.
func bruteForce(x matrix, k, threads int) *Graph {
	n := x.n()
	g := &Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k)}
	parallelRows(n, threads, func(i int, h *TopK) {
		h.Reset(k)
		for j := 0; j < n; j++ {
			if j != i {
				h.Push(x.dist2(i, j), int32(j))
			}
		}
		h.Sorted(g.Index[i*k:(i+1)*k], g.Dist[i*k:(i+1)*k])
		for j := i * k; j < (i+1)*k; j++ {
			g.Dist[j] = math.Sqrt(g.Dist[j])
		}
	})
	return g
}

// parallelRows calls f for every row in [0, n) from threads goroutines, each
// with its own TopK scratch. Rows are handed out in small chunks.
func parallelRows(n, threads int, f func(i int, h *TopK)) {
	parallelRowsAcc(n, threads, func(i int, h *TopK, _ *[32]float64) { f(i, h) })
}

// parallelRowsAcc is parallelRows with each goroutine's partial sums for
// dist2With as well: one per goroutine instead of one allocated per row
// (a strip's rows allocated 256 bytes each, 8 MB and 2,000 page faults
// for 32,000 rows).
func parallelRowsAcc(n, threads int, f func(i int, h *TopK, s *[32]float64)) {
	if threads > n {
		threads = n
	}
	if threads < 1 {
		threads = 1
	}
	// 16 rows at a time, fewer when there are few (rowStripSearch's 5
	// strips at n = 500), so that every goroutine gets some.
	chunk := max(1, min(16, n/(4*threads)))
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, acc := new(TopK), new([32]float64)
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					f(i, h, acc)
				}
			}
		}()
	}
	wg.Wait()
}
