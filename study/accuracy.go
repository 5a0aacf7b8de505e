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
	Data         string                `json:"data,omitempty"` // the images measured (the demo's "data")
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
// When the networks come from several data sets, ByDataset holds the
// correlation within each (Pearson pools them all).
type Accuracy struct {
	Kind      string               `json:"kind"`    // "accuracy-study"
	Version   int                  `json:"version"` // DocVersion (0 in files written before it)
	Method    string               `json:"method"`
	Seed      uint64               `json:"seed"`
	Points    int                  `json:"points,omitempty"` // test images per representation
	Resample  int                  `json:"resample,omitempty"`
	Fraction  float64              `json:"fraction,omitempty"`
	Networks  []Network            `json:"networks"`
	Pearson   *Correlation         `json:"pearson"` // nil when undefined
	ByDataset []DatasetCorrelation `json:"by_dataset,omitempty"`
	Warnings  []string             `json:"warnings"`
}

// DatasetCorrelation is the correlation among the networks of one data set
// (nil when undefined).
type DatasetCorrelation struct {
	Dataset string       `json:"dataset"`
	Pearson *Correlation `json:"pearson"`
}

// Datasets returns the distinct data sets of a.Networks in order of first
// appearance.
func (a *Accuracy) Datasets() []string {
	var ds []string
	seen := map[string]bool{}
	for _, n := range a.Networks {
		if !seen[n.Dataset] {
			seen[n.Dataset] = true
			ds = append(ds, n.Dataset)
		}
	}
	return ds
}

// Correlate sets a.Pearson from a.Networks, and a.ByDataset when they come
// from more than one data set, adding a warning for every correlation that
// fewer than three networks or constant values leave undefined.
func (a *Accuracy) Correlate() {
	a.Pearson = a.correlate("", true)
	a.ByDataset = nil
	if ds := a.Datasets(); len(ds) > 1 {
		for _, d := range ds {
			a.ByDataset = append(a.ByDataset, DatasetCorrelation{Dataset: d, Pearson: a.correlate(d, false)})
		}
	}
}

// correlate returns the correlation of the networks of data set d (all of
// them when all is true).
func (a *Accuracy) correlate(d string, all bool) *Correlation {
	var x, y []float64
	for _, n := range a.Networks {
		if all || n.Dataset == d {
			x = append(x, n.ID)
			y = append(y, 1-n.TestAccuracy)
		}
	}
	c, err := Pearson(x, y)
	if err != nil {
		what := "no correlation"
		if !all {
			what += " within " + d
		}
		a.Warnings = append(a.Warnings, what+": "+err.Error())
		return nil
	}
	return &c
}

// Merge returns the study made of the networks of every part, in order,
// with their correlations; settings are those of the first part.
func Merge(parts ...*Accuracy) *Accuracy {
	if len(parts) == 0 {
		panic("study: Merge of nothing")
	}
	m := *parts[0]
	m.Networks = nil
	m.Warnings = []string{}
	for _, p := range parts {
		m.Networks = append(m.Networks, p.Networks...)
	}
	m.Correlate()
	return &m
}

// FromModels builds the accuracy study from finished profiles: for every
// model with a test accuracy, the layer named layer (the last hidden layer
// when empty). Models without an accuracy or without that layer are errors.
func FromModels(models []Model, layer string) (*Accuracy, error) {
	a := &Accuracy{Kind: "accuracy-study", Version: DocVersion, Warnings: []string{}}
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
			Name: m.Name, Dataset: m.Data, TestAccuracy: *m.TestAccuracy,
			Layer: l.Name, ID: l.ID, Err: l.Err, Dim: l.Dim,
		})
	}
	a.Correlate()
	return a, nil
}
