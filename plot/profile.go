package plot

import (
	"math"

	"github.com/intdim/intdim/study"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Profile draws the ID of every layer against its relative depth, one curve
// with error bars per model (Ansuini et al. 2019, Figure 2), on the left;
// on the right, on a log axis, the same IDs next to the PC-ID (dashed, open
// markers) and the layer width, the embedding dimension (grey, dotted; one
// line for models of the same widths), which the ID stays orders of
// magnitude below. Layers at the same relative depth get a marker each, and
// the line goes through the last of them. method names the estimator on the
// axis ("twonn" if empty).
func Profile(models []study.Model, method string) *Figure {
	if method == "" {
		method = "twonn"
	}
	left := newPanel("Intrinsic dimension across layers", "relative depth", "ID ("+method+")")
	right := newPanel("ID, PC-ID and layer width", "relative depth", "dimension")
	logAxis(&right.Y)
	f := newFigure("profile", left, right)

	var idv, logv []float64
	anyPC := false
	var widths []plotter.XYs // distinct width lines drawn so far
	for i, m := range models {
		s := series{Name: m.Label()}
		var pc, dim series
		for _, l := range m.Layers {
			s.X = append(s.X, l.RelDepth)
			s.Y = append(s.Y, l.ID)
			e := math.NaN()
			if l.Err != nil {
				e = *l.Err
			}
			s.Err = append(s.Err, e)
			dim.X = append(dim.X, l.RelDepth)
			dim.Y = append(dim.Y, float64(l.Dim))
			if l.PCID != nil {
				pc.X = append(pc.X, l.RelDepth)
				pc.Y = append(pc.Y, float64(*l.PCID))
				anyPC = true
			}
		}
		thumbs := s.add(left, i, false, false)
		if thumbs == nil {
			continue
		}
		f.addLegend(s.Name, thumbs...)
		idv = append(idv, values(s)...)
		// Right panel: ID solid, PC-ID dashed with open markers, width faint.
		ls, gs := seriesStyle(i)
		ls.Dashes = nil
		if xy, _ := s.points(false, true); len(xy) > 0 {
			addLine(right, xy, ls, &gs)
		}
		if xy, _ := pc.points(false, true); len(xy) > 0 {
			pls := ls
			pls.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			pgs := gs
			pgs.Shape = openGlyph(i)
			addLine(right, xy, pls, &pgs)
		}
		if xy, _ := dim.points(false, true); len(xy) > 0 && !containsXYs(widths, xy) {
			widths = append(widths, xy)
			addLine(right, xy, widthStyle, nil)
		}
		logv = append(logv, s.Y...)
		logv = append(logv, pc.Y...)
		logv = append(logv, dim.Y...)
	}
	if len(idv) > 0 {
		left.Y.Min = 0
		left.Y.Max = maxOf(idv) * 1.08
	}
	left.X.Min, left.X.Max = -0.04, 1.04
	right.X.Min, right.X.Max = -0.04, 1.04
	logRange(&right.Y, logv...)
	if names, depths, ok := sharedLayers(models); ok {
		left.X.Tick.Marker = namedTicks{names, depths}
		right.X.Tick.Marker = namedTicks{names, depths}
		for _, p := range f.Panels {
			if len(names) > 8 {
				p.X.Tick.Label.Rotation = math.Pi / 6
				p.X.Tick.Label.XAlign = draw.XRight
			}
			p.X.Label.Text = "layer (at its relative depth)"
		}
	}
	// Style keys for the right panel.
	key := func(name string, ls draw.LineStyle, gs *draw.GlyphStyle) {
		xy := plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 1}}
		l, _ := plotter.NewLine(xy)
		l.LineStyle = ls
		th := []gplot.Thumbnailer{l}
		if gs != nil {
			sc, _ := plotter.NewScatter(xy)
			sc.GlyphStyle = *gs
			th = append(th, sc)
		}
		f.addLegend(name, th...)
	}
	// The right panel's line styles, in black where the panel draws them
	// in each model's colour; the widths are drawn as keyed.
	kls := draw.LineStyle{Color: black, Width: vg.Points(1.6)}
	kgs := draw.GlyphStyle{Color: black, Radius: vg.Points(3.2), Shape: draw.CircleGlyph{}}
	key("right panel: "+method+" ID (model's colour)", kls, &kgs)
	if anyPC {
		pls := kls
		pls.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		pgs := kgs
		pgs.Shape = draw.RingGlyph{}
		key("right panel: PC-ID, 90 % (model's colour)", pls, &pgs)
	}
	key("right panel: layer width", widthStyle, nil)
	f.Notes = profileNotes(models)
	return f
}

// widthStyle draws the layer widths (embedding dimensions).
var widthStyle = draw.LineStyle{Color: darkGrey, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(1), vg.Points(2)}}

// containsXYs reports whether one of lines has the points of xy.
func containsXYs(lines []plotter.XYs, xy plotter.XYs) bool {
	for _, l := range lines {
		if len(l) != len(xy) {
			continue
		}
		same := true
		for i := range l {
			same = same && l[i] == xy[i]
		}
		if same {
			return true
		}
	}
	return false
}

// addLine adds a line through xy and, if gs is not nil, markers.
func addLine(p *gplot.Plot, xy plotter.XYs, ls draw.LineStyle, gs *draw.GlyphStyle) {
	if lxy := lineXYs(xy); len(lxy) > 1 {
		l, err := plotter.NewLine(lxy)
		if err == nil {
			l.LineStyle = ls
			p.Add(l)
		}
	}
	if gs != nil {
		sc, err := plotter.NewScatter(xy)
		if err == nil {
			sc.GlyphStyle = *gs
			p.Add(sc)
		}
	}
}

// openGlyph is the hollow counterpart of series i's marker.
func openGlyph(i int) draw.GlyphDrawer {
	switch glyphs[i%len(glyphs)].(type) {
	case draw.SquareGlyph, draw.BoxGlyph:
		return draw.SquareGlyph{}
	case draw.TriangleGlyph, draw.PyramidGlyph:
		return draw.TriangleGlyph{}
	}
	return draw.RingGlyph{}
}

// sharedLayers reports whether every model has the same layer names at the
// same relative depths (at most 16 layers), and returns them.
func sharedLayers(models []study.Model) ([]string, []float64, bool) {
	if len(models) == 0 || len(models[0].Layers) == 0 || len(models[0].Layers) > 16 {
		return nil, nil, false
	}
	var names []string
	var depths []float64
	for _, l := range models[0].Layers {
		if l.Name == "" {
			return nil, nil, false
		}
		names = append(names, l.Name)
		depths = append(depths, l.RelDepth)
	}
	for _, m := range models[1:] {
		if len(m.Layers) != len(names) {
			return nil, nil, false
		}
		for j, l := range m.Layers {
			if l.Name != names[j] || l.RelDepth != depths[j] {
				return nil, nil, false
			}
		}
	}
	for j := 1; j < len(depths); j++ {
		if depths[j]-depths[j-1] < 0.03 {
			return nil, nil, false // labels would overlap
		}
	}
	return names, depths, true
}

// namedTicks puts the layer names at their relative depths.
type namedTicks struct {
	names  []string
	depths []float64
}

func (t namedTicks) Ticks(min, max float64) []gplot.Tick {
	ts := make([]gplot.Tick, len(t.names))
	for i := range t.names {
		ts[i] = gplot.Tick{Value: t.depths[i], Label: t.names[i]}
	}
	return ts
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		if finite(x) && x > m {
			m = x
		}
	}
	return m
}
