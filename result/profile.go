package result

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/profile"
)

// Profile is the document of 'intdim profile': one row per layer with its
// counts (n, n_used, duplicates, dropped), warnings and, for a layer that
// could not be estimated, its error ("id": null, "error": "…").
type Profile struct {
	Header
	// Model, Data and TestAccuracy name the network, its test images and
	// its test accuracy for 'profile --model' (empty otherwise), so that
	// 'study accuracy --from' and plot legends have them.
	Model        string   `json:"model,omitempty"`
	Data         string   `json:"data,omitempty"`
	TestAccuracy *float64 `json:"test_accuracy,omitempty"`
	*profile.Profile
	TwoNN string `json:"twonn_convention,omitempty"`
	// NClasses is the number of distinct class labels given (--labels);
	// 0 when none were.
	NClasses int `json:"n_classes,omitempty"`
}

// NewProfile returns the document of p, estimated with opt (nil: the
// defaults).
func NewProfile(p *profile.Profile, opt *estimate.Options) *Profile {
	d := &Profile{Header: Header{Kind: KindProfile, Version: Version}, Profile: p}
	if p.Method == "twonn" {
		d.TwoNN = convention(opt != nil && opt.Paper)
	}
	return d
}

// Write writes the document in format: "json", "csv" (one row per layer)
// or "text".
func (p *Profile) Write(w io.Writer, format string) error {
	return write(w, format, p, p.writeCSV, p.writeText)
}

func (p *Profile) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"index", "name", "rel_depth", "n", "dim", "id", "err", "pc_id", "method", "seed",
		"n_used", "duplicates", "dropped", "warnings", "error", "twonn_convention", "zero_rows"}
	if p.Overlap != nil { // then: overlap_k, label_overlap, overlap with layer 0, 1, …
		head = append(head, "overlap_k", "label_overlap")
		for j := range p.Overlap {
			head = append(head, "overlap_"+strconv.Itoa(j))
		}
	}
	classes := p.hasClasses()
	if classes {
		head = append(head, "classes_mean", "classes_std")
	}
	imb := p.ImbalanceInput != ""
	if imb {
		head = append(head, "delta_to_input", "delta_from_input", "delta_to_output", "delta_from_output")
	}
	kstar := p.hasKStar()
	if kstar {
		head = append(head, "kstar_mean", "kstar_median", "kstar_min", "kstar_max")
	}
	cw.Write(head)
	for i, l := range p.Layers {
		pc, id := "", ""
		if l.PCID != nil {
			pc = strconv.Itoa(*l.PCID)
		}
		if !l.Failed() {
			id = ftoa(l.ID)
		}
		row := []string{strconv.Itoa(l.Index), l.Name, ftoa(l.RelDepth), strconv.Itoa(l.N),
			strconv.Itoa(l.Dim), id, optF(l.Err), pc, p.Method, strconv.FormatUint(p.Seed, 10),
			strconv.Itoa(l.NUsed), strconv.Itoa(l.Duplicates), strconv.Itoa(l.Dropped),
			strings.Join(estimate.Messages(l.Warnings), "; "), l.Error, p.TwoNN, strconv.Itoa(l.ZeroRows)}
		if p.Overlap != nil {
			row = append(row, strconv.Itoa(p.OverlapK), optF(l.LabelOverlap))
			for _, v := range p.Overlap[i] {
				row = append(row, optF(v))
			}
		}
		if classes {
			row = append(row, optF(l.ClassesMean), optF(l.ClassesStd))
		}
		if imb {
			row = append(row, optF(l.DeltaToInput), optF(l.DeltaFromInput), optF(l.DeltaToOutput), optF(l.DeltaFromOutput))
		}
		if kstar {
			if k := l.KStar; k != nil {
				row = append(row, ftoa(k.Mean), ftoa(k.Median), strconv.Itoa(k.Min), strconv.Itoa(k.Max))
			} else {
				row = append(row, "", "", "", "")
			}
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func (p *Profile) writeText(w io.Writer) error {
	zero := false // a zero-norm column only when rows were left out
	for _, l := range p.Layers {
		zero = zero || l.ZeroRows > 0
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "layer\trel. depth\tpoints\tused\tdupl.\tdropped\t")
	if zero {
		fmt.Fprintf(tw, "zero-norm\t")
	}
	fmt.Fprintf(tw, "dim\tID (%s)\t± err\tPC-ID\t\n", p.Method)
	for _, l := range p.Layers {
		pc := "-"
		if l.PCID != nil {
			pc = strconv.Itoa(*l.PCID)
		}
		counts := []any{l.NUsed, l.Duplicates, l.Dropped}
		if zero {
			counts = append(counts, l.ZeroRows)
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%d\t", l.Name, l.RelDepth, l.N)
		for _, c := range counts {
			if l.Failed() {
				fmt.Fprint(tw, "-\t")
			} else {
				fmt.Fprintf(tw, "%d\t", c)
			}
		}
		if l.Failed() {
			fmt.Fprintf(tw, "%d\tfailed\t-\t%s\t\n", l.Dim, pc)
			continue
		}
		fmt.Fprintf(tw, "%d\t%.2f\t%s\t%s\t\n", l.Dim, l.ID, fmtErr(l.Err), pc)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if p.TwoNN != "" {
		fmt.Fprintf(w, "TwoNN convention: %s\n", p.TwoNN)
	}
	if err := p.writeOverlapText(w); err != nil {
		return err
	}
	if err := p.writeImbalanceText(w); err != nil {
		return err
	}
	for _, l := range p.Layers {
		if k := l.KStar; k != nil {
			fmt.Fprintf(w, "%s: %s: scale k* (final) mean %.2f, median %g, min %d, max %d\n", p.Method, l.Name, k.Mean, k.Median, k.Min, k.Max)
		}
	}
	for _, l := range p.Layers {
		if l.Classes == nil {
			continue
		}
		m := 0
		for _, c := range l.Classes {
			if c.ID != nil {
				m++
			}
		}
		if l.ClassesMean != nil {
			fmt.Fprintf(w, "classes: %s: mean ID %.2f ± %.2f (std) over %d of %d classes\n", l.Name, *l.ClassesMean, *l.ClassesStd, m, len(l.Classes))
		} else {
			fmt.Fprintf(w, "classes: %s: no class could be measured (%d classes)\n", l.Name, len(l.Classes))
		}
	}
	for _, l := range p.Layers {
		for _, m := range l.Warnings {
			fmt.Fprintf(w, "warning: %s: %s\n", l.Name, m)
		}
	}
	for _, l := range p.Layers {
		if l.Failed() {
			fmt.Fprintf(w, "failed: %s: %s\n", l.Name, l.Error)
		}
	}
	return nil
}

// writeOverlapText prints the overlap matrix (rows and columns by layer
// index, "-" where there is none) and the label overlaps, when computed.
func (p *Profile) writeOverlapText(w io.Writer) error {
	if p.Overlap == nil {
		return nil
	}
	fmt.Fprintf(w, "neighbourhood overlap (k = %d):\n", p.OverlapK)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for j := range p.Overlap {
		fmt.Fprintf(tw, "%d\t", j)
	}
	fmt.Fprintln(tw)
	for i, row := range p.Overlap {
		fmt.Fprintf(tw, "%d %s\t", i, p.Layers[i].Name)
		for _, v := range row {
			if v == nil {
				fmt.Fprint(tw, "-\t")
			} else {
				fmt.Fprintf(tw, "%.3f\t", *v)
			}
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, l := range p.Layers {
		if l.LabelOverlap != nil {
			fmt.Fprintf(w, "label overlap: %s: %.4f\n", l.Name, *l.LabelOverlap)
		}
	}
	return nil
}

// writeImbalanceText prints every layer's information imbalances against
// the input (first layer) and the output (last), "-" where there is none.
func (p *Profile) writeImbalanceText(w io.Writer) error {
	if p.ImbalanceInput == "" {
		return nil
	}
	fmt.Fprintf(w, "information imbalance (rank 1; input = %s, output = %s; 0: predicts, 1: unrelated):\n", p.ImbalanceInput, p.ImbalanceOutput)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "layer\tΔ(layer→input)\tΔ(input→layer)\tΔ(layer→output)\tΔ(output→layer)\t\n")
	f := func(v *float64) string {
		if v == nil {
			return "-"
		}
		return fmt.Sprintf("%.4f", *v)
	}
	for _, l := range p.Layers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", l.Name, f(l.DeltaToInput), f(l.DeltaFromInput), f(l.DeltaToOutput), f(l.DeltaFromOutput))
	}
	return tw.Flush()
}

// hasClasses reports whether some layer has per-class IDs.
func (p *Profile) hasClasses() bool {
	for _, l := range p.Layers {
		if l.Classes != nil {
			return true
		}
	}
	return false
}

// hasKStar reports whether some layer has a k* summary (gride-auto).
func (p *Profile) hasKStar() bool {
	for _, l := range p.Layers {
		if l.KStar != nil {
			return true
		}
	}
	return false
}
