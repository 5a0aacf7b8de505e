package plot

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/intdim/intdim/nn"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/result"
	"github.com/intdim/intdim/study"
)

// Doc is one JSON document and the name it came from (a file path).
type Doc struct {
	Name string
	Data []byte
}

// Kinds of document that FromJSON draws: the "kind" of every document
// (package result), and, for documents written before "kind" existed
// (version 0), the kind their fields show:
//
//	profile   {"layers": [...]}                        intdim profile (result.Profile)
//	demo      {"models": [...], "spectra", "fits"}     intdim demo (result.Demo)
//	estimate  {"results": [...]}                       intdim estimate (result.Estimate):
//	                                                   multi-scale results, pca spectrum
//	scale     {"kind": "scale", "results": [...]}      intdim scale (result.Scale); version 0:
//	          {"method", "scales", "ids", "errs"}      one scale analysis (ScaleDoc)
//	twonn-fit {"kind": "twonn-fit", "x", "y", ...}     intdim plot --fit (FitData)
//	linearize {"kind": "linearize", ...}               intdim linearize (study.Linearization)
//	accuracy  {"kind": "accuracy-study", ...}          intdim study accuracy (study.Accuracy)
//	train-log {"kind": "train-log", "rows", ...}        intdim train's log.json (nn.Log): ID during training
//	local     {"kind": "local", "histogram", ...}      intdim local (result.Local): histogram of the local IDs
const (
	KindProfile   = string(result.KindProfile)
	KindDemo      = string(result.KindDemo)
	KindEstimate  = string(result.KindEstimate)
	KindScale     = string(result.KindScale)
	KindFit       = string(result.KindFit)
	KindLinearize = string(result.KindLinearize)
	KindAccuracy  = string(result.KindAccuracyStudy)
	KindTrainLog  = string(result.KindTrainLog)
)

// ErrArrayFile is wrapped by the error Detect returns for an array file
// (.npy, .npz, .safetensors) given where a JSON document was expected.
var ErrArrayFile = errors.New("an array file, not intdim JSON")

// arrayFormat names the array format data starts with, or "".
func arrayFormat(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x93NUMPY")):
		return "npy"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return "npz"
	case len(data) > 9 && data[8] == '{' && binary.LittleEndian.Uint64(data) < 100<<20 &&
		binary.LittleEndian.Uint64(data) <= uint64(len(data)-8):
		return "safetensors"
	}
	return ""
}

// Detect returns the kind of a document (result.Detect: its "kind", or
// the kind a version-0 document's fields show; a bare scale analysis,
// {"scales", "ids"}, is a scale), or an error saying why it is not one
// intdim can draw (wrapping ErrArrayFile for an array file).
func Detect(data []byte) (string, error) {
	if f := arrayFormat(data); f != "" {
		return "", fmt.Errorf("%w (%s)", ErrArrayFile, f)
	}
	k, err := result.Detect(data)
	if err != nil {
		var s struct {
			Scales json.RawMessage `json:"scales"`
			IDs    json.RawMessage `json:"ids"`
		}
		if json.Unmarshal(data, &s) != nil {
			return "", err
		}
		if s.Scales != nil && s.IDs != nil {
			return KindScale, nil
		}
		return "", errors.New("not an intdim result (no kind, layers, models or results)")
	}
	switch k := string(k); k {
	case KindProfile, KindDemo, KindEstimate, KindScale, KindFit, KindLinearize, KindAccuracy, KindTrainLog, KindLocal:
		return k, nil
	}
	return "", fmt.Errorf("unknown kind %q", k)
}

// ScaleDoc is the JSON of 'intdim scale': the ID against the number of
// points (method blocks or decimate) or the neighbour rank n₂ (gride).
type ScaleDoc struct {
	Input  string    `json:"input"`
	N      int       `json:"n"`
	Dim    int       `json:"dim"`
	Seed   uint64    `json:"seed"`
	Method string    `json:"method"`
	Scales []float64 `json:"scales"`
	IDs    []float64 `json:"ids"`
	Errs   []float64 `json:"errs"`
}

// profileDoc is a profile document, with the legacy "name" and
// "accuracy" fields that users add to version-0 files by hand.
type profileDoc struct {
	result.Profile
	Name     string   `json:"name"`
	Accuracy *float64 `json:"accuracy"`
}

// Models decodes the models of a profile or demo document. A profile's
// model is named by its "name" field, else by the file; its accuracy is
// "test_accuracy" (written by profile --model) or "accuracy".
func Models(d Doc) ([]study.Model, error) {
	kind, err := Detect(d.Data)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindDemo:
		dd, err := decodeDemo(d)
		if err != nil {
			return nil, err
		}
		models := make([]study.Model, len(dd.Models))
		for i, m := range dd.Models {
			acc := m.TestAccuracy
			models[i] = study.Model{Name: m.Name, TestAccuracy: &acc, Method: dd.Method, Seed: dd.Seed, Data: m.Data, Layers: m.Layers}
			if m.Name == "" {
				models[i].Name = fmt.Sprintf("%s[%d]", baseName(d.Name), i)
			}
		}
		return models, nil
	case KindProfile:
		var pd profileDoc
		if err := strictDecode(d.Data, &pd); err != nil {
			return nil, err
		}
		if pd.Profile.Profile == nil {
			return nil, errors.New("bad JSON: no profile")
		}
		m := study.Model{Name: pd.Name, TestAccuracy: pd.TestAccuracy, Method: pd.Method, Seed: pd.Seed, Data: pd.Data, Layers: pd.Layers}
		if m.Name == "" {
			m.Name = baseName(d.Name)
		}
		if m.TestAccuracy == nil {
			m.TestAccuracy = pd.Accuracy
		}
		return []study.Model{m}, nil
	}
	return nil, fmt.Errorf("a %s document has no models", kind)
}

// decodeDemo decodes a demo document (result.Demo).
func decodeDemo(d Doc) (*study.Demo, error) {
	var dd result.Demo
	if err := strictDecode(d.Data, &dd); err != nil {
		return nil, err
	}
	if dd.Demo == nil {
		return nil, errors.New("bad JSON: no demo")
	}
	return dd.Demo, nil
}

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("bad JSON: %v", err)
	}
	return nil
}

func baseName(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// FromJSON returns every figure the documents support, documents of one kind
// overlaid in one figure: profiles and demos give the profile figure; estimates give ID
// against neighbour rank (gride results) and the PCA spectrum (pca
// results); scale documents give ID against scale; a fit, a linearization
// or an accuracy study gives its own figure. Errors name the document.
func FromJSON(docs ...Doc) ([]*Figure, error) {
	var (
		models  []study.Model
		method  string
		specs   []Spectrum
		points  []Curve // scale: number of points
		ranks   []Curve // scale: gride ranks
		figs    []*Figure
		trailer []*Figure
		overlap []OverlapMatrix
		locals  []*result.Local
		imb     []ImbalanceCurves
	)
	for _, d := range docs {
		kind, err := Detect(d.Data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Name, err)
		}
		switch kind {
		case KindDemo, KindProfile:
			if kind == KindDemo {
				dd, err := decodeDemo(d)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", d.Name, err)
				}
				for _, sp := range dd.Spectra {
					specs = append(specs, Spectrum{Name: sp.Model + " " + sp.Layer, Ratio: sp.Ratio})
				}
				for _, m := range dd.Models {
					if m.Overlap != nil {
						om, err := overlapMatrix(m.Name, m.OverlapK, m.Layers, m.Overlap)
						if err != nil {
							return nil, fmt.Errorf("%s: model %s: %w", d.Name, m.Name, err)
						}
						overlap = append(overlap, *om)
					}
					if m.ImbalanceInput != "" {
						c, err := imbalanceCurves(m.Name, m.ImbalanceInput, m.ImbalanceOutput, m.Layers)
						if err != nil {
							return nil, fmt.Errorf("%s: model %s: %w", d.Name, m.Name, err)
						}
						imb = append(imb, *c)
					}
				}
				for i := range dd.Fits {
					fd := fitData(&dd.Fits[i])
					if len(fd.X) != len(fd.Y) || len(fd.X) == 0 {
						return nil, fmt.Errorf("%s: fit of %s has %d x and %d y values", d.Name, fd.Input, len(fd.X), len(fd.Y))
					}
					trailer = append(trailer, Fit(fd))
				}
			}
			ms, err := Models(d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", d.Name, err)
			}
			if kind == KindProfile {
				m, err := overlapOf(d)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", d.Name, err)
				}
				if m != nil {
					overlap = append(overlap, *m)
				}
				c, err := imbalanceOf(d)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", d.Name, err)
				}
				if c != nil {
					imb = append(imb, *c)
				}
			}
			for _, m := range ms {
				if len(m.Layers) == 0 {
					return nil, fmt.Errorf("%s: model %q has no layers", d.Name, m.Name)
				}
				if method == "" {
					method = m.Method
				}
			}
			models = append(models, ms...)
		case KindEstimate, KindScale:
			var doc result.Estimate
			if err := strictDecode(d.Data, &doc); err != nil {
				return nil, fmt.Errorf("%s: %w", d.Name, err)
			}
			if kind == KindScale && (doc.Report == nil || doc.Report.Results == nil) {
				// Version 0: one bare scale analysis.
				c, err := legacyScale(d)
				if err != nil {
					return nil, err
				}
				if c.Name == "gride" || strings.HasSuffix(c.Name, "(gride)") {
					ranks = append(ranks, c)
				} else {
					points = append(points, c)
				}
				continue
			}
			if doc.Report == nil {
				return nil, fmt.Errorf("%s: bad JSON: no results", d.Name)
			}
			r := doc.Report
			name := shortName(r.Input)
			if name == "" {
				name = baseName(d.Name)
			}
			found := false
			for _, res := range r.Results {
				if len(res.Scales) > 0 {
					if len(res.IDs) != len(res.Scales) {
						return nil, fmt.Errorf("%s: %s result has %d scales but %d ids", d.Name, res.Method, len(res.Scales), len(res.IDs))
					}
					c := Curve{Name: name + " (" + res.Method + ")", ID: res.IDs, Err: res.Errs}
					if len(docs) == 1 {
						c.Name = res.Method
					}
					for _, s := range res.Scales {
						c.X = append(c.X, float64(s))
					}
					// GRIDE's scales are neighbour ranks n₂; block analysis
					// and decimation (twonn-blocks, twonn-decimate) count points.
					if strings.HasPrefix(res.Method, "gride") {
						ranks = append(ranks, c)
					} else {
						points = append(points, c)
					}
					found = true
				}
				if len(res.Spectrum) > 0 {
					specs = append(specs, Spectrum{Name: name, Ratio: res.Spectrum})
					found = true
				}
			}
			if !found {
				return nil, &NothingToDrawError{Name: d.Name}
			}
		case KindLocal:
			var l result.Local
			if err := strictDecode(d.Data, &l); err != nil {
				return nil, fmt.Errorf("%s: %v", d.Name, err)
			}
			if h := l.Histogram; h != nil && len(h.Edges) != len(h.Counts)+1 {
				return nil, fmt.Errorf("%s: histogram has %d edges for %d counts", d.Name, len(h.Edges), len(h.Counts))
			}
			locals = append(locals, &l)
		case KindFit:
			var fd FitData
			if err := strictDecode(d.Data, &fd); err != nil {
				return nil, fmt.Errorf("%s: %w", d.Name, err)
			}
			if len(fd.X) != len(fd.Y) || len(fd.X) == 0 {
				return nil, fmt.Errorf("%s: fit has %d x and %d y values", d.Name, len(fd.X), len(fd.Y))
			}
			trailer = append(trailer, Fit(&fd))
		case KindLinearize:
			var l study.Linearization
			if err := strictDecode(d.Data, &l); err != nil {
				return nil, fmt.Errorf("%s: %w", d.Name, err)
			}
			if len(l.DataIDs) != len(l.Sizes) || len(l.SurrogateIDs) != len(l.Sizes) {
				return nil, fmt.Errorf("%s: sizes and ids differ in length", d.Name)
			}
			trailer = append(trailer, Linearized(&l))
		case KindAccuracy:
			var a study.Accuracy
			if err := strictDecode(d.Data, &a); err != nil {
				return nil, fmt.Errorf("%s: %w", d.Name, err)
			}
			if len(a.Networks) == 0 {
				return nil, fmt.Errorf("%s: the study has no networks", d.Name)
			}
			trailer = append(trailer, Accuracy(&a))
		case KindTrainLog:
			var lg nn.Log
			if err := strictDecode(d.Data, &lg); err != nil {
				return nil, fmt.Errorf("%s: %w", d.Name, err)
			}
			fig, err := Training(&lg)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", d.Name, err)
			}
			trailer = append(trailer, fig)
		}
	}
	if len(models) > 0 {
		// The accuracy figure is not drawn here: models of one demo are
		// trained on different data (shuffled labels, offsets, none), which
		// Figure 4 does not compare; 'intdim study accuracy --from' draws it.
		figs = append(figs, Profile(models, method))
	}
	if len(points) > 0 {
		figs = append(figs, Scale(points))
	}
	if len(ranks) > 0 {
		figs = append(figs, Ranks(ranks))
	}
	if len(specs) > 0 {
		figs = append(figs, Spectra(specs))
	}
	if len(overlap) > 0 {
		figs = append(figs, Overlap(overlap))
	}
	if len(imb) > 0 {
		figs = append(figs, Imbalance(imb))
	}
	if len(locals) > 0 {
		figs = append(figs, Local(locals))
	}
	figs = append(figs, trailer...)
	if len(figs) == 0 {
		return nil, errors.New("nothing to draw")
	}
	return figs, nil
}

// legacyScale reads a version-0 scale document (ScaleDoc).
func legacyScale(d Doc) (Curve, error) {
	var s ScaleDoc
	if err := strictDecode(d.Data, &s); err != nil {
		return Curve{}, fmt.Errorf("%s: %w", d.Name, err)
	}
	if len(s.Scales) != len(s.IDs) || (s.Errs != nil && len(s.Errs) != len(s.IDs)) {
		return Curve{}, fmt.Errorf("%s: %d scales, %d ids and %d errs differ in length", d.Name, len(s.Scales), len(s.IDs), len(s.Errs))
	}
	name := shortName(s.Input)
	if name == "" {
		name = baseName(d.Name)
	}
	if s.Method != "" {
		name += " (" + s.Method + ")"
	}
	return Curve{Name: name, X: s.Scales, ID: s.IDs, Err: s.Errs}, nil
}

// shortName is the file part of an input path for legends ("" stays ""):
// the full path is kept in the JSON.
func shortName(input string) string {
	if input == "" {
		return ""
	}
	return filepath.Base(input)
}

// overlapOf returns the overlap matrix of a profile document, nil when it
// has none; an error when it is not square over the layers or a value is
// outside [0, 1].
func overlapOf(d Doc) (*OverlapMatrix, error) {
	var doc result.Profile
	if err := json.Unmarshal(d.Data, &doc); err != nil || doc.Profile == nil || doc.Overlap == nil {
		return nil, nil // Models has said what is wrong with the document
	}
	name := doc.Model
	if name == "" {
		name = baseName(d.Name)
	}
	return overlapMatrix(name, doc.OverlapK, doc.Layers, doc.Overlap)
}

// overlapMatrix checks an overlap matrix over layers: square over them,
// every value nil or in [0, 1].
func overlapMatrix(name string, k int, layers []profile.LayerResult, ov [][]*float64) (*OverlapMatrix, error) {
	n := len(layers)
	if len(ov) != n {
		return nil, fmt.Errorf("overlap has %d rows for %d layers", len(ov), n)
	}
	m := &OverlapMatrix{Name: name, K: k, Values: ov}
	for i, row := range ov {
		if len(row) != n {
			return nil, fmt.Errorf("overlap row %d has %d values for %d layers", i, len(row), n)
		}
		for _, v := range row {
			if v != nil && !(*v >= 0 && *v <= 1) {
				return nil, fmt.Errorf("overlap row %d: %g is not in [0, 1]", i, *v)
			}
		}
		m.Layers = append(m.Layers, layers[i].Name)
	}
	return m, nil
}

// NothingToDrawError reports an estimate document with no result a figure
// can draw: no multi-scale result (gride, scale) and no PCA spectrum.
type NothingToDrawError struct {
	Name string // the document
}

func (e *NothingToDrawError) Error() string {
	return e.Name + ": nothing to draw (no multi-scale or pca result)"
}
