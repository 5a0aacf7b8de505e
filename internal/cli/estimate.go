package cli

import (
	"encoding/csv"
	"fmt"
	"github.com/intdim/intdim/cloud"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/tensorio"
)

func init() {
	Register(&Command{Name: "estimate", Summary: "intrinsic dimension of one point cloud (.npy, .npz, .safetensors)", Run: runEstimate})
}

func runEstimate(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("estimate", stderr)
	f := addEstimateFlags(fs, "twonn")
	mem := addMemFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim estimate [flags] INPUT   (INPUT: FILE, FILE:NAME)")
		fs.PrintDefaults()
	}
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return Usage("want one INPUT, got %d (see intdim estimate -h)", len(pos))
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	var rep *estimate.Report
	if mem.streamed(pos[0]) {
		if rep, _, err = estimateStreamed(pos[0], mem, opt, opt.Method == "pca" || opt.Method == "all"); err != nil {
			return err
		}
	} else {
		a, n, d, err := loadPoints(pos[0], mem.bytes)
		if err != nil {
			return err
		}
		if err := checkResample(opt, n, mem.bytes); err != nil {
			return err
		}
		if rep, err = estimate.Points(cloud.Must64(a.Data, n, d), opt); err != nil {
			return BadInput(fmt.Errorf("%s: %w", pos[0], err))
		}
	}
	rep.Input = pos[0]
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "intdim estimate: warning: %s\n", w)
	}
	return writeReport(stdout, f.format, rep)
}

// loadPoints reads one point cloud and checks it; budget bounds the memory
// of a deflated .npz member (0: the default, half the physical memory).
func loadPoints(spec string, budget int64) (*tensorio.Array, int, int, error) {
	a, err := tensorio.OpenMatrixWith(spec, tensorio.Options{MaxBytes: budget})
	if err != nil {
		return nil, 0, 0, BadInput(err)
	}
	if err := tensorio.CheckPoints(a); err != nil {
		return nil, 0, 0, BadInput(err)
	}
	n, d, err := a.Matrix()
	if err != nil {
		return nil, 0, 0, BadInput(err)
	}
	return a, n, d, nil
}

func writeReport(w io.Writer, format string, rep *estimate.Report) error {
	switch format {
	case "json":
		return writeJSON(w, rep)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"input", "n", "dim", "n_used", "duplicates", "seed", "method", "scale", "id", "err", "lo", "hi"})
		row := func(r estimate.Result, scale string, id float64, e, lo, hi *float64) {
			cw.Write([]string{rep.Input, strconv.Itoa(rep.N), strconv.Itoa(rep.Dim), strconv.Itoa(rep.NUsed),
				strconv.Itoa(rep.Duplicates), strconv.FormatUint(rep.Seed, 10), r.Method, scale,
				ftoa(id), optF(e), optF(lo), optF(hi)})
		}
		for _, r := range rep.Results {
			if len(r.Scales) == 0 {
				row(r, "", r.ID, r.Err, r.Lo, r.Hi)
				continue
			}
			for i, s := range r.Scales {
				var e *float64
				if i < len(r.Errs) {
					e = &r.Errs[i]
				}
				row(r, strconv.Itoa(s), r.IDs[i], e, nil, nil)
			}
		}
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintf(w, "%s: %d points (%d used, %d duplicates collapsed), dimension %d, seed %d\n",
		rep.Input, rep.N, rep.NUsed, rep.Duplicates, rep.Dim, rep.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "method\tscale\tID\t± err\tinterval")
	for _, r := range rep.Results {
		interval := ""
		if r.Lo != nil && r.Hi != nil {
			interval = fmt.Sprintf("[%.3f, %.3f] (%.0f %%)", *r.Lo, *r.Hi, 100*estimate.Confidence)
		}
		if len(r.Scales) == 0 {
			fmt.Fprintf(tw, "%s\t\t%.3f\t%s\t%s\n", r.Method, r.ID, fmtErr(r.Err), interval)
			continue
		}
		for i, s := range r.Scales {
			var e *float64
			if i < len(r.Errs) {
				e = &r.Errs[i]
			}
			fmt.Fprintf(tw, "%s\t%d\t%.3f\t%s\t\n", r.Method, s, r.IDs[i], fmtErr(e))
		}
	}
	return tw.Flush()
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

func optF(p *float64) string {
	if p == nil {
		return ""
	}
	return ftoa(*p)
}
