package plot

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/study"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// FitData is the TwoNN fit of one point cloud, in the JSON shape
// {"kind":"twonn-fit", ...} that 'intdim plot --fit' writes: X[i] = log μ₍ᵢ₎
// and Y[i] = −log(1 − i/N) for the sorted ratios; the first NFit points
// were fitted by a line through the origin of slope ID, the rest were
// discarded (Facco et al. 2017).
type FitData struct {
	Kind    string    `json:"kind"`    // "twonn-fit"
	Version int       `json:"version"` // study.DocVersion (0 in files written before it)
	Input   string    `json:"input"`
	ID      float64   `json:"id"`
	N       int       `json:"n"`
	NFit    int       `json:"n_fit"`
	X       []float64 `json:"x"`
	Y       []float64 `json:"y"`
}

// NewFitData returns the plot data of a TwoNN fit of input, without the
// points where y = −log(1 − i/N) is infinite (the last one).
func NewFitData(input string, f *estimate.TwoNNFit) *FitData {
	sf := study.NewFit(input, f)
	return fitData(&sf)
}

// fitData is the document of a fit.
func fitData(f *study.Fit) *FitData {
	return &FitData{Kind: KindFit, Version: study.DocVersion, Input: f.Input, ID: f.ID, N: f.N, NFit: f.NFit, X: f.X, Y: f.Y}
}

// Fit draws the TwoNN diagnostic: the empirical −log(1 − F(μ)) against log μ,
// the fitted points and the discarded tail in two colours, and the fitted
// line y = ID·x through the origin. Points on a straight line through the
// origin mean the Pareto law of μ holds: the ID is well defined at the
// scale of the second neighbour.
func Fit(fd *FitData) *Figure {
	title := fmt.Sprintf("TwoNN fit: ID = %.3g", fd.ID)
	if fd.Input != "" {
		title = filepath.Base(fd.Input) + ": " + title // the path is in the JSON
	}
	p := newPanel(title, "log μ", "−log(1 − F(μ))")
	f := newFigure("twonn-fit", p)
	nfit := fd.NFit
	if nfit <= 0 || nfit > len(fd.X) {
		nfit = len(fd.X)
	}
	fit := series{Name: fmt.Sprintf("fitted (%d points)", nfit), X: fd.X[:nfit], Y: fd.Y[:min(nfit, len(fd.Y))]}
	discarded := len(fd.X) - nfit
	if fd.N > len(fd.X) {
		discarded = fd.N - nfit // the last point, at y = +Inf, is not drawn
	}
	tail := series{Name: fmt.Sprintf("discarded (%d points)", discarded), X: fd.X[nfit:], Y: fd.Y[min(nfit, len(fd.Y)):]}
	scatter := func(s series, c int, shape draw.GlyphDrawer) {
		xy, _ := s.points(false, false)
		if len(xy) == 0 {
			return
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: colour(c), Radius: vg.Points(2), Shape: shape}
		p.Add(sc)
		f.addLegend(s.Name, sc)
	}
	scatter(fit, 0, draw.CircleGlyph{})
	scatter(tail, 1, draw.RingGlyph{})
	xmax := maxOf(fd.X)
	if finite(xmax) && xmax > 0 && finite(fd.ID) {
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: xmax, Y: fd.ID * xmax}})
		if err == nil {
			l.LineStyle = draw.LineStyle{Color: black, Width: vg.Points(1.4)}
			p.Add(l)
			f.addLegend(fmt.Sprintf("slope ID = %.3g", fd.ID), l)
		}
		p.X.Min = 0
		p.Y.Min = 0
		p.Y.Max = math.Max(maxOf(fd.Y), fd.ID*xmax) * 1.05
	}
	f.Notes = fitNotes(fd)
	return f
}

var _ gplot.Thumbnailer = (*plotter.Line)(nil)
