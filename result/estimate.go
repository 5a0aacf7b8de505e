package result

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/pipeline"
)

// Estimate is the document of 'intdim estimate': the report of
// estimate.Points or estimate.FromGraph, its kind and version, and the
// TwoNN convention that ran (empty when no TwoNN fit ran).
type Estimate struct {
	Header
	*estimate.Report
	TwoNN string `json:"twonn_convention,omitempty"`
	// NClasses is the number of distinct class labels given (--labels);
	// 0 when none were.
	NClasses int `json:"n_classes,omitempty"`
	// Classes is the ID of each class of the labels, measured separately
	// (pipeline.EstimateClasses), with the mean and standard deviation
	// (ddof 0) of those that have one; absent without --labels.
	Classes     []pipeline.Class `json:"classes,omitempty"`
	ClassesMean *float64         `json:"classes_mean,omitempty"`
	ClassesStd  *float64         `json:"classes_std,omitempty"`
}

// SetClasses records the per-class IDs cs and their mean and deviation.
func (e *Estimate) SetClasses(cs []pipeline.Class) {
	e.Classes = cs
	s := pipeline.Summarise(cs)
	e.ClassesMean, e.ClassesStd = s.Mean, s.Std
}

// Scale is the document of 'intdim scale': the report of estimate.Scale,
// in the shape of an Estimate.
type Scale struct {
	Estimate
}

// NewEstimate returns the document of rep, estimated with opt (nil: the
// defaults).
func NewEstimate(rep *estimate.Report, opt *estimate.Options) *Estimate {
	e := &Estimate{Header: Header{Kind: KindEstimate, Version: Version}, Report: rep}
	for _, r := range rep.Results {
		switch r.Method {
		case "twonn", "twonn-blocks", "twonn-decimate", "gride-auto": // gride-auto starts from TwoNN
			e.TwoNN = convention(opt != nil && opt.Paper)
		}
	}
	return e
}

// NewScale returns the document of the scale analysis rep.
func NewScale(rep *estimate.Report, opt *estimate.Options) *Scale {
	s := &Scale{*NewEstimate(rep, opt)}
	s.Kind = KindScale
	return s
}

// Write writes the document in format: "json", "csv" (one row per result
// and scale; gride-auto: one row per iteration, in columns iteration and
// kstar_mean, kstar_median, kstar_min, kstar_max, the last row its value)
// or "text".
func (e *Estimate) Write(w io.Writer, format string) error {
	return write(w, format, e, e.writeCSV, e.writeText)
}

func (e *Estimate) writeCSV(w io.Writer) error {
	rep := e.Report
	cw := csv.NewWriter(w)
	head := []string{"input", "n", "dim", "n_used", "duplicates", "seed", "method", "scale", "id", "err", "lo", "hi",
		"dropped", "twonn_convention", "warnings", "zero_rows"}
	if e.Classes != nil {
		head = append(head, "class", "class_error") // one more row per class
	}
	kstar := slices.ContainsFunc(rep.Results, func(r estimate.Result) bool { return r.KStar != nil })
	if kstar {
		head = append(head, "iteration", "kstar_mean", "kstar_median", "kstar_min", "kstar_max")
	}
	cw.Write(head)
	warn := strings.Join(estimate.Messages(rep.Warnings), "; ")
	row := func(r estimate.Result, scale string, id float64, e2, lo, hi *float64, ks ...string) {
		f := []string{rep.Input, strconv.Itoa(rep.N), strconv.Itoa(rep.Dim), strconv.Itoa(rep.NUsed),
			strconv.Itoa(rep.Duplicates), strconv.FormatUint(rep.Seed, 10), r.Method, scale,
			ftoa(id), optF(e2), optF(lo), optF(hi), strconv.Itoa(rep.Dropped), e.TwoNN, warn, strconv.Itoa(rep.ZeroRows)}
		if e.Classes != nil {
			f = append(f, "", "")
		}
		if kstar {
			f = append(f, append(ks, "", "", "", "", "")[:5]...)
		}
		cw.Write(f)
	}
	for _, r := range rep.Results {
		if r.KStar != nil {
			for i, it := range r.Iterations {
				s := it.KStar
				row(r, "", it.ID, it.Err, nil, nil, strconv.Itoa(i), ftoa(s.Mean), ftoa(s.Median), strconv.Itoa(s.Min), strconv.Itoa(s.Max))
			}
			continue
		}
		if len(r.Scales) == 0 {
			row(r, "", r.ID, r.Err, r.Lo, r.Hi)
			continue
		}
		for i, s := range r.Scales {
			var e2 *float64
			if i < len(r.Errs) {
				e2 = &r.Errs[i]
			}
			row(r, strconv.Itoa(s), r.IDs[i], e2, nil, nil)
		}
	}
	if e.Classes != nil {
		method := ""
		if len(rep.Results) > 0 {
			method = rep.Results[0].Method
		}
		for _, c := range e.Classes {
			f := []string{rep.Input, strconv.Itoa(c.N), strconv.Itoa(rep.Dim), strconv.Itoa(c.NUsed), "", strconv.FormatUint(rep.Seed, 10),
				method, "", optF(c.ID), optF(c.Err), "", "", "", e.TwoNN, "", "", strconv.Itoa(c.Label), c.Error}
			if kstar {
				f = append(f, "", "", "", "", "")
			}
			cw.Write(f)
		}
	}
	cw.Flush()
	return cw.Error()
}

func (e *Estimate) writeText(w io.Writer) error {
	rep := e.Report
	fmt.Fprintf(w, "%s: %d points (%d used, %d duplicates collapsed", rep.Input, rep.N, rep.NUsed, rep.Duplicates)
	if rep.Dropped > 0 {
		fmt.Fprintf(w, ", %d dropped from the TwoNN fits", rep.Dropped)
	}
	if rep.ZeroRows > 0 {
		fmt.Fprintf(w, ", %d of zero norm left out", rep.ZeroRows)
	}
	fmt.Fprintf(w, "), dimension %d, seed %d", rep.Dim, rep.Seed)
	if e.TwoNN != "" {
		fmt.Fprintf(w, ", TwoNN convention %s", e.TwoNN)
	}
	fmt.Fprintln(w)
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
			var e2 *float64
			if i < len(r.Errs) {
				e2 = &r.Errs[i]
			}
			fmt.Fprintf(tw, "%s\t%d\t%.3f\t%s\t\n", r.Method, s, r.IDs[i], fmtErr(e2))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rep.Results {
		if r.KStar == nil {
			continue
		}
		k := r.KStar
		fmt.Fprintf(w, "%s: scale k* (final) mean %.2f, median %g, min %d, max %d; steps", r.Method, k.Mean, k.Median, k.Min, k.Max)
		for i, it := range r.Iterations {
			sep, what := " →", ""
			if i == 0 {
				sep, what = "", " (twonn)"
			}
			fmt.Fprintf(w, "%s %.3f%s", sep, it.ID, what)
		}
		fmt.Fprintln(w)
	}
	if err := e.writeClasses(w); err != nil {
		return err
	}
	for _, m := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", m)
	}
	return nil
}

// writeClasses writes the per-class IDs as a table, if any.
func (e *Estimate) writeClasses(w io.Writer) error {
	if e.Classes == nil {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "class\tn\tused\tID\t± err")
	for _, c := range e.Classes {
		if c.ID == nil {
			fmt.Fprintf(tw, "%d\t%d\t%d\t-\t\t%s\n", c.Label, c.N, c.NUsed, c.Error)
			continue
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.3f\t%s\n", c.Label, c.N, c.NUsed, *c.ID, fmtErr(c.Err))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if e.ClassesMean != nil {
		_, err := fmt.Fprintf(w, "classes: mean ID %.3f, std %.3f\n", *e.ClassesMean, *e.ClassesStd)
		return err
	}
	return nil
}
