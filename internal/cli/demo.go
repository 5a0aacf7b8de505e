package cli

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/plot"
	"github.com/intdim/intdim/report"
	"github.com/intdim/intdim/result"
	"github.com/intdim/intdim/study"
)

func init() {
	Register(&Command{Name: "demo", Summary: "ID profiles of the paper's MNIST network: trained, shuffled labels, offset, untrained", Run: runDemo})
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("demo", stderr)
	out := fs.String("out", "intdim-demo", "directory for demo.json, demo.csv, profile.png and report.html (created; all four are written or none)")
	n := fs.Int("n", 2000, "first N test images (10 to 10000)")
	resample := fs.Int("resample", 20, "error bars from this many random subsets")
	fraction := fs.Float64("fraction", 0.9, "size of each subset, as a fraction of N")
	seed := fs.Uint64("seed", 1, "seed of the resampling and of the untrained network's weights")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	var format string
	addFormatFlag(fs, &format)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim demo [--out DIR] [--format text|json|csv]")
		fmt.Fprintln(stderr, "The ID profile of the paper's MNIST network trained on mnist, mnist-shuffled and mnist-offset (embedded weights), and untrained;")
		fmt.Fprintln(stderr, "the PCA spectra of the trained network's layers and the TwoNN fit of each input, in one report.")
		fs.PrintDefaults()
	}
	pos, err := parseFormat(fs, args, &format)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return Usage("unexpected argument %q", pos[0])
	}
	if *n < 10 || *n > 10000 || *resample < 0 || !(*fraction > 0 && *fraction <= 1) {
		return Usage("--n must be in [10, 10000], --resample non-negative, --fraction in (0, 1]")
	}
	if st, err := os.Stat(*out); err == nil && !st.IsDir() {
		return Usage("--out %s: exists and is not a directory", *out)
	}
	bar := progress.New(stderr, 0, "demo", *quiet)
	start := time.Now()
	rep, err := study.RunDemo(study.DemoOptions{N: *n, Resample: *resample, Fraction: *fraction, Seed: *seed,
		Progress: func(done, total int, step string) { bar.Step(done, total, step) }})
	bar.Finish()
	if err != nil {
		return err
	}
	if err := writeDemoFiles(*out, rep); err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(stderr, "demo: %.1f s; wrote demo.json, demo.csv, profile.png and report.html into %s\n",
			time.Since(start).Seconds(), *out)
	}
	switch format {
	case "json":
		return writeJSON(stdout, result.NewDemo(rep))
	case "csv":
		return writeDemoCSV(stdout, rep)
	}
	return writeDemoText(stdout, rep)
}

// writeDemoFiles writes DIR/demo.json, demo.csv, profile.png and the
// self-contained report.html, all or none: everything is rendered in memory
// first, and a directory the demo created is removed again on failure.
func writeDemoFiles(dir string, rep *study.Demo) (err error) {
	var js, cs, png bytes.Buffer
	if err := writeJSON(&js, result.NewDemo(rep)); err != nil {
		return err
	}
	if err := writeDemoCSV(&cs, rep); err != nil {
		return err
	}
	figs, err := plot.FromJSON(plot.Doc{Name: "demo.json", Data: js.Bytes()})
	if err != nil {
		return err
	}
	if err := figs[0].WritePNG(&png, plot.DPI); err != nil {
		return err
	}
	html, err := report.Build([]plot.Doc{{Name: "demo.json", Data: js.Bytes()}}, &report.Options{Title: "intdim demo", Time: time.Now()})
	if err != nil {
		return err
	}
	if _, statErr := os.Stat(dir); errors.Is(statErr, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		defer func() {
			if err != nil {
				os.Remove(dir) // only if empty: a directory the demo made
			}
		}()
	}
	return atomicfile.WriteAll([]atomicfile.File{
		{Path: filepath.Join(dir, "demo.json"), Data: js.Bytes()},
		{Path: filepath.Join(dir, "demo.csv"), Data: cs.Bytes()},
		{Path: filepath.Join(dir, "profile.png"), Data: png.Bytes()},
		{Path: filepath.Join(dir, "report.html"), Data: html},
	})
}

func writeDemoCSV(w io.Writer, rep *study.Demo) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"model", "test_accuracy", "data", "index", "layer", "rel_depth", "n", "dim", "id", "err", "pc_id"})
	for _, m := range rep.Models {
		for _, l := range m.Layers {
			pc := ""
			if l.PCID != nil {
				pc = strconv.Itoa(*l.PCID)
			}
			cw.Write([]string{m.Name, ftoa(m.TestAccuracy), m.Data, strconv.Itoa(l.Index), l.Name, ftoa(l.RelDepth),
				strconv.Itoa(l.N), strconv.Itoa(l.Dim), ftoa(l.ID), optF(l.Err), pc})
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeDemoText prints the profiles side by side: ID ± err (PC-ID).
func writeDemoText(w io.Writer, rep *study.Demo) error {
	fmt.Fprintf(w, "TwoNN ID of each layer on the first %d MNIST test images (± std over %d subsets of %g %%; PC-ID in brackets)\n\n",
		rep.N, rep.Resample, 100*rep.Fraction)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "layer\tdim")
	for _, m := range rep.Models {
		fmt.Fprintf(tw, "\t%s", m.Name)
	}
	fmt.Fprintln(tw)
	for i, l := range rep.Models[0].Layers {
		fmt.Fprintf(tw, "%s\t%d", l.Name, l.Dim)
		for _, m := range rep.Models {
			r := m.Layers[i]
			pc := "-"
			if r.PCID != nil {
				pc = strconv.Itoa(*r.PCID)
			}
			e := ""
			if r.Err != nil {
				e = fmt.Sprintf(" ± %.2f", *r.Err)
			}
			fmt.Fprintf(tw, "\t%.2f%s (%s)", r.ID, e, pc)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "test accuracy\t")
	for _, m := range rep.Models {
		fmt.Fprintf(tw, "\t%.4f", m.TestAccuracy)
	}
	fmt.Fprintln(tw)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	var models []study.Model
	for _, m := range rep.Models {
		acc := m.TestAccuracy
		models = append(models, study.Model{Name: m.Name, TestAccuracy: &acc, Layers: m.Layers})
	}
	for _, s := range plot.ProfileNotes(models) {
		fmt.Fprintln(w, s)
	}
	fmt.Fprintln(w, "\nPaper (Ansuini et al. 2019, fig. 3 and 4): MNIST 13.2 → 6.1 falling; offset input ≈ 3 rising to ≈ 8;")
	fmt.Fprintln(w, "shuffled labels ≈ 21 at d1; untrained roughly flat.")
	return nil
}
