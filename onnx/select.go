package onnx

import (
	"fmt"
	"strings"
)

// Select picks layers from the candidates (from Layers): "auto" (or "")
// picks those of Auto, "all" every candidate, and a comma-separated list
// of value names picks those, in the order given.
func (m *Model) Select(cands []Layer, spec string) ([]Layer, error) {
	byName := map[string]Layer{}
	for _, l := range cands {
		byName[l.Name] = l
	}
	switch spec {
	case "all":
		return cands, nil
	case "", "auto":
		var out []Layer
		for _, v := range m.Auto() {
			if l, ok := byName[v.Name]; ok {
				out = append(out, l)
			}
		}
		return out, nil
	}
	var out []Layer
	seen := map[string]bool{}
	for _, name := range strings.Split(spec, ",") {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		l, ok := byName[name]
		if !ok {
			return nil, &NoLayerError{Model: m.Path, Name: name}
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no layers named in %q", spec)
	}
	return out, nil
}

// NoLayerError reports a layer name that is not one of the model's
// candidate layers (Model.Layers lists them).
type NoLayerError struct {
	Model, Name string
}

func (e *NoLayerError) Error() string {
	return fmt.Sprintf("%s: no layer %q among the candidates", e.Model, e.Name)
}
