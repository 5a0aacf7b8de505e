package plot

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/intdim/intdim/nn"
)

// Training draws the ID of every layer against the training epoch from the
// log of 'intdim train --track-id' (nn.Log): one curve per layer, the
// epochs fractional inside the first (Ansuini et al. 2019, Figure 5A, the
// ID of the last hidden layers during training). It returns an error if no
// row of the log has IDs.
func Training(lg *nn.Log) (*Figure, error) {
	p := newPanel("Intrinsic dimension during training", "epoch", "intrinsic dimension")
	f := newFigure("training", p)
	var ys, xs []float64
	var curves []Curve
	for i, name := range lg.Layers {
		c := Curve{Name: name}
		for _, r := range lg.Rows {
			if v, ok := r.IDs[name]; ok && finite(v) && finite(r.Epoch) {
				c.X = append(c.X, r.Epoch)
				c.ID = append(c.ID, v)
			}
		}
		if len(c.X) == 0 {
			continue
		}
		s := series{Name: c.Name, X: c.X, Y: c.ID}
		if th := s.add(p, i, false, false); th != nil {
			f.addLegend(s.Name, th...)
		}
		curves = append(curves, c)
		xs = append(xs, c.X...)
		ys = append(ys, c.ID...)
	}
	if len(curves) == 0 {
		return nil, ErrNoTrackedIDs
	}
	p.X.Min, p.X.Max = math.Min(0, minOf(xs)), maxOf(xs)*1.02
	p.Y.Min, p.Y.Max = 0, maxOf(ys)*1.08
	f.Notes = trainingNotes(lg, curves)
	return f, nil
}

// trainingNotes states, for each layer, its ID at the first and the last
// logged point, and the last test accuracy.
func trainingNotes(lg *nn.Log, curves []Curve) string {
	var parts []string
	if len(curves) <= maxNoted*2 {
		for _, c := range curves {
			k := len(c.X) - 1
			parts = append(parts, fmt.Sprintf("%s %s → %s", c.Name, fmt3(c.ID[0]), fmt3(c.ID[k])))
		}
	}
	s := ""
	if len(parts) > 0 {
		first, last := curves[0].X[0], curves[0].X[len(curves[0].X)-1]
		s = fmt.Sprintf("ID from epoch %s to %s: %s.", fmtG(first), fmtG(last), strings.Join(parts, ", "))
	}
	if n := len(lg.Rows); n > 0 {
		s += fmt.Sprintf(" Test accuracy after epoch %s: %.2f %%.", fmtG(lg.Rows[n-1].Epoch), 100*lg.Rows[n-1].TestAcc)
	}
	return strings.TrimSpace(s)
}

// ErrNoTrackedIDs: a training log without IDs (nn.RunConfig.TrackN was 0)
// has no curve to draw.
var ErrNoTrackedIDs = errors.New("the log has no IDs (none were tracked during training)")
