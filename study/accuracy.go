package study

import (
	"fmt"

	"github.com/intdim/intdim/profile"
)

// Model is one network's ID profile and, if known, its test accuracy: the
// JSON of 'intdim profile' (with an optional "test_accuracy" or "accuracy"
// added by the user) or one entry of the "models" list of the demo's JSON.
type Model struct {
	Name         string                `json:"name"`
	TestAccuracy *float64              `json:"test_accuracy,omitempty"`
	Method       string                `json:"method,omitempty"`
	Seed         uint64                `json:"seed,omitempty"`
	Layers       []profile.LayerResult `json:"layers"`
}

// Label is the legend text of m: its name and test accuracy if known.
func (m Model) Label() string {
	name := m.Name
	if name == "" {
		name = "model"
	}
	if m.TestAccuracy != nil {
		return fmt.Sprintf("%s (%.1f %%)", name, 100**m.TestAccuracy)
	}
	return name
}

// LastHidden returns the index of m's last hidden layer: the layer before the
// output (the last layer), or the only layer of a one-layer profile. With a
// non-empty name it returns the layer of that name instead, or −1.
func (m Model) LastHidden(name string) int {
	if name != "" {
		for i, l := range m.Layers {
			if l.Name == name {
				return i
			}
		}
		return -1
	}
	switch len(m.Layers) {
	case 0:
		return -1
	case 1:
		return 0
	}
	return len(m.Layers) - 2
}

// Network is one point of the accuracy study: a network, its test accuracy,
// and the ID of its last hidden layer.
type Network struct {
	Name         string   `json:"name"`
	Family       string   `json:"family,omitempty"` // e.g. mlp or cnn
	Dataset      string   `json:"dataset,omitempty"`
	Width        int      `json:"width,omitempty"`
	Depth        int      `json:"depth,omitempty"`
	Epochs       int      `json:"epochs,omitempty"`
	Params       int      `json:"params,omitempty"`
	TestAccuracy float64  `json:"test_accuracy"`
	Layer        string   `json:"layer"` // the layer measured
	ID           float64  `json:"id"`
	Err          *float64 `json:"err"`
	Dim          int      `json:"dim"`
	Source       string   `json:"source,omitempty"` // file it was read from
}

// Accuracy is the accuracy study of Ansuini et al. (2019, Figure 4): the
// last-hidden-layer ID of many networks against their test error, in the
// JSON shape of 'intdim study accuracy'. Pearson correlates ID (x) with test
// error = 1 − accuracy (y), so that, as in the paper (r = 0.94 over 14
// ImageNet networks), a positive r means a lower ID goes with fewer errors.
type Accuracy struct {
	Kind     string       `json:"kind"` // "accuracy-study"
	Method   string       `json:"method"`
	Seed     uint64       `json:"seed"`
	Points   int          `json:"points,omitempty"` // test images per representation
	Resample int          `json:"resample,omitempty"`
	Fraction float64      `json:"fraction,omitempty"`
	Networks []Network    `json:"networks"`
	Pearson  *Correlation `json:"pearson"` // nil when undefined
	Warnings []string     `json:"warnings"`
}

// Correlate sets a.Pearson from a.Networks, or adds a warning when fewer than
// three networks or constant values leave it undefined.
func (a *Accuracy) Correlate() {
	x := make([]float64, len(a.Networks))
	y := make([]float64, len(a.Networks))
	for i, n := range a.Networks {
		x[i] = n.ID
		y[i] = 1 - n.TestAccuracy
	}
	a.Pearson = nil
	c, err := Pearson(x, y)
	if err != nil {
		a.Warnings = append(a.Warnings, "no correlation: "+err.Error())
		return
	}
	a.Pearson = &c
}

// FromModels builds the accuracy study from finished profiles: for every
// model with a test accuracy, the layer named layer (the last hidden layer
// when empty). Models without an accuracy or without that layer are errors.
func FromModels(models []Model, layer string) (*Accuracy, error) {
	a := &Accuracy{Kind: "accuracy-study", Warnings: []string{}}
	for _, m := range models {
		if m.TestAccuracy == nil {
			return nil, fmt.Errorf("model %q has no test accuracy", m.Name)
		}
		if acc := *m.TestAccuracy; !(acc >= 0 && acc <= 1) {
			return nil, fmt.Errorf("model %q: test accuracy %g is not in [0, 1]", m.Name, acc)
		}
		i := m.LastHidden(layer)
		if i < 0 {
			if layer != "" {
				return nil, fmt.Errorf("model %q has no layer %q", m.Name, layer)
			}
			return nil, fmt.Errorf("model %q has no layers", m.Name)
		}
		l := m.Layers[i]
		if a.Method == "" {
			a.Method, a.Seed = m.Method, m.Seed
		}
		a.Networks = append(a.Networks, Network{
			Name: m.Name, TestAccuracy: *m.TestAccuracy,
			Layer: l.Name, ID: l.ID, Err: l.Err, Dim: l.Dim,
		})
	}
	a.Correlate()
	return a, nil
}
