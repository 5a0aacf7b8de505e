package plot

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// OverlapMatrix is the layer × layer neighbourhood overlap of one network
// (the "overlap" of a profile document, with its "overlap_k"): Values[i][j]
// in [0, 1], nil where there is none (a failed layer).
type OverlapMatrix struct {
	Name   string // the network, or empty
	Layers []string
	K      int
	Values [][]*float64
}

// overlapLevels is the number of colours of the heat map's palette.
const overlapLevels = 64

// overlapPalette maps [0, 1] from dark (neighbourhoods unrelated) to light
// (the same neighbourhoods): Moreland's black-body map, which is
// perceptually ordered and stays ordered in greyscale.
func overlapPalette() palette.Palette {
	m := moreland.BlackBody()
	m.SetMin(0)
	m.SetMax(1)
	return m.Palette(overlapLevels)
}

// overlapGrid is an OverlapMatrix as a plotter.GridXYZ: column c and row r
// are layers c and r, at x = c and y = r; a missing value is NaN.
type overlapGrid [][]*float64

func (g overlapGrid) Dims() (c, r int)   { return len(g), len(g) }
func (g overlapGrid) X(c int) float64    { return float64(c) }
func (g overlapGrid) Y(r int) float64    { return float64(r) }
func (g overlapGrid) Z(c, r int) float64 { return value(g[r][c]) }

func value(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

// Overlap draws each matrix as a heat map, one panel per network, layers
// by index on both axes (names when few), on one colour scale from 0 to 1
// whose levels are in the legend (1 is white); missing entries are grey. The
// neighbourhood overlap χ_k(A, B) (Valeriani et al. 2023, package
// geometry) is 1 where two layers give every point the same k nearest
// neighbours and about k/(N − 1) where they are unrelated.
func Overlap(ms []OverlapMatrix) *Figure {
	var panels []*gplot.Plot
	pal := overlapPalette()
	for _, m := range ms {
		title := fmt.Sprintf("Neighbourhood overlap (k = %d)", m.K)
		if m.Name != "" {
			title = m.Name + ": overlap (k = " + strconv.Itoa(m.K) + ")"
		}
		p := newPanel(title, "layer", "layer")
		h := plotter.NewHeatMap(overlapGrid(m.Values), pal)
		h.Min, h.Max, h.NaN = 0, 1, grey
		p.Add(h)
		n := len(m.Values)
		for _, a := range []*gplot.Axis{&p.X, &p.Y} {
			a.Min, a.Max = -0.5, float64(n)-0.5
			a.Tick.Marker = layerTicks(m.Layers, n)
		}
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		panels = append(panels, p)
	}
	f := newFigure("overlap", panels...)
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		f.addLegend(strconv.FormatFloat(v, 'f', 2, 64), swatch{pal.Colors()[min(int(v*overlapLevels), overlapLevels-1)]})
	}
	f.Notes = overlapNotes(ms)
	return f
}

// layerTicks labels every layer by name when there are at most 12, else
// by index at a readable step.
func layerTicks(names []string, n int) gplot.ConstantTicks {
	step := 1
	if n > 12 {
		step = int(math.Ceil(float64(n) / 10))
	}
	var t gplot.ConstantTicks
	for i := 0; i < n; i += step {
		label := strconv.Itoa(i)
		if n <= 12 && i < len(names) && names[i] != "" {
			label = names[i]
		}
		t = append(t, gplot.Tick{Value: float64(i), Label: label})
	}
	return t
}

// swatch is a legend thumbnail filled with one colour, outlined (white
// stays visible).
type swatch struct{ c color.Color }

func (s swatch) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	c.FillPolygon(s.c, c.ClipPolygonXY(pts))
	c.StrokeLines(draw.LineStyle{Color: darkGrey, Width: vg.Points(0.5)}, c.ClipLinesXY(append(pts, pts[0]))...)
}

// overlapNotes says, per network, the overlap of each layer with the next
// at its lowest and between the first and the last layer.
func overlapNotes(ms []OverlapMatrix) string {
	var notes []string
	for _, m := range ms {
		n := len(m.Values)
		if n < 2 {
			continue
		}
		lo, at := math.Inf(1), -1
		for i := 0; i+1 < n; i++ {
			if v := value(m.Values[i][i+1]); v < lo {
				lo, at = v, i
			}
		}
		name := m.Name
		if name == "" {
			name = "the layers"
		}
		s := fmt.Sprintf("In %s, the overlap of the first and the last layer is %s", name, fmt3(value(m.Values[0][n-1])))
		if at >= 0 {
			s += fmt.Sprintf("; of consecutive layers it is lowest (%s) between %s and %s", fmt3(lo), layerName(m, at), layerName(m, at+1))
		}
		notes = append(notes, s+".")
	}
	return strings.Join(notes, " ")
}

func layerName(m OverlapMatrix, i int) string {
	if i < len(m.Layers) && m.Layers[i] != "" {
		return m.Layers[i]
	}
	return "layer " + strconv.Itoa(i)
}
