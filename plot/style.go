package plot

import (
	"image/color"
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Palette is the colour-blind-safe palette of Okabe & Ito (2008), in the
// order series get their colours (black is last: it is kept for fits and
// references).
var Palette = []color.Color{
	color.RGBA{0x00, 0x72, 0xB2, 0xff}, // blue
	color.RGBA{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	color.RGBA{0x00, 0x9E, 0x73, 0xff}, // bluish green
	color.RGBA{0xE6, 0x9F, 0x00, 0xff}, // orange
	color.RGBA{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	color.RGBA{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	color.RGBA{0xF0, 0xE4, 0x42, 0xff}, // yellow
	color.RGBA{0x00, 0x00, 0x00, 0xff}, // black
}

var (
	black = color.RGBA{A: 0xff}
	white = color.RGBA{0xff, 0xff, 0xff, 0xff}
	grey  = color.RGBA{0x99, 0x99, 0x99, 0xff}
	// darkGrey draws quantities common to all series (layer widths).
	darkGrey = color.RGBA{0x66, 0x66, 0x66, 0xff}
)

// sans is the font of all text: Liberation Sans, built into gonum/plot and
// metric-compatible with Arial and Helvetica.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// glyphs are the markers of successive series: filled ones first, then
// crosses; hollow ones last, as they also mark PC-IDs and discarded points.
var glyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{},
	draw.RingGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{},
}

// colour returns the colour of series i.
func colour(i int) color.Color { return Palette[i%len(Palette)] }

// seriesStyle returns the line and glyph style of series i: colour and
// marker both change, so series stay apart in greyscale print too. Lines are
// solid; dashes are kept for references and secondary quantities.
func seriesStyle(i int) (draw.LineStyle, draw.GlyphStyle) {
	c := colour(i)
	ls := draw.LineStyle{Color: c, Width: vg.Points(1.6)}
	gs := draw.GlyphStyle{Color: c, Radius: vg.Points(3.2), Shape: glyphs[i%len(glyphs)]}
	return ls, gs
}

// Font sizes in points.
const (
	titleSize  = 13
	labelSize  = 12
	tickSize   = 10
	legendSize = 10
)

// newPanel returns a plot with the house fonts, a light grid, and the given
// title and axis labels.
func newPanel(title, xlabel, ylabel string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, titleSize)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, labelSize)
		a.Tick.Label.Font = font.From(sans, tickSize)
		a.Tick.Marker = niceTicks{}
		a.Padding = vg.Points(2)
	}
	g := plotter.NewGrid()
	g.Vertical.Color = color.RGBA{0xe4, 0xe4, 0xe4, 0xff}
	g.Horizontal.Color = g.Vertical.Color
	g.Vertical.Width = vg.Points(0.5)
	g.Horizontal.Width = vg.Points(0.5)
	p.Add(g)
	return p
}

// logAxis turns a into a log axis with ticks at the powers of ten and, when
// the range is under two decades, at 2 and 5 times them.
func logAxis(a *gplot.Axis) {
	a.Scale = logScale{}
	a.Tick.Marker = logTicks{}
}

// niceTicks labels a linear axis at multiples of 1, 2 or 5 × 10ᵏ, chosen
// to give 4 to 8 labels, written with no more decimals than the step needs
// (0, 5, 10, 15 rather than 0.00 and 25.00).
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return gplot.DefaultTicks{}.Ticks(lo, hi)
	}
	step := niceStep(hi - lo)
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	var ticks []gplot.Tick
	for i := math.Ceil(lo/step - 1e-9); i*step <= hi+step*1e-9; i++ {
		v := i * step
		ticks = append(ticks, gplot.Tick{Value: v, Label: strconv.FormatFloat(v+0, 'f', decimals, 64)})
		if mid := v + step/2; mid < hi {
			ticks = append(ticks, gplot.Tick{Value: mid}) // minor tick
		}
	}
	return ticks
}

// niceStep returns the smallest of 1, 2, 5 × 10ᵏ that cuts span into at
// most 8 steps.
func niceStep(span float64) float64 {
	for e := math.Floor(math.Log10(span)) - 1; ; e++ {
		for _, m := range []float64{1, 2, 5} {
			if step := m * math.Pow(10, e); span/step <= 8 {
				return step
			}
		}
	}
}

// logTicks labels 1, 2, 5 × 10ᵏ on short ranges and 10ᵏ on long ones.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []gplot.Tick {
	if min <= 0 || max <= 0 || !(max >= min) {
		return nil
	}
	lo, hi := math.Floor(math.Log10(min)), math.Ceil(math.Log10(max))
	mult := []float64{1, 2, 5}
	if hi-lo > 3 {
		mult = []float64{1}
	}
	var ticks []gplot.Tick
	for e := lo; e <= hi; e++ {
		for m := 1.0; m < 10; m++ {
			v := m * math.Pow(10, e)
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			t := gplot.Tick{Value: v}
			for _, k := range mult {
				if m == k {
					t.Label = formatTick(v)
				}
			}
			ticks = append(ticks, t)
		}
	}
	if countLabels(ticks) < 2 {
		// A range inside one decade: fall back to linear ticks.
		return gplot.DefaultTicks{}.Ticks(min, max)
	}
	return ticks
}

func countLabels(ts []gplot.Tick) int {
	n := 0
	for _, t := range ts {
		if t.Label != "" {
			n++
		}
	}
	return n
}

// formatTick prints 1, 20, 500, 1000, 20000, then 1e5, 2e6; 0.5, 0.001,
// then 1e-4.
func formatTick(v float64) string {
	if v >= 1e5 || v < 1e-3 {
		return trimExp(v)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// logRange sets a log axis to span the positive values vals with a margin.
func logRange(a *gplot.Axis, vals ...float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if v > 0 && !math.IsInf(v, 0) {
			lo = math.Min(lo, v)
			hi = math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 1, 10
	}
	a.Min, a.Max = lo/1.25, hi*1.25
}

// logScale is gplot.LogScale, except at the arithmetic midpoint of the
// range, where it returns 0.5: gonum/plot reserves the room of a vertical
// axis label around Norm((min+max)/2), which on a log axis sits near the
// top and would push the panel down; the label itself is drawn at the
// centre. Axis ranges from logRange carry margins, so no data point falls
// exactly on that midpoint.
type logScale struct{}

func (logScale) Normalize(min, max, x float64) float64 {
	if x == 0.5*(min+max) {
		return 0.5
	}
	return gplot.LogScale{}.Normalize(min, max, x)
}
