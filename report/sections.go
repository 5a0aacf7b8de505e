package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/nn"
	"github.com/intdim/intdim/plot"
	"github.com/intdim/intdim/result"
	"github.com/intdim/intdim/study"
)

// section returns the settings and tables of one document.
func section(d plot.Doc) (sectionData, error) {
	kind, err := plot.Detect(d.Data)
	if err != nil {
		return sectionData{}, err
	}
	s := sectionData{Name: d.Name, Kind: kind, JSON: indentJSON(d.Data)}
	switch kind {
	case plot.KindProfile, plot.KindDemo:
		models, err := plot.Models(d)
		if err != nil {
			return s, err
		}
		if len(models) > 0 {
			s.add("method", models[0].Method)
			s.add("seed", strconv.FormatUint(models[0].Seed, 10))
		}
		var top struct {
			N        int     `json:"n"`
			Resample int     `json:"resample"`
			Fraction float64 `json:"fraction"`
		}
		if json.Unmarshal(d.Data, &top) == nil && kind == plot.KindDemo {
			if top.N > 0 {
				s.add("points per layer", itoa(top.N))
			}
			if top.Resample > 0 {
				s.add("resamplings", fmt.Sprintf("%d of %g %% of the points", top.Resample, 100*top.Fraction))
			}
		}
		for _, m := range models {
			t := tableData{Caption: m.Label(), Head: []string{"layer", "rel. depth", "N", "dim", "ID", "± err", "PC-ID", "warnings"}}
			for _, l := range m.Layers {
				pc := "–"
				if l.PCID != nil {
					pc = strconv.Itoa(*l.PCID)
				}
				id, warn := f3(l.ID), estimate.Messages(l.Warnings)
				if l.Failed() {
					id, warn = "failed", append([]string{l.Error}, warn...)
				}
				t.Rows = append(t.Rows, []string{l.Name, f3(l.RelDepth), itoa(l.N), itoa(l.Dim), id, optErr(l.Err), pc, join(warn)})
			}
			s.Tables = append(s.Tables, t)
		}
	case plot.KindEstimate, plot.KindScale:
		var doc result.Estimate
		if err := json.Unmarshal(d.Data, &doc); err != nil {
			return s, err
		}
		if doc.Report == nil || doc.Report.Results == nil {
			if kind == plot.KindScale {
				return legacyScaleSection(s, d)
			}
			return s, fmt.Errorf("no results")
		}
		r := doc.Report
		s.add("input", r.Input)
		s.add("points", fmt.Sprintf("%d (%d used, %d duplicates collapsed, %d dropped)", r.N, r.NUsed, r.Duplicates, r.Dropped))
		s.add("TwoNN convention", doc.TwoNN)
		s.add("dimension", itoa(r.Dim))
		s.add("seed", strconv.FormatUint(r.Seed, 10))
		t := tableData{Caption: "Estimates", Head: []string{"method", "ID", "± err", "interval"}}
		for _, res := range r.Results {
			iv := ""
			if res.Lo != nil && res.Hi != nil {
				iv = fmt.Sprintf("[%s, %s]", f3(*res.Lo), f3(*res.Hi))
			}
			t.Rows = append(t.Rows, []string{res.Method, f3(res.ID), optErr(res.Err), iv})
		}
		s.Tables = append(s.Tables, t)
		for _, res := range r.Results {
			if len(res.Scales) == 0 {
				continue
			}
			st := tableData{Caption: res.Method + " against scale", Head: []string{"scale", "ID", "± err"}}
			for i, sc := range res.Scales {
				e := "–"
				if i < len(res.Errs) {
					e = f3(res.Errs[i])
				}
				id := "–"
				if i < len(res.IDs) {
					id = f3(res.IDs[i])
				}
				st.Rows = append(st.Rows, []string{itoa(sc), id, e})
			}
			s.Tables = append(s.Tables, st)
		}
		s.Warnings = estimate.Messages(r.Warnings)
	case plot.KindFit:
		var fd plot.FitData
		if err := json.Unmarshal(d.Data, &fd); err != nil {
			return s, err
		}
		s.add("input", fd.Input)
		s.add("ID (slope through the origin)", f3(fd.ID))
		s.add("points", itoa(fd.N))
		s.add("points fitted", itoa(fd.NFit))
	case plot.KindLinearize:
		var l study.Linearization
		if err := json.Unmarshal(d.Data, &l); err != nil {
			return s, err
		}
		s.add("input", l.Input)
		s.add("points", itoa(l.N))
		s.add("dimension", itoa(l.Dim))
		s.add("method", l.Method)
		s.add("seed", strconv.FormatUint(l.Seed, 10))
		t := tableData{Caption: "ID of the data and of its linearized surrogate", Head: []string{"N", "blocks", "data ID", "± err", "surrogate ID", "± err"}}
		for i, n := range l.Sizes {
			t.Rows = append(t.Rows, []string{itoa(n), itoa(at(l.Blocks, i)), f3(atf(l.DataIDs, i)), f3(atf(l.DataErrs, i)),
				f3(atf(l.SurrogateIDs, i)), f3(atf(l.SurrogateErrs, i))})
		}
		s.Tables = append(s.Tables, t)
		s.Warnings = l.Warnings
	case plot.KindTrainLog:
		var lg nn.Log
		if err := json.Unmarshal(d.Data, &lg); err != nil {
			return s, err
		}
		s.add("data", lg.Data)
		s.add("architecture", lg.Arch)
		s.add("arguments", strings.Join(lg.Args, " "))
		t := tableData{Caption: "Training log", Head: append([]string{"epoch", "step", "lr", "test accuracy"}, lg.Layers...)}
		for _, r := range lg.Rows {
			row := []string{strconv.FormatFloat(r.Epoch, 'g', 4, 64), itoa(r.Step), strconv.FormatFloat(r.LR, 'g', 4, 64), fmt.Sprintf("%.2f %%", 100*r.TestAcc)}
			for _, l := range lg.Layers {
				if v, ok := r.IDs[l]; ok {
					row = append(row, f3(v))
				} else {
					row = append(row, "–")
				}
			}
			t.Rows = append(t.Rows, row)
		}
		s.Tables = append(s.Tables, t)
	case plot.KindAccuracy:
		var a study.Accuracy
		if err := json.Unmarshal(d.Data, &a); err != nil {
			return s, err
		}
		s.add("method", a.Method)
		s.add("seed", strconv.FormatUint(a.Seed, 10))
		if a.Points > 0 {
			s.add("test images per layer", itoa(a.Points))
		}
		if a.Resample > 0 {
			s.add("resamplings", fmt.Sprintf("%d of %g %% of the points", a.Resample, 100*a.Fraction))
		}
		s.Tables = append(s.Tables, accuracyTable(&a))
		s.Warnings = a.Warnings
	}
	return s, nil
}

// legacyScaleSection is the section of a version-0 scale document
// (plot.ScaleDoc).
func legacyScaleSection(s sectionData, d plot.Doc) (sectionData, error) {
	var sd plot.ScaleDoc
	if err := json.Unmarshal(d.Data, &sd); err != nil {
		return s, err
	}
	s.add("input", sd.Input)
	s.add("method", sd.Method)
	s.add("points", itoa(sd.N))
	s.add("dimension", itoa(sd.Dim))
	s.add("seed", strconv.FormatUint(sd.Seed, 10))
	t := tableData{Caption: "ID against scale", Head: []string{"scale", "ID", "± err"}}
	for i := range sd.Scales {
		e := "–"
		if i < len(sd.Errs) {
			e = f3(sd.Errs[i])
		}
		t.Rows = append(t.Rows, []string{f3(sd.Scales[i]), f3(sd.IDs[i]), e})
	}
	s.Tables = append(s.Tables, t)
	return s, nil
}

// accuracyTable lists the networks of an accuracy study and its correlation.
func accuracyTable(a *study.Accuracy) tableData {
	caption := "Last hidden layer ID and test accuracy"
	if c := a.Pearson; c != nil {
		caption += fmt.Sprintf(": Pearson r = %.3f (ID against test error), p = %.3g, N = %d; test error = %.4f + %.4f × ID",
			c.R, c.P, c.N, c.Intercept, c.Slope)
	}
	for _, d := range a.ByDataset {
		if c := d.Pearson; c != nil {
			caption += fmt.Sprintf("; within %s: r = %.3f, p = %.3g, N = %d", d.Dataset, c.R, c.P, c.N)
		}
	}
	t := tableData{Caption: caption, Head: []string{"network", "data", "family", "width", "depth", "epochs", "parameters", "test accuracy", "layer", "dim", "ID", "± err"}}
	for _, n := range a.Networks {
		t.Rows = append(t.Rows, []string{n.Name, n.Dataset, n.Family, itoa0(n.Width), itoa0(n.Depth), itoa0(n.Epochs), itoa0(n.Params),
			fmt.Sprintf("%.2f %%", 100*n.TestAccuracy), n.Layer, itoa(n.Dim), f3(n.ID), optErr(n.Err)})
	}
	return t
}

func (s *sectionData) add(k, v string) {
	if v != "" {
		s.Settings = append(s.Settings, [2]string{k, v})
	}
}

func f3(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
func itoa(v int) string   { return strconv.Itoa(v) }

// itoa0 leaves zero (unknown) blank.
func itoa0(v int) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(v)
}

func optErr(p *float64) string {
	if p == nil {
		return "–"
	}
	return f3(*p)
}

func at(v []int, i int) int {
	if i < len(v) {
		return v[i]
	}
	return 0
}

func atf(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return 0
}

func join(w []string) string {
	s := ""
	for i, x := range w {
		if i > 0 {
			s += "; "
		}
		s += x
	}
	return s
}
