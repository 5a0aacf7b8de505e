package result

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Decode decodes a document of a kind this package defines: an *Estimate,
// a *Scale or a *Profile. A document without a kind (version 0) is taken
// by its shape (see Detect); the output of 'intdim scale' of version 0
// reads as an *Estimate, the type it had. A document from a newer version
// than this package writes, or of another kind, is an error.
func Decode(data []byte) (any, error) {
	kind, err := Detect(data)
	if err != nil {
		return nil, err
	}
	var h Header
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, err
	}
	if h.Version > Version {
		return nil, fmt.Errorf("a %s document of version %d: this intdim reads versions up to %d", kind, h.Version, Version)
	}
	var v any
	switch kind {
	case KindEstimate:
		v = &Estimate{}
	case KindScale:
		v = &Scale{}
	case KindProfile:
		v = &Profile{}
	default:
		return nil, fmt.Errorf("a %s document: not an estimate, scale or profile", kind)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return nil, fmt.Errorf("bad %s document: %v", kind, err)
	}
	switch d := v.(type) {
	case *Estimate:
		d.Kind = KindEstimate
	case *Profile:
		d.Kind = KindProfile
	}
	return v, nil
}
