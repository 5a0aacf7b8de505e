package cli

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/plot"
	"github.com/intdim/intdim/result"
	"github.com/intdim/intdim/tensorio/npy"
)

func init() {
	Register(&Command{Name: "local", Summary: "the ID of every point from its k nearest neighbours (Levina–Bickel)", Run: runLocal})
}

// localFlags are the flags of 'intdim local' (and of the library's local)
// besides --format, --out and --figure.
type localFlags struct {
	k              *int
	metric, method *string
	search         *string
	tleEps         *float64
}

func addLocalFlags(fs *flag.FlagSet) *localFlags {
	return &localFlags{
		k:      fs.Int("k", 20, "neighbours per point"),
		metric: fs.String("metric", "euclidean", "distance: euclidean or cosine"),
		method: fs.String("method", "mle", "pointwise estimator: mle, mom, tle, mada, ess, lpca-fo or twonn"),
		tleEps: fs.Float64("tle-epsilon", estimate.DefaultSkdim.TLEEpsilon, "tle: measurements below it are dropped"),
		search: addSearchFlag(fs),
	}
}

// check checks the flags and returns the method.
func (f *localFlags) check() (estimate.Method, error) {
	meth := estimate.Method(*f.method)
	if !slices.Contains(estimate.LocalMethods, meth) {
		return "", Usage("--method %q: want mle, mom, tle, mada, ess, lpca-fo or twonn", *f.method)
	}
	if !(*f.tleEps > 0) {
		return "", Usage("--tle-epsilon %g: want > 0", *f.tleEps)
	}
	if *f.k < 2 {
		return "", Usage("--k %d: need at least 2", *f.k)
	}
	return meth, nil
}

// localIDs returns the ID of every point of src (pipeline.Local) and the
// document summarising them.
func localIDs(src pipeline.Source, f *localFlags, meth estimate.Method, m knn.Metric) ([]float64, *result.Local, error) {
	s, err := parseSearch(*f.search)
	if err != nil {
		return nil, nil, err
	}
	ids, err := pipeline.Local(src, *f.k, meth, estimate.SkdimOptions{TLEEpsilon: *f.tleEps}, geoOptions(m, s))
	if err != nil {
		return nil, nil, BadInput(err)
	}
	doc := result.NewLocal()
	doc.Input, doc.N, doc.K, doc.Method = nameOf(src), len(ids), *f.k, string(meth)
	finite := make([]float64, 0, len(ids))
	for _, v := range ids {
		switch {
		case math.IsInf(v, 0) || math.IsNaN(v):
			doc.NNonFinite++
			continue
		case v == 0:
			doc.NZero++
		}
		finite = append(finite, v)
	}
	if doc.NZero+doc.NNonFinite == len(ids) {
		// No point has a defined ID: a mean, median or global value of 0
		// would be presented as an answer.
		return nil, nil, BadInput(fmt.Errorf("%s: no point has a defined local %s ID with k = %d (%d with a duplicate among its neighbours, %d non-finite: equal or zero neighbour distances); remove duplicate rows or use a larger --k",
			nameOf(src), meth, *f.k, doc.NZero, doc.NNonFinite))
	}
	// The global value where it is defined: null when it is not finite
	// (n_nonfinite says why) and, for mle, when a duplicate's 0 makes
	// scikit-dimension's 1/mean(1/m) collapse to 0 (n_zero says why).
	if g := estimate.LocalGlobal(meth, ids); !math.IsInf(g, 0) && !math.IsNaN(g) && !(g == 0 && doc.NZero > 0) {
		doc.Global = &g
	}
	if n := len(finite); n > 0 {
		for _, v := range finite {
			doc.Mean += v
		}
		doc.Mean /= float64(n)
		slices.Sort(finite)
		doc.Median = (finite[(n-1)/2] + finite[n/2]) / 2
	}
	doc.Histogram = result.NewHistogram(ids)
	return ids, doc, nil
}

func runLocal(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("local", stderr)
	f := addLocalFlags(fs)
	out := fs.String("out", "", "write the N values to this .npy file (float64)")
	figure := fs.String("figure", "", "draw the histogram of the values, the global ID and the median marked, to FIG.png or FIG.svg")
	var format string
	addFormatFlag(fs, &format)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim local [--method mle] [--k 20] [--out ids.npy] [--figure hist.png] INPUT   the ID of every point from its k neighbours (duplicates kept)")
		fs.PrintDefaults()
	}
	pos, m, err := parseMetricFormat(fs, args, &format, f.metric)
	if err != nil {
		return err
	}
	meth, err := f.check()
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return Usage("want one INPUT, got %d (see intdim local -h)", len(pos))
	}
	if *figure != "" {
		if _, err := plot.Format(*figure); err != nil {
			return Usage("--figure %v", err)
		}
		if st, err := os.Stat(*figure); err == nil && st.IsDir() {
			return Usage("--figure %s: is a directory", *figure)
		}
		// As --out: a missing directory is found before the work, exit status 1.
		if dir := filepath.Dir(*figure); !isDir(dir) {
			return fmt.Errorf("--figure %s: no directory %s", *figure, dir)
		}
	}
	ids, doc, err := localIDs(pipeline.File(pos[0]), f, meth, m)
	if err != nil {
		return err
	}
	if *out != "" {
		if err := atomicfile.WriteFile(*out, func(w io.Writer) error { return npy.Write(w, []int{len(ids)}, ids) }); err != nil {
			return fmt.Errorf("%s: %w", *out, err)
		}
		doc.Out = *out
	}
	if *figure != "" {
		if err := plot.Local([]*result.Local{doc}).Save(*figure); err != nil {
			return fmt.Errorf("--figure %s: %w", *figure, err)
		}
		doc.Figure = *figure
	}
	return doc.Write(stdout, format)
}

// isDir reports whether path is an existing directory.
func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
