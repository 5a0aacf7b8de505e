package plot

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/result"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ImbalanceCurves are the information imbalances of every layer of one
// network against its input (first layer) and output (last layer), the
// "delta_*" fields of a profile document (profile --imbalance), against
// relative depth. A nil value is missing.
type ImbalanceCurves struct {
	Name          string // the network, or empty
	Input, Output string // the layers the imbalances are measured against
	Layers        []string
	RelDepth      []float64
	// ToInput[i] is Δ(layer i → input), FromInput[i] Δ(input → layer i),
	// ToOutput and FromOutput likewise against the output.
	ToInput, FromInput, ToOutput, FromOutput []*float64
}

// imbalanceOf returns the imbalance curves of a profile document, nil when
// it has none; an error when a value is not finite and ≥ 0.
func imbalanceOf(d Doc) (*ImbalanceCurves, error) {
	var doc result.Profile
	if err := json.Unmarshal(d.Data, &doc); err != nil || doc.Profile == nil || doc.ImbalanceInput == "" {
		return nil, nil // Models has said what is wrong with the document
	}
	name := doc.Model
	if name == "" {
		name = baseName(d.Name)
	}
	return imbalanceCurves(name, doc.ImbalanceInput, doc.ImbalanceOutput, doc.Layers)
}

// imbalanceCurves reads the imbalances of layers.
func imbalanceCurves(name, in, out string, layers []profile.LayerResult) (*ImbalanceCurves, error) {
	c := &ImbalanceCurves{Name: name, Input: in, Output: out}
	for _, l := range layers {
		for _, v := range []*float64{l.DeltaToInput, l.DeltaFromInput, l.DeltaToOutput, l.DeltaFromOutput} {
			if v != nil && !(*v >= 0 && !math.IsInf(*v, 0)) {
				return nil, fmt.Errorf("imbalance of layer %s: %g is not a finite value ≥ 0", l.Name, *v)
			}
		}
		c.Layers = append(c.Layers, l.Name)
		c.RelDepth = append(c.RelDepth, l.RelDepth)
		c.ToInput = append(c.ToInput, l.DeltaToInput)
		c.FromInput = append(c.FromInput, l.DeltaFromInput)
		c.ToOutput = append(c.ToOutput, l.DeltaToOutput)
		c.FromOutput = append(c.FromOutput, l.DeltaFromOutput)
	}
	return c, nil
}

// Imbalance draws, per network, the information imbalances (Glielmo et al.
// 2022, rank 1, package geometry) of every layer against the input and
// the output over relative depth: Δ(layer→input) and Δ(input→layer) in one
// colour, Δ(layer→output) and Δ(output→layer) in another, the layer as the
// source solid with filled markers and as the target dashed with open
// ones. Δ(A→B) near 0 means A's nearest neighbours are B's (A predicts B);
// about 1 means unrelated; the y axis runs from 0 to at least 1.
func Imbalance(cs []ImbalanceCurves) *Figure {
	var panels []*gplot.Plot
	type curve struct {
		name   string
		of     func(c ImbalanceCurves) []*float64
		colour int
		target bool
	}
	curves := []curve{
		{"Δ(layer→input)", func(c ImbalanceCurves) []*float64 { return c.ToInput }, 0, false},
		{"Δ(input→layer)", func(c ImbalanceCurves) []*float64 { return c.FromInput }, 0, true},
		{"Δ(layer→output)", func(c ImbalanceCurves) []*float64 { return c.ToOutput }, 1, false},
		{"Δ(output→layer)", func(c ImbalanceCurves) []*float64 { return c.FromOutput }, 1, true},
	}
	thumbs := make([][]gplot.Thumbnailer, len(curves))
	for _, c := range cs {
		title := "Information imbalance"
		if c.Name != "" {
			title = c.Name + ": information imbalance"
		}
		p := newPanel(title, "relative depth", "Δ (0: predicts, 1: unrelated)")
		top := 1.0
		for k, cv := range curves {
			var xy plotter.XYs
			for i, v := range cv.of(c) {
				if v != nil && i < len(c.RelDepth) && finite(c.RelDepth[i]) {
					xy = append(xy, plotter.XY{X: c.RelDepth[i], Y: *v})
					top = max(top, *v)
				}
			}
			if len(xy) == 0 {
				continue
			}
			ls, gs := seriesStyle(cv.colour)
			if cv.target {
				ls.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
				gs.Shape = openGlyph(cv.colour)
			}
			addLine(p, xy, ls, &gs)
			if thumbs[k] == nil {
				thumbs[k] = []gplot.Thumbnailer{lineThumb(ls), glyphThumb(gs)}
			}
		}
		p.Y.Min, p.Y.Max = 0, top*1.05
		p.X.Min, p.X.Max = -0.02, 1.02
		panels = append(panels, p)
	}
	f := newFigure("imbalance", panels...)
	for k, cv := range curves {
		if thumbs[k] != nil {
			f.addLegend(cv.name, thumbs[k]...)
		}
	}
	f.Notes = imbalanceNotes(cs)
	return f
}

// glyphThumb is a legend thumbnail of one marker.
type glyphThumb draw.GlyphStyle

func (g glyphThumb) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(draw.GlyphStyle(g), c.Center())
}

// imbalanceNotes says, per network, which layer predicts the output best
// (lowest Δ(layer→output)) and the imbalance of input and output both ways.
func imbalanceNotes(cs []ImbalanceCurves) string {
	var notes []string
	for _, c := range cs {
		n := len(c.Layers)
		if n < 2 {
			continue
		}
		name := c.Name
		if name == "" {
			name = "the layers"
		}
		var parts []string
		if a, b := c.ToOutput[0], c.FromOutput[0]; a != nil && b != nil {
			parts = append(parts, fmt.Sprintf("Δ(input→output) is %s and Δ(output→input) %s", fmt3(*a), fmt3(*b)))
		}
		lo, at := math.Inf(1), -1
		for i := 0; i+1 < n; i++ {
			if v := c.ToOutput[i]; v != nil && *v < lo {
				lo, at = *v, i
			}
		}
		if at >= 0 {
			parts = append(parts, fmt.Sprintf("of the layers before the output, %s predicts it best (Δ = %s)", c.Layers[at], fmt3(lo)))
		}
		if len(parts) > 0 {
			notes = append(notes, fmt.Sprintf("In %s (input %s, output %s), %s.", name, c.Input, c.Output, strings.Join(parts, "; ")))
		}
	}
	return strings.Join(notes, " ")
}
