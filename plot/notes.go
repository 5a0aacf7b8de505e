package plot

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/intdim/intdim/study"
)

// maxNoted is the largest number of models, spectra or curves whose values
// a figure's Notes spell out; beyond it the notes stay general.
const maxNoted = 6

// profileNotes states what the profiles show, computed from their values:
// for each model, where the ID peaks, and the ID of the last hidden layer
// with its ratio to that layer's PC-ID and width.
func profileNotes(models []study.Model) string {
	if len(models) > maxNoted {
		return fmt.Sprintf("%d models; the tables below give every value.", len(models))
	}
	return strings.Join(ProfileNotes(models), " ")
}

// ProfileNotes returns one sentence per model saying what its profile
// shows, computed from its values: where the ID peaks, and the ID of the
// last hidden layer with its ratio to that layer's PC-ID and width.
func ProfileNotes(models []study.Model) []string {
	var parts []string
	for _, m := range models {
		if s := modelNote(m); s != "" {
			parts = append(parts, s)
		}
	}
	return parts
}

// modelNote is one model's sentence of profileNotes ("" if it has no
// finite ID).
func modelNote(m study.Model) string {
	peak := -1
	for i, l := range m.Layers {
		if finite(l.ID) && (peak < 0 || l.ID > m.Layers[peak].ID) {
			peak = i
		}
	}
	if peak < 0 {
		return ""
	}
	p := m.Layers[peak]
	h := m.LastHidden("")
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", m.Label())
	switch {
	case len(m.Layers) == 1:
		fmt.Fprintf(&b, "ID %s.", fmt3(p.ID))
		return b.String()
	case peak == 0:
		fmt.Fprintf(&b, "the ID is highest at the first layer, %s (%s)", p.Name, fmt3(p.ID))
	case peak == len(m.Layers)-1:
		fmt.Fprintf(&b, "the ID is highest at the last layer, %s (%s)", p.Name, fmt3(p.ID))
	case peak == h:
		fmt.Fprintf(&b, "the ID peaks at the last hidden layer, %s (%s)", p.Name, fmt3(p.ID))
	default:
		fmt.Fprintf(&b, "the ID peaks at %s (%s, relative depth %.2f)", p.Name, fmt3(p.ID), p.RelDepth)
	}
	if h > 0 && finite(m.Layers[h].ID) {
		l := m.Layers[h]
		if h != peak {
			fmt.Fprintf(&b, "; the last hidden layer, %s, has ID %s", l.Name, fmt3(l.ID))
		}
		var rel []string
		if l.PCID != nil && *l.PCID > 0 {
			rel = append(rel, fmt.Sprintf("%s of its PC-ID (%d)", ratio(l.ID, float64(*l.PCID)), *l.PCID))
		}
		if l.Dim > 0 {
			rel = append(rel, fmt.Sprintf("%s of its width (%d)", ratio(l.ID, float64(l.Dim)), l.Dim))
		}
		if len(rel) > 0 {
			b.WriteString(", " + strings.Join(rel, " and "))
		}
	}
	var failed []string
	for _, l := range m.Layers {
		if l.Failed() {
			failed = append(failed, l.Name)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(&b, "; no ID for %s (failed, see the table)", strings.Join(failed, ", "))
	}
	b.WriteString(".")
	return b.String()
}

// fmt3 writes an ID with 3 significant digits.
func fmt3(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }

// ratio writes a/b as a percentage ("24 %", "0.59 %").
func ratio(a, b float64) string {
	r := 100 * a / b
	if r >= 10 {
		return fmt.Sprintf("%.0f %%", r)
	}
	return fmt.Sprintf("%.2g %%", r)
}

// fitNotes states the fit: the slope and how many points it used.
func fitNotes(fd *FitData) string {
	return fmt.Sprintf("%s: slope (ID) %s, fitted on %d of %d points.", name(shortName(fd.Input), "the data"), fmt3(fd.ID), fd.NFit, fd.N)
}

// spectraNotes states each spectrum's PC-ID and the share of its first
// component.
func spectraNotes(specs []Spectrum) string {
	if len(specs) > maxNoted {
		return fmt.Sprintf("%d spectra.", len(specs))
	}
	var parts []string
	for _, sp := range specs {
		if len(sp.Ratio) == 0 {
			continue
		}
		cum, pcid := 0.0, 0
		for k, r := range sp.Ratio {
			cum += r
			if cum > 0.9 {
				pcid = k + 1
				break
			}
		}
		s := fmt.Sprintf("%s: the first component explains %s of the variance", name(sp.Name, "spectrum"), ratio(sp.Ratio[0], 1))
		if pcid > 0 {
			s += fmt.Sprintf(", %d of %d components explain 90 %%", pcid, len(sp.Ratio))
		}
		parts = append(parts, s+".")
	}
	return strings.Join(parts, " ")
}

// curveNotes states, for each curve, its ID at the smallest and the largest
// scale.
func curveNotes(curves []Curve, scale string) string {
	if len(curves) > maxNoted {
		return fmt.Sprintf("%d curves.", len(curves))
	}
	var parts []string
	for _, c := range curves {
		lo, hi := -1, -1
		for i := range c.X {
			if i < len(c.ID) && finite(c.X[i]) && finite(c.ID[i]) {
				if lo < 0 || c.X[i] < c.X[lo] {
					lo = i
				}
				if hi < 0 || c.X[i] > c.X[hi] {
					hi = i
				}
			}
		}
		if lo < 0 || lo == hi {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: ID %s at %s = %s, %s at %s = %s.", name(c.Name, "curve"),
			fmt3(c.ID[lo]), scale, fmtG(c.X[lo]), fmt3(c.ID[hi]), scale, fmtG(c.X[hi])))
	}
	return strings.Join(parts, " ")
}

// accuracyNotes states the correlations of the study.
func accuracyNotes(a *study.Accuracy) string {
	var parts []string
	for _, d := range a.ByDataset {
		if c := d.Pearson; c != nil {
			parts = append(parts, fmt.Sprintf("%s: r = %.3f, p = %.3g (%d networks).", d.Dataset, c.R, c.P, c.N))
		}
	}
	if c := a.Pearson; c != nil {
		what := ""
		if len(a.ByDataset) > 1 {
			what = "pooled: "
		}
		parts = append(parts, fmt.Sprintf("%sr = %.3f, p = %.3g (%d networks).", what, c.R, c.P, c.N))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d networks: too few for a correlation.", len(a.Networks))
	}
	return strings.Join(parts, " ")
}

// linearizeNotes states the two IDs at the smallest and the largest N.
func linearizeNotes(l *study.Linearization) string {
	k := len(l.Sizes) - 1
	if k < 1 || len(l.DataIDs) <= k || len(l.SurrogateIDs) <= k || math.IsNaN(l.DataIDs[0]) {
		return ""
	}
	return fmt.Sprintf("From N = %d to %d the data's ID goes from %s to %s, the surrogate's from %s to %s.",
		l.Sizes[0], l.Sizes[k], fmt3(l.DataIDs[0]), fmt3(l.DataIDs[k]), fmt3(l.SurrogateIDs[0]), fmt3(l.SurrogateIDs[k]))
}

func name(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
