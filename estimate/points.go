package estimate

import (
	"github.com/intdim/intdim/knn"
)

// Options configures Points. A nil *Options, or the zero value, means the
// defaults: TwoNN, 10 % discarded, k = 20, max rank 256, no resampling
// (fraction 0.9 when resampling), Euclidean, duplicates collapsed, seed 1
// (the command line's default).
type Options struct {
	Method     Method          // MethodTwoNN (default), …, MethodPCA or MethodAll
	Discard    *float64        // TwoNN: fraction of the largest μ left out of the fit, in [0, 1); nil means DefaultDiscard (e.g. new(0.0) for none)
	Paper      bool            // TwoNN in the convention of Ansuini et al.'s code
	K          int             // MLE neighbours; 0 means 20
	MaxRank    int             // GRIDE largest n₂; 0 means 256
	Resample   int             // number of random subsets for error bars; 0 for none
	Fraction   float64         // size of each subset as a fraction of N; 0 means 0.9
	Metric     knn.Metric      // Euclidean (default) or Cosine
	Duplicates DuplicatePolicy // Collapse (default), Drop or Keep
	ZeroRows   string          // cosine metric, rows of zero norm: "" (an error) or "drop" (left out and counted)
	Seed       uint64          // seed of every random choice; 0 means DefaultSeed
	Threads    int             // 0 means GOMAXPROCS; results do not depend on it
	Search     knn.SearchMode  // neighbour search: auto (default, by cost), brute, pruned or tree; results do not depend on it
	Skdim      SkdimOptions    // parameters of the scikit-dimension estimators (SkdimMethods)
	Binomial   BinomialOptions // k and r of MethodBinomial
	KStar      KStarOptions    // iterations, α and maxk of MethodGRIDEAuto
	// Distinct says the rows are known to hold no duplicates (a check of
	// the same bytes before, proven by a checksum: intdim run-task and
	// merge): the collapse is skipped, which changes nothing else.
	Distinct bool
	// Sampled is the verdict of knn.StreamsSampled's sample test on the
	// file the points were loaded from, passed on to the search
	// (knn.Options.Sampled): it chooses the search, never the results.
	Sampled *knn.SampleTest
}

// knnOptions returns the options of the neighbour search of o: the rows
// are normalised before it under Cosine, so the sample test's verdict (on
// the rows as stored) is passed on only under Euclidean.
func (o *Options) knnOptions() *knn.Options {
	kopt := &knn.Options{Threads: o.Threads, Search: o.Search}
	if o.Metric == knn.Euclidean {
		kopt.Sampled = o.Sampled
	}
	return kopt
}

// Result is one method's estimate. Err is the standard error or the
// standard deviation over resamplings (nil when there is none); Lo and Hi
// bound an exact interval where the method has one. Multi-scale methods fill
// Scales, IDs and Errs (for GRIDE the scales are the ranks n₂), and ID and Err
// are those of the first scale.
type Result struct {
	Method   string    `json:"method"`
	ID       float64   `json:"id"`
	Err      *float64  `json:"err"`
	Lo       *float64  `json:"lo"`
	Hi       *float64  `json:"hi"`
	Scales   []int     `json:"scales,omitempty"`
	IDs      []float64 `json:"ids,omitempty"`
	Errs     []float64 `json:"errs,omitempty"`
	Spectrum []float64 `json:"spectrum,omitempty"`      // PCA: explained-variance ratios, descending
	Gap      *float64  `json:"gap,omitempty"`           // lpca-*: scikit-dimension's gap_, the eigenvalue ratio at the estimate
	Residual *float64  `json:"residual,omitempty"`      // knn: scikit-dimension's residual_, the least-squares residual at the estimate
	KL       *float64  `json:"kl_divergence,omitempty"` // danco: scikit-dimension's kl_divergence_ at the integer estimate
	// gride-auto: the chosen scale, the k* of every point at the final ID
	// (mean, median, min, max), and every step (step 0: the TwoNN start).
	KStar      *KStarStats `json:"kstar,omitempty"`
	Iterations []Iteration `json:"iterations,omitempty"`
}

// Report is the outcome of Points, in the JSON shape of 'intdim estimate'.
type Report struct {
	Input      string    `json:"input"`
	N          int       `json:"n"`
	Dim        int       `json:"dim"`
	NUsed      int       `json:"n_used"`
	Duplicates int       `json:"duplicates"`
	Dropped    int       `json:"dropped"`   // points left out of the TwoNN fits: r1 = 0 under duplicates policy "drop"; r1 = 0 or r1 = r2 in the paper's convention
	ZeroRows   int       `json:"zero_rows"` // cosine metric with ZeroRows "drop": rows of zero norm left out
	Seed       uint64    `json:"seed"`
	Results    []Result  `json:"results"`
	Warnings   []Warning `json:"warnings"` // messages in JSON
}

// Method names an estimator (Options.Method); its value is the name the
// command line and the JSON documents use.
type Method string

// The methods.
const (
	MethodTwoNN   Method = "twonn"
	MethodTwoNNML Method = "twonn-ml"
	MethodGRIDE   Method = "gride"
	MethodMLE     Method = "mle"
	MethodPCA     Method = "pca"
	MethodAll     Method = "all" // every method, in the order of Methods
)

// DuplicatePolicy says what Points does with exact duplicate rows
// (Options.Duplicates).
type DuplicatePolicy string

// The duplicate policies.
const (
	Collapse DuplicatePolicy = "collapse"
	Drop     DuplicatePolicy = "drop"
	Keep     DuplicatePolicy = "keep"
)

// Methods lists the methods accepted by Options.Method, in the order
// MethodAll runs them.
var Methods = []Method{MethodTwoNN, MethodTwoNNML, MethodGRIDE, MethodMLE, MethodPCA}

// Defaults.
const (
	DefaultDiscard  = 0.1
	DefaultK        = 20
	DefaultMaxRank  = 256
	DefaultFraction = 0.9
	DefaultSeed     = 1 // the seed of a zero Options, as of the command line
	// Confidence of the exact TwoNN-ML interval reported in Lo and Hi.
	Confidence = 0.95
)

// withDefaults returns a copy of o with zero fields set to their defaults.
func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Method == "" {
		c.Method = "twonn"
	}
	if c.Discard == nil {
		c.Discard = new(float64(DefaultDiscard))
	}
	if c.K == 0 {
		c.K = DefaultK
	}
	if c.MaxRank == 0 {
		c.MaxRank = DefaultMaxRank
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.Fraction == 0 {
		c.Fraction = DefaultFraction
	}
	if c.Duplicates == "" {
		c.Duplicates = "collapse"
	}
	c.Skdim = c.Skdim.withDefaults()
	c.Binomial = c.Binomial.withDefaults()
	c.KStar = c.KStar.withDefaults()
	return c
}
