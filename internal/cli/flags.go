package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/intdim/intdim/internal/bytesize"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
)

// estimateFlags are the flags shared by estimate, scale and profile.
type estimateFlags struct {
	method, metric, duplicates, format string
	search                             string
	zeroRows                           string
	discard, fraction                  float64
	paper, quiet                       bool
	k, maxRank, resample, threads      int
	seed                               uint64
	skdim                              estimate.SkdimOptions
	binomial                           estimate.BinomialOptions
	kstar                              estimate.KStarOptions
}

func addEstimateFlags(fs *flag.FlagSet, method string) *estimateFlags {
	f := &estimateFlags{}
	fs.StringVar(&f.method, "method", method, "estimator: twonn, twonn-ml, gride, mle, pca or all (these five); "+
		"scikit-dimension's lpca-fo, lpca-fan, lpca-maxgap, lpca-ratio, lpca-pr, lpca-kaiser, lpca-brokenstick, mom, tle, mada, corrint, ess, mind-ml, fishers, "+
		"knn, danco (randomised: --seed); or every; "+
		"DADApy's binomial (--binomial-k, --binomial-r) or gride-auto (GRIDE at each point's k*: --kstar-maxk, --kstar-alpha, --kstar-iter)")
	fs.IntVar(&f.kstar.MaxK, "kstar-maxk", estimate.DefaultKStar.MaxK, "gride-auto: neighbours searched (k* ≤ maxk − 1)")
	fs.Float64Var(&f.kstar.Alpha, "kstar-alpha", estimate.DefaultKStar.Alpha, "gride-auto: significance of the k* likelihood-ratio test")
	fs.IntVar(&f.kstar.Iterations, "kstar-iter", estimate.DefaultKStar.Iterations, "gride-auto: GRIDE fits, each at the k* of the previous ID")
	fs.IntVar(&f.binomial.K, "binomial-k", estimate.DefaultBinomial.K, "binomial: neighbour rank k of the outer radius")
	fs.Float64Var(&f.binomial.R, "binomial-r", estimate.DefaultBinomial.R, "binomial: ratio r of the inner radius to the outer, in (0, 1)")
	sk := &f.skdim
	d := estimate.DefaultSkdim
	fs.Float64Var(&sk.AlphaFO, "lpca-alpha-fo", d.AlphaFO, "lpca-fo: count eigenvalues above this fraction of the largest (alphaFO)")
	fs.Float64Var(&sk.AlphaRatio, "lpca-alpha-ratio", d.AlphaRatio, "lpca-ratio: fraction of the variance (alphaRatio)")
	fs.Float64Var(&sk.AlphaFan, "lpca-alpha-fan", d.AlphaFan, "lpca-fan: large-gap threshold (alphaFan)")
	fs.Float64Var(&sk.BetaFan, "lpca-beta-fan", d.BetaFan, "lpca-fan: total-covariance threshold (betaFan)")
	fs.Float64Var(&sk.PFan, "lpca-p-fan", d.PFan, "lpca-fan: covariance in the non-noise components (PFan)")
	fs.IntVar(&sk.MOMK, "mom-k", d.MOMK, "mom: number of neighbours")
	fs.IntVar(&sk.TLEK, "tle-k", d.TLEK, "tle: number of neighbours")
	fs.Float64Var(&sk.TLEEpsilon, "tle-epsilon", d.TLEEpsilon, "tle: measurements below it are dropped (epsilon)")
	fs.IntVar(&sk.MADAK, "mada-k", d.MADAK, "mada: number of neighbours")
	fs.IntVar(&sk.MiNDK, "mind-k", d.MiNDK, "mind-ml: ratio of the distances to the 1st and (k+1)-th neighbours")
	fs.IntVar(&sk.MiNDD, "mind-d", d.MiNDD, "mind-ml: largest dimension searched (D)")
	fs.IntVar(&sk.ESSK, "ess-k", d.ESSK, "ess: number of neighbours (every pair of them is used)")
	fs.IntVar(&sk.K1, "corrint-k1", d.K1, "corrint: neighbour rank of the first radius (k1)")
	fs.IntVar(&sk.K2, "corrint-k2", d.K2, "corrint: neighbour rank of the second radius (k2)")
	fs.IntVar(&sk.KNNK, "knn-k", d.KNNK, "knn: neighbours per point in each random sample (k)")
	fs.Var((*intList)(&sk.KNNPs), "knn-ps", "knn: sample sizes, comma-separated, each above k (ps; default k+1,…,k+4)")
	fs.IntVar(&sk.KNNM, "knn-m", d.KNNM, "knn: random samples of each size (M)")
	fs.Float64Var(&sk.KNNGamma, "knn-gamma", d.KNNGamma, "knn: power of the edge lengths (gamma)")
	fs.IntVar(&sk.DANCoK, "danco-k", d.DANCoK, "danco: number of neighbours (k)")
	fs.IntVar(&sk.DANCoD, "danco-d", 0, "danco: largest dimension calibrated (D; 0: the number of columns)")
	fs.Func("danco-fractal", "danco: the fractal estimate, true (default) or false for the integer one (fractal)", func(v string) error {
		b, err := strconv.ParseBool(v)
		sk.DANCoInt = !b
		return err
	})
	fs.Float64Var(&f.discard, "discard", estimate.DefaultDiscard, "TwoNN: fraction of the largest ratios r2/r1 left out of the fit")
	fs.BoolVar(&f.paper, "paper", false, "TwoNN exactly as the code of Ansuini et al. 2019")
	fs.IntVar(&f.k, "k", estimate.DefaultK, "MLE: number of neighbours")
	fs.IntVar(&f.maxRank, "max-rank", estimate.DefaultMaxRank, "GRIDE: largest neighbour rank n2")
	fs.IntVar(&f.resample, "resample", 0, "error bars from this many random subsets (paper: 20-50)")
	fs.Float64Var(&f.fraction, "fraction", estimate.DefaultFraction, "size of each resampled subset, as a fraction of the points")
	fs.StringVar(&f.metric, "metric", "euclidean", "distance: euclidean or cosine (chord between normalised rows)")
	fs.StringVar(&f.duplicates, "duplicates", "collapse", "duplicate rows: collapse, drop (paper) or keep")
	fs.StringVar(&f.zeroRows, "zero-rows", "error", "--metric cosine, rows of zero norm: error, or drop (left out and counted; layers in memory)")
	fs.StringVar(&f.search, "search", "auto", searchUsage)
	fs.Uint64Var(&f.seed, "seed", 1, "seed of every random choice")
	fs.IntVar(&f.threads, "threads", 0, "worker threads (0: all cores); results do not depend on it")
	addFormatFlag(fs, &f.format)
	fs.BoolVar(&f.quiet, "quiet", false, "no progress on stderr")
	return f
}

// zeroNormHint adds to an error caused by rows of zero norm under the
// cosine metric the way on.
func zeroNormHint(err error) error {
	var zn *knn.ZeroNormError
	if errors.As(err, &zn) {
		return fmt.Errorf("%w (--zero-rows drop leaves them out)", err)
	}
	return err
}

// maxThreads bounds --threads: each worker holds buffers of its own.
const maxThreads = 1024

// checkResample refuses a --resample whose subsets would not fit in budget
// bytes for a layer of n points: R subsets of ⌊fraction·n⌋ row indices.
func checkResample(opt *estimate.Options, n int, budget int64) error {
	if opt.Resample == 0 {
		return nil
	}
	need := float64(opt.Resample) * math.Floor(opt.Fraction*float64(n)) * 8
	if need > float64(budget) {
		return Usage("--resample %d: %d subsets of %d points need %s of memory, more than the budget of %s (--mem)",
			opt.Resample, opt.Resample, int(math.Floor(opt.Fraction*float64(n))), bytesize.Format(need), bytesize.Format(float64(budget)))
	}
	return nil
}

// searchUsage documents --search.
const searchUsage = "neighbour search: auto (a k-d tree for rows of ≤ 16 columns, pruning with the spectrum for wide rows, each when the cost model predicts a gain), brute, pruned or tree; the neighbours are the same, bit for bit"

// addSearchFlag adds --search to fs.
func addSearchFlag(fs *flag.FlagSet) *string { return fs.String("search", "auto", searchUsage) }

// parseSearch parses --search.
func parseSearch(s string) (knn.SearchMode, error) {
	m, err := knn.ParseSearch(s)
	if err != nil {
		return 0, Usage("%w", err) // worded by flagWords
	}
	return m, nil
}

func addFormatFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "format", "text", "output: text, json or csv")
}

func checkFormat(f string) error {
	switch f {
	case "text", "json", "csv":
		return nil
	}
	return Usage("unknown --format %q (want text, json or csv)", f)
}

// options validates the flags and returns the estimator options.
func (f *estimateFlags) options() (*estimate.Options, error) {
	if err := checkFormat(f.format); err != nil {
		return nil, err
	}
	m, err := knn.ParseMetric(f.metric)
	if err != nil {
		return nil, Usage("%v", err)
	}
	switch f.duplicates {
	case "collapse", "drop", "keep":
	default:
		return nil, Usage("unknown --duplicates %q (want collapse, drop or keep)", f.duplicates)
	}
	sm, err := parseSearch(f.search)
	if err != nil {
		return nil, err
	}
	zero := ""
	switch f.zeroRows {
	case "error":
	case "drop":
		zero = "drop"
	default:
		return nil, Usage("unknown --zero-rows %q (want error or drop)", f.zeroRows)
	}
	// Written so that NaN fails every test.
	if !(f.discard >= 0 && f.discard < 1) {
		return nil, Usage("--discard %g outside [0, 1)", f.discard)
	}
	if !(f.fraction > 0 && f.fraction <= 1) {
		return nil, Usage("--fraction %g outside (0, 1]", f.fraction)
	}
	if f.k < 2 {
		return nil, Usage("--k %d: need at least 2", f.k)
	}
	if f.maxRank < 2 {
		return nil, Usage("--max-rank %d: need at least 2", f.maxRank)
	}
	if f.resample < 0 {
		return nil, Usage("--resample %d is negative", f.resample)
	}
	if f.threads < 0 || f.threads > maxThreads {
		return nil, Usage("--threads %d outside [0, %d] (0: all cores)", f.threads, maxThreads)
	}
	valid := f.method == "all" || f.method == string(estimate.MethodEvery)
	for _, m := range slices.Concat(estimate.Methods, estimate.SkdimMethods, []estimate.Method{estimate.MethodBinomial, estimate.MethodGRIDEAuto}) {
		valid = valid || f.method == string(m)
	}
	if !valid {
		return nil, Usage("unknown --method %q (want twonn, twonn-ml, gride, mle, pca or all); or scikit-dimension's "+
			"lpca-fo, lpca-fan, lpca-maxgap, lpca-ratio, lpca-pr, lpca-kaiser, lpca-brokenstick, mom, tle, mada, corrint, ess, mind-ml, fishers, knn, danco; or every; or binomial or gride-auto", f.method)
	}
	// Written so that NaN fails the test.
	if f.binomial.K < 2 || !(f.binomial.R > 0 && f.binomial.R < 1) {
		return nil, Usage("--binomial-k %d, --binomial-r %g: need k ≥ 2 and 0 < r < 1", f.binomial.K, f.binomial.R)
	}
	// Written so that NaN fails the test.
	if f.kstar.MaxK < 2 || !(f.kstar.Alpha > 0 && f.kstar.Alpha < 1) || f.kstar.Iterations < 1 || f.kstar.Iterations > 1000 {
		return nil, Usage("--kstar-maxk %d, --kstar-alpha %g, --kstar-iter %d: need maxk ≥ 2, 0 < alpha < 1 and 1 ≤ iter ≤ 1000",
			f.kstar.MaxK, f.kstar.Alpha, f.kstar.Iterations)
	}
	if err := skdimZero(f.skdim); err != nil {
		return nil, err
	}
	if err := estimate.CheckSkdim(f.skdim); err != nil {
		return nil, Usage("%w", err)
	}
	return &estimate.Options{
		Method: estimate.Method(f.method), Discard: new(f.discard), Paper: f.paper, K: f.k, MaxRank: f.maxRank,
		Resample: f.resample, Fraction: f.fraction, Metric: m, Duplicates: estimate.DuplicatePolicy(f.duplicates), ZeroRows: zero,
		Seed: f.seed, Threads: f.threads, Search: sm, Skdim: f.skdim, Binomial: f.binomial, KStar: f.kstar,
	}, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// fmtErr formats an optional error bar.
func fmtErr(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.3f", *p)
}

// intList is a comma-separated list of integers (--knn-ps).
type intList []int

func (l *intList) String() string {
	if l == nil {
		return ""
	}
	s := make([]string, len(*l))
	for i, v := range *l {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

func (l *intList) Set(v string) error {
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return fmt.Errorf("%q is not a list of integers", v)
		}
		out = append(out, n)
	}
	*l = out
	return nil
}

// skdimZero refuses a scikit-dimension parameter given as 0: the library
// reads 0 as "the default", so --tle-k 0 would silently run with k = 20.
// The flags' own defaults are never 0 (--danco-d, where 0 means the number
// of columns, is not checked).
func skdimZero(s estimate.SkdimOptions) error {
	d := estimate.DefaultSkdim
	for _, p := range []struct {
		field  string
		v, def float64
	}{
		{"AlphaFO", s.AlphaFO, d.AlphaFO}, {"AlphaRatio", s.AlphaRatio, d.AlphaRatio},
		{"AlphaFan", s.AlphaFan, d.AlphaFan}, {"BetaFan", s.BetaFan, d.BetaFan}, {"PFan", s.PFan, d.PFan},
		{"MOMK", float64(s.MOMK), float64(d.MOMK)}, {"TLEK", float64(s.TLEK), float64(d.TLEK)},
		{"TLEEpsilon", s.TLEEpsilon, d.TLEEpsilon}, {"MADAK", float64(s.MADAK), float64(d.MADAK)},
		{"ESSK", float64(s.ESSK), float64(d.ESSK)}, {"MiNDK", float64(s.MiNDK), float64(d.MiNDK)},
		{"MiNDD", float64(s.MiNDD), float64(d.MiNDD)}, {"K1", float64(s.K1), float64(d.K1)},
		{"K2", float64(s.K2), float64(d.K2)}, {"KNNK", float64(s.KNNK), float64(d.KNNK)},
		{"KNNM", float64(s.KNNM), float64(d.KNNM)}, {"KNNGamma", s.KNNGamma, d.KNNGamma},
		{"DANCoK", float64(s.DANCoK), float64(d.DANCoK)},
	} {
		if p.v == 0 {
			return Usage("--%s 0: 0 is not accepted (omit the flag for the default, %g)", skdimFlag(p.field), p.def)
		}
	}
	return nil
}
