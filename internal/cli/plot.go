package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/plot"
)

func init() {
	Register(&Command{Name: "plot", Summary: "figures (PNG, SVG) from the JSON of profile, demo, estimate, scale, local, linearize, study, plot --fit, train logs", Run: runPlot})
}

func runPlot(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("plot", stderr)
	out := fs.String("out", "", "figure to write: FIG.png or FIG.svg (more figures go to FIG-KIND.png)")
	kind := fs.String("kind", "", "draw only this figure: profile, accuracy, scale, scale-rank, spectrum, linearize, twonn-fit, training, overlap, local")
	fit := fs.String("fit", "", "draw the TwoNN fit diagnostic of the point cloud INPUT (FILE or FILE:NAME) instead of reading JSON")
	discard := fs.Float64("discard", estimate.DefaultDiscard, "--fit: fraction of the largest ratios r2/r1 left out of the fit")
	metric := fs.String("metric", "euclidean", "--fit: distance, euclidean or cosine")
	paper := fs.Bool("paper", false, "--fit: TwoNN as the code of Ansuini et al. 2019 (drops r1 = 0 and r1 = r2, fits 90 % of the rest)")
	var format string
	addFormatFlag(fs, &format)
	fs.Bool("quiet", false, "no progress on stderr (plot has no long step)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim plot FILE.json... --out FIG.png|FIG.svg [--kind KIND]")
		fmt.Fprintln(stderr, "       intdim plot --fit INPUT --out FIG.png [--format json]   (TwoNN fit diagnostic)")
		fs.PrintDefaults()
	}
	pos, err := parseFormat(fs, args, &format)
	if err != nil {
		return err
	}
	if *out != "" {
		if _, err := plot.Format(*out); err != nil {
			return Usage("--out %v", err)
		}
		if err := notADir(*out); err != nil {
			return err
		}
	}
	var figs []*plot.Figure
	if *fit != "" {
		if len(pos) > 0 {
			return Usage("--fit takes no JSON files (got %q)", pos[0])
		}
		if *discard < 0 || *discard >= 1 {
			return Usage("--discard %g outside [0, 1)", *discard)
		}
		m, err := knn.ParseMetric(*metric)
		if err != nil {
			return Usage("%v", err)
		}
		fd, warn, err := twoNNFitData(*fit, *discard, m, *paper)
		if err != nil {
			return err
		}
		for _, w := range warn {
			fmt.Fprintf(stderr, "intdim plot: warning: %s\n", w)
		}
		if format == "json" {
			if err := writeJSON(stdout, fd); err != nil {
				return err
			}
		} else if *out == "" {
			return Usage("--out FIG.png or FIG.svg is required (or --format json for the fit's data)")
		}
		if *out == "" {
			return nil
		}
		figs = []*plot.Figure{plot.Fit(fd)}
	} else {
		if len(pos) == 0 {
			return Usage("want at least one FILE.json (see intdim plot -h)")
		}
		if *out == "" {
			return Usage("--out FIG.png or FIG.svg is required")
		}
		docs, err := readDocs(pos)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if _, err := plot.Detect(d.Data); errors.Is(err, plot.ErrArrayFile) {
				return BadInput(fmt.Errorf("%s: %v; for the TwoNN fit diagnostic of its points: intdim plot --fit %s --out fit.png", d.Name, err, d.Name))
			}
		}
		if figs, err = plot.FromJSON(docs...); err != nil {
			return BadInput(err)
		}
	}
	if *kind != "" {
		var keep []*plot.Figure
		var have []string
		for _, f := range figs {
			have = append(have, f.Kind)
			if f.Kind == *kind {
				keep = append(keep, f)
			}
		}
		if len(keep) == 0 {
			return Usage("--kind %q: these files give %s", *kind, strings.Join(have, ", "))
		}
		figs = keep
	}
	paths := figurePaths(*out, figs)
	for i, f := range figs {
		if err := f.Save(paths[i]); err != nil {
			return err
		}
	}
	if *fit != "" && format == "json" {
		return nil
	}
	switch format {
	case "json":
		type entry struct {
			Kind  string `json:"kind"`
			Path  string `json:"path"`
			Notes string `json:"notes,omitempty"` // what the data show, as report captions say it
		}
		var es []entry
		for i, f := range figs {
			es = append(es, entry{f.Kind, paths[i], f.Notes})
		}
		return writeJSON(stdout, map[string]any{"figures": es})
	case "csv":
		cw := csv.NewWriter(stdout)
		cw.Write([]string{"kind", "path"})
		for i, f := range figs {
			cw.Write([]string{f.Kind, paths[i]})
		}
		cw.Flush()
		return cw.Error()
	}
	for i, f := range figs {
		fmt.Fprintf(stdout, "%s: %s\n", f.Kind, paths[i])
	}
	return nil
}

// figurePaths names the files of figs: the first is out, the others
// out's name with -KIND before the extension.
func figurePaths(out string, figs []*plot.Figure) []string {
	ext := filepath.Ext(out)
	base := strings.TrimSuffix(out, ext)
	paths := make([]string, len(figs))
	used := map[string]bool{}
	for i, f := range figs {
		p := out
		if i > 0 {
			p = base + "-" + f.Kind + ext
			for k := 2; used[p]; k++ {
				p = fmt.Sprintf("%s-%s%d%s", base, f.Kind, k, ext)
			}
		}
		used[p] = true
		paths[i] = p
	}
	return paths
}

// readDocs reads JSON files; a read error names the file.
func readDocs(paths []string) ([]plot.Doc, error) {
	var docs []plot.Doc
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, BadInput(err)
		}
		docs = append(docs, plot.Doc{Name: p, Data: b})
	}
	return docs, nil
}

// twoNNFitData computes the TwoNN fit of a point cloud for the fit
// diagnostic with estimate.Fit: the fit 'intdim estimate' makes with the
// same options (with --paper, those of the paper's code: --duplicates keep).
func twoNNFitData(spec string, discard float64, m knn.Metric, paper bool) (*plot.FitData, []string, error) {
	x, release, err := loadPoints(spec, 0)
	if err != nil {
		return nil, nil, err
	}
	defer release()
	dup := estimate.Collapse
	if paper {
		dup = estimate.Keep // the paper's code: points with r1 = 0 are dropped, not collapsed
	}
	fit, rep, err := estimate.Fit(x, &estimate.Options{Discard: &discard, Paper: paper, Metric: m, Duplicates: dup})
	if err != nil {
		return nil, nil, BadInput(fmt.Errorf("%s: %w", spec, err))
	}
	return plot.NewFitData(spec, fit), estimate.Messages(rep.Warnings), nil
}
