package result

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/profile"
)

// TestDecodeRoundTrip: what Write writes as JSON, Decode reads back as the
// same type with the same counts, for documents of version 1 and 0.
func TestDecodeRoundTrip(t *testing.T) {
	x := withDuplicates(200, 20, 3, 7)
	opt := &estimate.Options{Duplicates: "drop"}
	rep, err := estimate.Points(x, opt)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := NewEstimate(rep, opt).Write(&b, "json"); err != nil {
		t.Fatal(err)
	}
	v, err := Decode(b.Bytes())
	e, ok := v.(*Estimate)
	if err != nil || !ok || e.Version != Version || e.Dropped != 40 || e.NUsed != 180 || e.Results[0].ID != rep.Results[0].ID {
		t.Fatalf("estimate: %T %+v, %v", v, v, err)
	}
	srep, err := estimate.Scale(x, estimate.ScaleOptions{Blocks: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	NewScale(srep, nil).Write(&b, "json")
	if v, err := Decode(b.Bytes()); err != nil || v.(*Scale).Kind != KindScale || len(v.(*Scale).Results[0].Scales) != 2 {
		t.Fatalf("scale: %+v, %v", v, err)
	}
	p, _ := profile.Run([]profile.Layer{
		{Name: "a", Points: cloud.Must64(synth.Hypercube(100, 2, 3, 1), 100, 3)},
		{Name: "b", Points: cloud.Must64(make([]float64, 30), 10, 3)},
	}, nil)
	b.Reset()
	NewProfile(p, nil).Write(&b, "json")
	v, err = Decode(b.Bytes())
	q, ok := v.(*Profile)
	if err != nil || !ok || len(q.Layers) != 2 || q.Layers[0].ID != p.Layers[0].ID || !math.IsNaN(q.Layers[1].ID) || !q.Layers[1].Failed() {
		t.Fatalf("profile: %+v, %v", v, err)
	}
	// Version 0: no kind, read by shape.
	if v, err := Decode([]byte(`{"method": "twonn", "seed": 1, "layers": [{"name": "x", "id": 3}]}`)); err != nil || v.(*Profile).Layers[0].ID != 3 {
		t.Errorf("version 0 profile: %+v, %v", v, err)
	}
	for doc, want := range map[string]string{
		`{"kind": "profile", "version": 99, "layers": []}`: "version 99",
		`{"kind": "twonn-fit"}`:                            "not an estimate",
		`{"kind": "estimate", "results": 3}`:               "bad estimate document",
	} {
		if _, err := Decode([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Decode(%s): %v, want %q", doc, err, want)
		}
	}
}
