package plot

import (
	"math"

	"github.com/intdim/intdim/study"
)

// Curve is an ID against a scale: X[i] is the number of points or the
// neighbour rank, ID[i] the estimate there and Err[i] its error (NaN or a
// nil slice for none).
type Curve struct {
	Name string
	X    []float64
	ID   []float64
	Err  []float64
}

// Scale draws ID against the number of points (block analysis,
// decimation), with error bars, on a log x axis. A plateau is the range of
// scales where the ID is well defined; a rise at small N is the estimator's
// bias.
func Scale(curves []Curve) *Figure {
	f := curveFigure("scale", "Intrinsic dimension against the number of points", "number of points N", curves)
	f.Notes = curveNotes(curves, "N")
	return f
}

// Ranks draws ID against the neighbour rank n₂ of GRIDE (Denti et al.
// 2022), with error bars, on a log x axis: the ID at growing length scales.
func Ranks(curves []Curve) *Figure {
	f := curveFigure("scale-rank", "Intrinsic dimension against neighbour rank", "neighbour rank n₂", curves)
	f.Notes = curveNotes(curves, "n₂")
	return f
}

// Linearized draws Figure 5B of Ansuini et al. (2019): the TwoNN ID of the
// data and of its linearized surrogate (a Gaussian with the same mean and
// covariance) against the number of points. The surrogate's ID grows with
// N; a curved manifold's stays flat.
func Linearized(l *study.Linearization) *Figure {
	x := make([]float64, len(l.Sizes))
	for i, s := range l.Sizes {
		x[i] = float64(s)
	}
	name := shortName(l.Input)
	if name == "" {
		name = "data"
	}
	f := curveFigure("linearize", "Data against its linearized surrogate", "number of points N", []Curve{
		{Name: name, X: x, ID: l.DataIDs, Err: l.DataErrs},
		{Name: "Gaussian, same covariance", X: x, ID: l.SurrogateIDs, Err: l.SurrogateErrs},
	})
	f.Notes = linearizeNotes(l)
	return f
}

func curveFigure(kind, title, xlabel string, curves []Curve) *Figure {
	p := newPanel(title, xlabel, "intrinsic dimension")
	logAxis(&p.X)
	f := newFigure(kind, p)
	var xs, ys []float64
	for i, c := range curves {
		s := series{Name: c.Name, X: c.X, Y: c.ID, Err: c.Err}
		if th := s.add(p, i, true, false); th != nil {
			f.addLegend(s.Name, th...)
		}
		xs = append(xs, c.X...)
		ys = append(ys, values(s)...)
	}
	logRange(&p.X, xs...)
	if len(ys) > 0 {
		p.Y.Min = math.Min(0, minOf(ys))
		p.Y.Max = maxOf(ys) * 1.08
	}
	return f
}

func minOf(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		if finite(x) && x < m {
			m = x
		}
	}
	return m
}
