package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/plot"
	"github.com/intdim/intdim/study"
)

func init() {
	Register(&Command{Name: "linearize", Summary: "ID of the data and of a Gaussian with its covariance against N (paper Fig. 5B)", Run: runLinearize})
}

func runLinearize(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("linearize", stderr)
	sizes := fs.String("sizes", "", "numbers of points, e.g. 500,1000,2000 (default: 500, 1000, 2000, ... below N, then N; from 250, 125, ... when N < 4000, so that there are four sizes or more)")
	blocks := fs.Int("blocks", 5, "at most this many disjoint blocks averaged per size (error bars)")
	discard := fs.Float64("discard", estimate.DefaultDiscard, "TwoNN: fraction of the largest ratios r2/r1 left out of the fit")
	metric := fs.String("metric", "euclidean", "distance: euclidean or cosine")
	seed := fs.Uint64("seed", 1, "seed of the surrogate and of the blocks")
	threads := fs.Int("threads", 0, "worker threads (0: all cores); results do not depend on it")
	out := fs.String("out", "", "also draw the figure: FIG.png or FIG.svg")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	var format string
	addFormatFlag(fs, &format)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim linearize [--sizes 500,1000,...] [--seed 1] [--out FIG.png] INPUT")
		fmt.Fprintln(stderr, "The 'artificially linearized' control of Ansuini et al. 2019 (Fig. 5B): a Gaussian sample with the")
		fmt.Fprintln(stderr, "data's mean and covariance; its TwoNN ID grows with N while a curved manifold's stays flat.")
		fs.PrintDefaults()
	}
	pos, err := parseFormat(fs, args, &format)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return Usage("want one INPUT, got %d (see intdim linearize -h)", len(pos))
	}
	var sz []int
	if *sizes != "" {
		for _, f := range strings.Split(*sizes, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || v < 10 {
				return Usage("--sizes %q: want integers ≥ 10 separated by commas", *sizes)
			}
			sz = append(sz, v)
		}
	}
	if *blocks < 1 {
		return Usage("--blocks %d: need at least 1", *blocks)
	}
	if *discard < 0 || *discard >= 1 {
		return Usage("--discard %g outside [0, 1)", *discard)
	}
	m, err := knn.ParseMetric(*metric)
	if err != nil {
		return Usage("%v", err)
	}
	if *out != "" {
		if _, err := plot.Format(*out); err != nil {
			return Usage("--out %v", err)
		}
	}
	pts, release, err := loadPoints(pos[0], 0)
	if err != nil {
		return err
	}
	defer release()
	n, d := pts.N(), pts.D()
	x := pts.Float64()
	if sz == nil {
		sz = study.DefaultSizes(n)
	}
	for _, s := range sz {
		if s > n {
			return BadInput(fmt.Errorf("%s: --sizes %d is more than its %d points", pos[0], s, n))
		}
	}
	bar := progress.New(stderr, 0, "linearize", *quiet)
	l, err := study.Linearize(x, n, d, &study.LinearizeOptions{
		Sizes: sz, Blocks: *blocks, Progress: bar.Set,
		Estimate: estimate.Options{Discard: discard, Seed: *seed, Threads: *threads, Metric: m},
	})
	bar.Finish()
	if err != nil {
		return BadInput(fmt.Errorf("%s: %w", pos[0], err))
	}
	l.Input = pos[0]
	for _, w := range l.Warnings {
		fmt.Fprintf(stderr, "intdim linearize: warning: %s\n", w)
	}
	if *out != "" {
		if err := plot.Linearized(l).Save(*out); err != nil {
			return err
		}
	}
	return writeLinearization(stdout, format, l)
}

func writeLinearization(w io.Writer, format string, l *study.Linearization) error {
	switch format {
	case "json":
		return writeJSON(w, l)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"input", "n", "dim", "seed", "size", "blocks", "data_id", "data_err", "surrogate_id", "surrogate_err"})
		for i, s := range l.Sizes {
			cw.Write([]string{l.Input, strconv.Itoa(l.N), strconv.Itoa(l.Dim), strconv.FormatUint(l.Seed, 10), strconv.Itoa(s),
				strconv.Itoa(l.Blocks[i]), ftoa(l.DataIDs[i]), ftoa(l.DataErrs[i]), ftoa(l.SurrogateIDs[i]), ftoa(l.SurrogateErrs[i])})
		}
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintf(w, "%s: %d points, dimension %d, seed %d; TwoNN of the data and of a Gaussian with its covariance\n", l.Input, l.N, l.Dim, l.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "N\tblocks\tdata ID\t± err\tsurrogate ID\t± err\t")
	for i, s := range l.Sizes {
		fmt.Fprintf(tw, "%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t\n", s, l.Blocks[i], l.DataIDs[i], l.DataErrs[i], l.SurrogateIDs[i], l.SurrogateErrs[i])
	}
	return tw.Flush()
}
