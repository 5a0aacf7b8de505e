package plot

import (
	"math"

	"gonum.org/v1/plot/plotter"
)

// Spectrum is a normalised PCA spectrum: Ratio[k] is the fraction of the
// variance explained by component k + 1, in descending order (Result.Spectrum
// of the pca method).
type Spectrum struct {
	Name  string
	Ratio []float64
}

// Spectra draws normalised PCA spectra against the component index on
// log–log axes, one curve per layer or model, with the 90 % variance point
// (the PC-ID) marked. A spectrum without a gap, decaying as a power law, is
// what Ansuini et al. (2019, Figure 5A) see in every layer: PCA finds no
// low-dimensional linear subspace even where the ID is small.
func Spectra(specs []Spectrum) *Figure {
	p := newPanel("Normalised PCA spectrum", "principal component", "explained variance ratio")
	logAxis(&p.X)
	logAxis(&p.Y)
	f := newFigure("spectrum", p)
	var xs, ys []float64
	for i, sp := range specs {
		s := series{Name: sp.Name}
		cum, pcid := 0.0, 0
		for k, r := range sp.Ratio {
			s.X = append(s.X, float64(k+1))
			s.Y = append(s.Y, r)
			cum += r
			if pcid == 0 && cum > 0.9 {
				pcid = k + 1
			}
		}
		xy, _ := s.points(true, true)
		if len(xy) == 0 {
			continue
		}
		ls, gs := seriesStyle(i)
		addLine(p, xy, ls, nil)
		name := s.Name
		if pcid > 0 && pcid <= len(sp.Ratio) && sp.Ratio[pcid-1] > 0 {
			gs.Radius *= 1.4
			addLine(p, plotter.XYs{{X: float64(pcid), Y: sp.Ratio[pcid-1]}}, ls, &gs)
			name += " (PC-ID " + fmtG(float64(pcid)) + ")"
		}
		thumb := lineThumb(ls)
		f.addLegend(name, thumb)
		for _, q := range xy {
			xs = append(xs, q.X)
			ys = append(ys, q.Y)
		}
	}
	logRange(&p.X, xs...)
	p.X.Min = math.Max(p.X.Min, 0.8)
	logRange(&p.Y, ys...)
	f.Notes = spectraNotes(specs)
	return f
}
