// Package result defines the documents intdim writes: one typed document
// per command (estimate, scale, profile, demo, study), each with a "kind"
// and a "version", written as JSON, CSV or text from the same type, so
// that every count (n, n_used, duplicates, dropped, warnings, errors)
// reaches every format, and readers such as plot and report decode types
// instead of guessing a document's kind from which fields exist.
//
// The JSON field names are the CLI contract (docs/DESIGN.md §3): fields are only
// ever added. Documents written before "kind" existed (version 0) are
// recognised by their shape.
package result

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Kind names a document type: the value of its "kind" field.
type Kind string

// The kinds of document.
const (
	KindEstimate Kind = "estimate" // intdim estimate: Estimate
	KindScale    Kind = "scale"    // intdim scale: Scale
	KindProfile  Kind = "profile"  // intdim profile: Profile
	KindDemo     Kind = "demo"     // intdim demo
	KindStudy    Kind = "study"    // intdim study
)

// Version is the version of the documents this package writes. Version 1
// added kind, version, dropped, n_used per layer, failed layers and the
// TwoNN convention; a document without a version is version 0.
const Version = 1

// Header is the part common to every document.
type Header struct {
	Kind    Kind `json:"kind"`
	Version int  `json:"version"`
}

// The TwoNN conventions named in documents (docs/DESIGN.md §2).
const (
	// ConventionDefault: μ sorted, the ⌊N(1 − discard)⌋ smallest kept,
	// F = i/N over all N points (Facco et al. 2017, as DADApy and
	// scikit-dimension).
	ConventionDefault = "default"
	// ConventionPaper: as the code of Ansuini et al. 2019 (--paper).
	ConventionPaper = "paper"
)

func convention(paper bool) string {
	if paper {
		return ConventionPaper
	}
	return ConventionDefault
}

// Detect returns the kind of a JSON document: its "kind" field, or for a
// document of version 0, the kind its fields show ("models": demo,
// "layers": profile, "results": estimate). Kinds this package does not
// define (those of plot --fit, linearize, study accuracy) are returned as
// they are.
func Detect(data []byte) (Kind, error) {
	var s struct {
		Kind    Kind            `json:"kind"`
		Models  json.RawMessage `json:"models"`
		Layers  json.RawMessage `json:"layers"`
		Results json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return "", fmt.Errorf("not a JSON object: %v", err)
	}
	switch {
	case s.Kind != "":
		return s.Kind, nil
	case s.Models != nil:
		return KindDemo, nil
	case s.Layers != nil:
		return KindProfile, nil
	case s.Results != nil:
		return KindEstimate, nil
	}
	return "", errors.New("not an intdim document (no kind, models, layers or results)")
}
