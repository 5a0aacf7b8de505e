package plot

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/intdim/intdim/study"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Accuracy draws Figure 4 of Ansuini et al. (2019): the ID of the last
// hidden layer of every network (with its error bar) against its test error,
// coloured by family, the least-squares line, and Pearson's r and two-sided
// p in the legend. Each point is labelled with the network's name when
// there are at most 12.
func Accuracy(a *study.Accuracy) *Figure {
	p := newPanel("Last hidden layer ID against test error", "ID of the last hidden layer", "test error (%)")
	f := newFigure("accuracy", p)
	groups := map[string][]int{}
	var order []string
	several := len(a.ByDataset) > 1
	for i, n := range a.Networks {
		g := n.Family
		if several {
			g = strings.TrimSpace(n.Dataset + " " + n.Family)
		}
		if g == "" {
			g = n.Dataset
		}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i] < order[j] })
	var xs, ys []float64
	for gi, g := range order {
		var xy plotter.XYs
		var xe plotter.XErrors
		for _, i := range groups[g] {
			n := a.Networks[i]
			y := 100 * (1 - n.TestAccuracy)
			if !finite(n.ID) || !finite(y) {
				continue
			}
			e := 0.0
			if n.Err != nil && finite(*n.Err) {
				e = math.Abs(*n.Err)
			}
			xy = append(xy, plotter.XY{X: n.ID, Y: y})
			xe = append(xe, struct{ Low, High float64 }{e, e})
			xs = append(xs, n.ID-e, n.ID+e)
			ys = append(ys, y)
		}
		if len(xy) == 0 {
			continue
		}
		_, gs := seriesStyle(gi)
		gs.Radius = vg.Points(4)
		sc, _ := plotter.NewScatter(xy)
		sc.GlyphStyle = gs
		p.Add(sc)
		if eb, err := plotter.NewXErrorBars(errXs{xy, xe}); err == nil {
			eb.LineStyle = draw.LineStyle{Color: gs.Color, Width: vg.Points(1)}
			p.Add(eb)
		}
		name := g
		if name == "" {
			name = "networks"
		}
		f.addLegend(name, sc)
	}
	if len(xs) > 0 {
		padx := 0.08 * (maxOf(xs) - minOf(xs) + 1e-9)
		p.X.Min, p.X.Max = minOf(xs)-padx, maxOf(xs)+padx
		pady := 0.1 * (maxOf(ys) - minOf(ys) + 1e-9)
		p.Y.Min, p.Y.Max = math.Max(0, minOf(ys)-pady), maxOf(ys)+pady
	}
	if len(xs) > 0 {
		// One least-squares line per data set when there are several (a
		// pooled line would mix their difficulties), else one for all.
		type fit struct {
			name string
			c    *study.Correlation
		}
		var fits []fit
		if several {
			for _, d := range a.ByDataset {
				if d.Pearson != nil {
					fits = append(fits, fit{d.Dataset + ": ", d.Pearson})
				}
			}
		} else if a.Pearson != nil {
			fits = append(fits, fit{"", a.Pearson})
		}
		for i, ft := range fits {
			c := ft.c
			// The stored line is error as a fraction against ID; draw it in %.
			x0, x1 := p.X.Min, p.X.Max
			l, err := plotter.NewLine(plotter.XYs{
				{X: x0, Y: 100 * (c.Intercept + c.Slope*x0)},
				{X: x1, Y: 100 * (c.Intercept + c.Slope*x1)},
			})
			if err != nil {
				continue
			}
			l.LineStyle = draw.LineStyle{Color: black, Width: vg.Points(1.2), Dashes: lineDashes[i%len(lineDashes)]}
			p.Add(l)
			f.addLegend(ft.name+"least squares", l)
			f.addLegend(fmt.Sprintf("r = %.2f, p = %s, N = %d", c.R, formatP(c.P), c.N))
		}
		if several && a.Pearson != nil {
			c := a.Pearson
			f.addLegend(fmt.Sprintf("pooled: r = %.2f, p = %s, N = %d", c.R, formatP(c.P), c.N))
		}
	}
	if len(a.Networks) <= 12 {
		var lxy plotter.XYs
		var names []string
		for _, n := range a.Networks {
			y := 100 * (1 - n.TestAccuracy)
			if finite(n.ID) && finite(y) {
				lxy = append(lxy, plotter.XY{X: n.ID, Y: y})
				names = append(names, n.Name)
			}
		}
		if lb, err := plotter.NewLabels(plotter.XYLabels{XYs: lxy, Labels: names}); err == nil {
			for i := range lb.TextStyle {
				lb.TextStyle[i].Font = font.From(sans, 7)
				lb.TextStyle[i].Color = grey
			}
			lb.Offset = vg.Point{X: vg.Points(5), Y: vg.Points(3)}
			p.Add(lb)
		}
	}
	f.Notes = accuracyNotes(a)
	return f
}

// lineDashes tell the least-squares lines of several data sets apart.
var lineDashes = [][]vg.Length{
	{vg.Points(5), vg.Points(3)},
	{vg.Points(1.5), vg.Points(2)},
	{vg.Points(8), vg.Points(2), vg.Points(1.5), vg.Points(2)},
}

// formatP prints a p-value with two significant digits.
func formatP(p float64) string {
	switch {
	case p == 0:
		return "0"
	case p < 1e-3:
		return trimExp(p)
	}
	return fmt.Sprintf("%.2g", p)
}
