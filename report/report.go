// Package report writes a self-contained HTML report of intdim results: the
// figures of package plot inlined as SVG, tables of every number, the
// settings (method, seed, inputs), warnings, the tool's version and the JSON
// the report was made from. The file references nothing outside itself (no
// scripts, style sheets, fonts or images to fetch), so it opens offline.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/plot"
)

// Version is printed in every report; the command line sets it to its own
// version.
var Version = "unknown"

// Options configures Build. A nil pointer means the defaults.
type Options struct {
	Title string    // default: "intdim report"
	Time  time.Time // printed as the creation time; zero means none
}

// Write writes the report of one JSON document (the output of intdim
// profile, demo, estimate, scale, linearize, study accuracy or plot --fit) to
// path atomically: on error no file is left behind.
func Write(path string, doc []byte) error {
	html, err := Build([]plot.Doc{{Name: "result", Data: doc}}, nil)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, html)
}

// WriteDocs writes the report of several JSON documents to path atomically.
func WriteDocs(path string, docs []plot.Doc, opt *Options) error {
	html, err := Build(docs, opt)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, html)
}

// Build returns the HTML report of the documents: their figures (as
// plot.FromJSON draws them), one section of tables per document, and the
// JSON itself. Errors name the document.
func Build(docs []plot.Doc, opt *Options) ([]byte, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.Title == "" {
		o.Title = "intdim report"
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("report: no documents")
	}
	figs, err := plot.FromJSON(docs...)
	if err != nil {
		return nil, err
	}
	page := pageData{Title: o.Title, Version: Version}
	if !o.Time.IsZero() {
		page.Time = o.Time.UTC().Format("2006-01-02 15:04 MST")
	}
	for _, f := range figs {
		svg, err := inlineSVG(f)
		if err != nil {
			return nil, err
		}
		page.Figures = append(page.Figures, figureData{Kind: f.Kind, Caption: caption(f), SVG: svg})
	}
	for _, d := range docs {
		sec, err := section(d)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", d.Name, err)
		}
		page.Sections = append(page.Sections, sec)
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, page); err != nil {
		return nil, fmt.Errorf("report: %v", err)
	}
	return buf.Bytes(), nil
}

// inlineSVG renders f as an SVG element for inclusion in HTML: without the
// XML prolog, and with fonts that fall back to metric-compatible ones.
func inlineSVG(f *plot.Figure) (template.HTML, error) {
	var buf bytes.Buffer
	if err := f.WriteSVG(&buf); err != nil {
		return "", err
	}
	s := buf.String()
	i := strings.Index(s, "<svg")
	if i < 0 {
		return "", fmt.Errorf("report: figure %s: no <svg> element", f.Kind)
	}
	s = s[i:]
	s = strings.ReplaceAll(s, "font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	return template.HTML(s), nil
}

// caption is the caption of f: how to read its kind of figure, which says
// nothing about the data, then what the data show, computed from the drawn
// values (Figure.Notes).
func caption(f *plot.Figure) string {
	c := captions[f.Kind]
	if f.Notes != "" {
		c += " " + f.Notes
	}
	return c
}

// captions explain how to read each kind of figure, without claims about
// the data drawn.
var captions = map[string]string{
	"overlap": "The neighbourhood overlap of every pair of layers (Valeriani et al. 2023): the mean over points of the " +
		"fraction of a point's k nearest neighbours in one layer that are also among its k nearest in the other. " +
		"It is 1 where two layers give every point the same neighbours and about k/(N − 1) where they are unrelated; " +
		"lighter is higher (white: 1), grey is missing.",
	"imbalance": "The information imbalance (Glielmo et al. 2022, rank 1) of every layer against the input (the first " +
		"layer) and the output (the last), against relative depth: Δ(A→B) is 2/N times the mean rank, in B, of each " +
		"point's nearest neighbour in A. It is near 0 where A's nearest neighbours are also B's (A predicts B) and " +
		"about 1 where B ranks them at random; it is not symmetric. Solid, filled markers: the layer predicting; " +
		"dashed, open markers: the layer predicted.",
	"profile": "Left: the intrinsic dimension (ID) of each layer against its relative depth, with error bars " +
		"(standard deviation over resamplings, where there were any). Right, on a log axis: the same IDs (solid), " +
		"the PC-ID (components for 90 % of the variance; dashed, open markers) and the layer width (dotted grey).",
	"accuracy": "The ID of the last hidden layer of each network against its test error, with the least-squares " +
		"line; r is Pearson's correlation and p its two-sided p-value (Student's t with N − 2 degrees of freedom). " +
		"Ansuini et al. (2019) found r = 0.94 over 14 ImageNet networks.",
	"scale": "The ID against the number of points (block analysis: disjoint blocks of N/b points; decimation: " +
		"N/2ⁱ), mean ± std over blocks. A plateau marks the scales at which the ID is well defined; a rise at " +
		"small N is the estimator's bias.",
	"scale-rank": "The GRIDE ID against the neighbour rank n₂ (ratios of the n₂-th to the n₂/2-th neighbour " +
		"distance), ± its standard error: the ID at growing length scales. Noise inflates it at small ranks, " +
		"curvature and boundaries bend it at large ones.",
	"twonn-fit": "The TwoNN fit (Facco et al. 2017): −log(1 − F(μ)) against log μ for the ratios μ = r₂/r₁. " +
		"On a manifold of dimension d the points lie on a line through the origin of slope d. The largest μ " +
		"(open markers) are left out of the fit.",
	"spectrum": "Normalised PCA spectra on log–log axes, the PC-ID (90 % of the variance) marked. A spectrum " +
		"without a gap means no linear subspace holds the data, even when its ID is small.",
	"training": "The TwoNN ID of every layer on the tracked test images against the training epoch (fractional " +
		"inside the first epoch), from the log of intdim train --track-id (Ansuini et al. 2019, Figure 5A).",
	"linearize": "The ID of the data and of its linearized surrogate (a Gaussian with the same mean and " +
		"covariance) against the number of points (Ansuini et al. 2019, Figure 5B). A Gaussian's ID grows " +
		"with N towards its number of significant directions; a curved low-dimensional manifold's stays flat.",
}

type pageData struct {
	Title, Version, Time string
	Figures              []figureData
	Sections             []sectionData
}

type figureData struct {
	Kind, Caption string
	SVG           template.HTML
}

type sectionData struct {
	Name, Kind string
	Settings   [][2]string
	Tables     []tableData
	Warnings   []string
	JSON       string
}

type tableData struct {
	Caption string
	Head    []string
	Rows    [][]string
}

// indentJSON pretty-prints doc, or returns it as it is if it is not JSON.
func indentJSON(doc []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, doc, "", "  "); err != nil {
		return string(doc)
	}
	return buf.String()
}
