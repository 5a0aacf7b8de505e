package plot

import (
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// series is one curve: points (X[i], Y[i]) with an optional symmetric error
// Err[i] (NaN or a nil slice for none).
type series struct {
	Name string
	X, Y []float64
	Err  []float64
}

// errXYs carries points and their Y errors for plotter.NewYErrorBars.
type errXYs struct {
	plotter.XYs
	plotter.YErrors
}

// errXs carries points and their X errors for plotter.NewXErrorBars.
type errXs struct {
	plotter.XYs
	plotter.XErrors
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// points returns the finite points of s (positive coordinates only on log
// axes) and their errors, clipped on a log axis so that bars stay above 0.
func (s series) points(logX, logY bool) (plotter.XYs, plotter.YErrors) {
	var xy plotter.XYs
	var ye plotter.YErrors
	for i := range s.X {
		x, y := s.X[i], s.Y[i]
		if !finite(x) || !finite(y) || (logX && x <= 0) || (logY && y <= 0) {
			continue
		}
		e := 0.0
		if i < len(s.Err) && finite(s.Err[i]) {
			e = math.Abs(s.Err[i])
		}
		lo := e
		if logY && lo > 0.9*y {
			lo = 0.9 * y
		}
		xy = append(xy, plotter.XY{X: x, Y: y})
		ye = append(ye, struct{ Low, High float64 }{lo, e})
	}
	return xy, ye
}

// add draws s on p in the style of series number i: a line through the
// points, markers, and error bars where there are errors. It returns the
// legend thumbnails (nil if s has no drawable point).
func (s series) add(p *gplot.Plot, i int, logX, logY bool) []gplot.Thumbnailer {
	xy, ye := s.points(logX, logY)
	if len(xy) == 0 {
		return nil
	}
	ls, gs := seriesStyle(i)
	var thumbs []gplot.Thumbnailer
	if lxy := lineXYs(xy); len(lxy) > 1 {
		l, err := plotter.NewLine(lxy)
		if err == nil {
			l.LineStyle = ls
			p.Add(l)
			thumbs = append(thumbs, l)
		}
	}
	sc, err := plotter.NewScatter(xy)
	if err == nil {
		sc.GlyphStyle = gs
		p.Add(sc)
		thumbs = append(thumbs, sc)
	}
	hasErr := false
	for _, e := range ye {
		if e.Low > 0 || e.High > 0 {
			hasErr = true
		}
	}
	if hasErr {
		eb, err := plotter.NewYErrorBars(errXYs{xy, ye})
		if err == nil {
			eb.LineStyle = draw.LineStyle{Color: ls.Color, Width: ls.Width * 0.8}
			p.Add(eb)
		}
	}
	return thumbs
}

// lineXYs returns the points a line joins: of a run of points at the same
// x (layers at one relative depth, such as a convolution and its ReLU), only
// the last, so that no vertical segment joins them (it would read as an
// error bar); markers still show every point.
func lineXYs(xy plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, 0, len(xy))
	for i, p := range xy {
		if i+1 < len(xy) && xy[i+1].X == p.X {
			continue
		}
		out = append(out, p)
	}
	return out
}

// values returns every finite y ± err of the given series, for axis ranges.
func values(ss ...series) []float64 {
	var v []float64
	for _, s := range ss {
		for i, y := range s.Y {
			if !finite(y) {
				continue
			}
			v = append(v, y)
			if i < len(s.Err) && finite(s.Err[i]) {
				v = append(v, y+math.Abs(s.Err[i]))
			}
		}
	}
	return v
}

// lineThumb returns a legend thumbnail drawing a line in style ls.
func lineThumb(ls draw.LineStyle) gplot.Thumbnailer {
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		panic("plot: " + err.Error())
	}
	l.LineStyle = ls
	return l
}
