package study

import (
	"fmt"
	"math"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/data/mnist"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/nn/zoo"
	"github.com/intdim/intdim/profile"
)

// DemoRun is one network of the demo: a built-in network (zoo.Names), the
// test set it is measured on (mnist.TestNames) and whether its weights are
// replaced by a fresh initialisation.
type DemoRun struct {
	Name, Model, Data string
	Untrained         bool
}

// DemoRuns are the demo's networks: the paper's MNIST network trained on
// mnist, mnist-shuffled and mnist-offset (see docs/training.md), and
// untrained.
var DemoRuns = []DemoRun{
	{"mnist", "mnist", "mnist-test", false},
	{"mnist-shuffled", "mnist-shuffled", "mnist-test", false},
	{"mnist-offset", "mnist-offset", "mnist-offset-test", false},
	{"untrained", "mnist", "mnist-test", true},
}

// DemoSpectrumLayers are the layers of the trained mnist network whose PCA
// spectra the demo records.
var DemoSpectrumLayers = []string{"input", "pool1", "pool2", "d1"}

// DemoModel is one network of the demo, in demo.json.
type DemoModel struct {
	Name         string                `json:"name"`
	TestAccuracy float64               `json:"test_accuracy"`
	Data         string                `json:"data"` // the images the layers were measured on
	Layers       []profile.LayerResult `json:"layers"`
	// Overlap is the layer × layer neighbourhood overlap with OverlapK
	// neighbours (profile.Builder.Overlap), for the runs in DemoOverlap.
	Overlap  [][]*float64 `json:"overlap,omitempty"`
	OverlapK int          `json:"overlap_k,omitempty"`
	// ImbalanceInput and ImbalanceOutput name the layers the information
	// imbalances of every layer (its rows' delta_* fields;
	// profile.Builder.Imbalance) are measured against, for the runs in
	// DemoOverlap; empty for the others.
	ImbalanceInput  string `json:"imbalance_input,omitempty"`
	ImbalanceOutput string `json:"imbalance_output,omitempty"`
}

// DemoOverlap names the runs whose layer × layer neighbourhood overlap the
// demo records (k = DemoOverlapK), from each layer's one neighbour search.
var DemoOverlap = []string{"mnist", "mnist-shuffled"}

// DemoOverlapK is the number of neighbours of the demo's overlaps.
const DemoOverlapK = 30

// LayerSpectrum is the normalised PCA spectrum of one layer: Ratio[k] is
// the fraction of the variance explained by component k + 1 (z-scored
// columns, as PC-ID; estimate.PCID).
type LayerSpectrum struct {
	Model string    `json:"model"`
	Layer string    `json:"layer"`
	PCID  int       `json:"pc_id"`
	Ratio []float64 `json:"ratio"`
}

// Fit is a TwoNN fit diagnostic (Facco et al. 2017): X[i] = log μ₍ᵢ₎ of the
// sorted ratios and Y[i] = −log(1 − i/N), without the last point (where Y
// is infinite); the first NFit points were fitted by a line through the
// origin of slope ID. It is the JSON of 'intdim plot --fit' without its kind.
type Fit struct {
	Input string    `json:"input"`
	ID    float64   `json:"id"`
	N     int       `json:"n"`
	NFit  int       `json:"n_fit"`
	X     []float64 `json:"x"`
	Y     []float64 `json:"y"`
}

// NewFit returns the diagnostic of a fit of input, leaving out the points
// that are not finite (the last, at Y = +Inf).
func NewFit(input string, f *estimate.TwoNNFit) Fit {
	fd := Fit{Input: input, ID: f.ID, N: f.N, NFit: f.NFit, X: []float64{}, Y: []float64{}}
	for i := range f.X {
		if i < len(f.Y) && finite(f.X[i]) && finite(f.Y[i]) {
			fd.X = append(fd.X, f.X[i])
			fd.Y = append(fd.Y, f.Y[i])
		} else if i < f.NFit {
			fd.NFit--
		}
	}
	return fd
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Demo is the outcome of RunDemo, demo.json: the ID profile of every
// network, and the paper's other evidence on the same images, the PCA
// spectra of the trained network's layers and the TwoNN fit of each input.
type Demo struct {
	Method   string          `json:"method"`
	N        int             `json:"n"`
	Resample int             `json:"resample"`
	Fraction float64         `json:"fraction"`
	Seed     uint64          `json:"seed"`
	Models   []DemoModel     `json:"models"`
	Spectra  []LayerSpectrum `json:"spectra,omitempty"`
	Fits     []Fit           `json:"fits,omitempty"`
}

// DemoOptions configures RunDemo. Zero fields take the defaults noted.
type DemoOptions struct {
	N        int     // first N test images; 0 means 2000
	Resample int     // error bars from this many subsets; 0 means none
	Fraction float64 // size of each subset; 0 means 0.9
	Seed     uint64  // resampling and the untrained network's weights
	// Progress, if not nil, is called after every step (a layer, a
	// spectrum or a fit) with the steps done, their total and the step.
	Progress func(done, total int, step string)
}

// RunDemo measures the TwoNN ID (with error bars over o.Resample subsets)
// and the PC-ID of every layer of every network of DemoRuns on the first o.N
// images of its test set, the PCA spectra of DemoSpectrumLayers of the
// trained network, and the TwoNN fit of every distinct input (Ansuini et
// al. 2019, Figures 2, 3 and 5A; Facco et al. 2017, Figure 1).
func RunDemo(o DemoOptions) (*Demo, error) {
	if o.N == 0 {
		o.N = 2000
	}
	if o.Fraction == 0 {
		o.Fraction = estimate.DefaultFraction
	}
	if o.N < 3 || o.N > 10000 || o.Resample < 0 || !(o.Fraction > 0 && o.Fraction <= 1) {
		return nil, fmt.Errorf("demo: %d images, %d resamplings of a fraction %g (want 3 to 10000 images, a fraction in (0, 1])", o.N, o.Resample, o.Fraction)
	}
	opt := &estimate.Options{Resample: o.Resample, Fraction: o.Fraction, Seed: o.Seed}
	d := &Demo{Method: "twonn", N: o.N, Resample: o.Resample, Fraction: o.Fraction, Seed: o.Seed}
	inputs := map[string]bool{}
	for _, r := range DemoRuns {
		inputs[r.Data] = true
	}
	// Steps: the 7 layers of the paper's network per run, the spectra and
	// one fit per distinct input.
	total := 7*len(DemoRuns) + len(DemoSpectrumLayers) + len(inputs)
	done := 0
	step := func(what string) {
		done++
		if o.Progress != nil {
			o.Progress(done, total, what)
		}
	}
	fitted := map[string]bool{}
	for _, r := range DemoRuns {
		m, err := zoo.Open(r.Model)
		if err != nil {
			return nil, err
		}
		set, err := mnist.TestSet(r.Data)
		if err != nil {
			return nil, err
		}
		if r.Untrained {
			m.Untrain(o.Seed)
		}
		acc := m.Accuracy(set)
		layers, err := m.Layers(set, o.N)
		if err != nil {
			return nil, err
		}
		b := profile.New(opt)
		geo := contains(DemoOverlap, r.Name) && o.N > DemoOverlapK
		if geo {
			// The overlap's lists (k = 30) serve the imbalances too; the
			// rows are kept for the ranks beyond them.
			b.Overlap(DemoOverlapK, nil)
			b.Imbalance(func(i int) (*cloud.Matrix, func(), error) { return layers[i].Points, func() {}, nil })
		}
		for i := range layers {
			l := layers[i]
			if !geo {
				layers[i].Points = nil // freed with l after this layer
			}
			x := l.Points
			if err := b.Add(l); err != nil {
				return nil, fmt.Errorf("%s: %w", r.Name, err)
			}
			step(r.Name + " " + l.Name)
			if r.Name == "mnist" && contains(DemoSpectrumLayers, l.Name) {
				p, err := estimate.Points(x, &estimate.Options{Method: "pca", Seed: o.Seed})
				if err != nil {
					return nil, fmt.Errorf("%s %s: %w", r.Name, l.Name, err)
				}
				d.Spectra = append(d.Spectra, LayerSpectrum{Model: r.Name, Layer: l.Name, PCID: int(p.Results[0].ID), Ratio: p.Results[0].Spectrum})
				step(r.Name + " " + l.Name + " PCA spectrum")
			}
			if l.Name == "input" && !fitted[r.Data] {
				fitted[r.Data] = true
				f, _, err := estimate.Fit(x, &estimate.Options{Seed: o.Seed})
				if err != nil {
					return nil, fmt.Errorf("%s: TwoNN fit: %w", r.Data, err)
				}
				d.Fits = append(d.Fits, NewFit(r.Data, f))
				step(r.Data + " TwoNN fit")
			}
		}
		p := b.Profile()
		d.Models = append(d.Models, DemoModel{Name: r.Name, TestAccuracy: acc, Data: r.Data, Layers: p.Layers, Overlap: p.Overlap, OverlapK: p.OverlapK,
			ImbalanceInput: p.ImbalanceInput, ImbalanceOutput: p.ImbalanceOutput})
	}
	return d, nil
}

func contains(v []string, s string) bool {
	for _, x := range v {
		if x == s {
			return true
		}
	}
	return false
}
