package plot

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/intdim/intdim/result"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// KindLocal is the kind of the document of 'intdim local' (result.Local).
const KindLocal = string(result.KindLocal)

// Local draws the histogram of the local (pointwise) IDs of each document
// (result.Local.Histogram, the finite values only), one panel each, with
// the global value (result.Local.Global: 1/mean(1/m) for mle, the mean
// otherwise) as a solid vertical line and the median as a dashed one. The
// x label counts the points drawn and those left out as non-finite; Notes
// says the same in words. A document without a histogram (no finite
// value) gets an empty panel that says so.
func Local(ls []*result.Local) *Figure {
	var panels []*gplot.Plot
	var notes []string
	globalStyle := draw.LineStyle{Color: black, Width: vg.Points(1.6)}
	medianStyle := draw.LineStyle{Color: black, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	for _, l := range ls {
		name := localName(l)
		used := l.N - l.NNonFinite
		p := newPanel(fmt.Sprintf("%s: local ID (%s, k = %d)", name, l.Method, l.K),
			fmt.Sprintf("local ID (%d points drawn, %d non-finite left out)", used, l.NNonFinite), "points")
		panels = append(panels, p)
		note := fmt.Sprintf("%s: %d points, %d with a finite local ID in the histogram, %d non-finite left out", name, l.N, used, l.NNonFinite)
		if l.NZero > 0 {
			note += fmt.Sprintf(", %d at 0 (a duplicate among the neighbours)", l.NZero)
		}
		h := l.Histogram
		if h == nil || len(h.Counts) == 0 || len(h.Edges) != len(h.Counts)+1 {
			p.Title.Text += ": no finite values"
			notes = append(notes, note+".")
			continue
		}
		bins := make([]plotter.HistogramBin, len(h.Counts))
		top := 0
		for i, c := range h.Counts {
			bins[i] = plotter.HistogramBin{Min: h.Edges[i], Max: h.Edges[i+1], Weight: float64(c)}
			top = max(top, c)
		}
		hist := &plotter.Histogram{Bins: bins, Width: h.Edges[1] - h.Edges[0], FillColor: colour(0),
			LineStyle: draw.LineStyle{Color: white, Width: vg.Points(0.5)}}
		p.Add(hist)
		vline := func(x float64, st draw.LineStyle) *plotter.Line {
			ln, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: float64(top) * 1.05}})
			if err != nil {
				return nil
			}
			ln.LineStyle = st
			p.Add(ln)
			return ln
		}
		if l.Global != nil && finite(*l.Global) {
			vline(*l.Global, globalStyle)
			how := "the mean"
			if l.Method == "mle" {
				how = "1/mean(1/m)"
			}
			note += fmt.Sprintf("; global ID %s (%s)", fmt3(*l.Global), how)
		} else {
			note += "; no global ID (some values are not finite)"
		}
		if finite(l.Median) {
			vline(l.Median, medianStyle)
			note += fmt.Sprintf(", median %s", fmt3(l.Median))
		}
		p.Y.Min = 0
		notes = append(notes, note+".")
	}
	f := newFigure("local", panels...)
	g, m := "global ID", "median"
	if len(ls) == 1 { // one panel: the legend gives the values
		if l := ls[0]; l.Global != nil && finite(*l.Global) {
			g += " = " + fmt3(*l.Global)
		}
		m += " = " + fmt3(ls[0].Median)
	}
	f.addLegend(g, lineThumb(globalStyle))
	f.addLegend(m, lineThumb(medianStyle))
	f.Notes = strings.Join(notes, " ")
	return f
}

func localName(l *result.Local) string {
	if l.Input == "" {
		return "points"
	}
	return filepath.Base(l.Input)
}
