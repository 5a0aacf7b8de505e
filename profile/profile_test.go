package profile

import (
	"github.com/intdim/intdim/cloud"
	"math"
	"testing"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/synth"
)

func TestProfileDepthsAndIDs(t *testing.T) {
	dims := []int{2, 6, 3}
	var layers []Layer
	for i, d := range dims {
		layers = append(layers, Layer{Name: string(rune('a' + i)), Points: cloud.Must64(synth.Hypercube(500, d, 10, uint64(i)), 500, 10)})
	}
	p, err := Run(layers, &estimate.Options{Resample: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range p.Layers {
		if l.Index != i || l.RelDepth != float64(i)/2 || l.Err == nil || l.PCID == nil || l.Warnings == nil {
			t.Errorf("layer %d: %+v", i, l)
		}
		if math.Abs(l.ID-float64(dims[i])) > 0.15*float64(dims[i]) {
			t.Errorf("layer %d: ID %g, want ≈ %d", i, l.ID, dims[i])
		}
		if *l.PCID != dims[i] {
			t.Errorf("layer %d: PC-ID %d, want %d (flat cube)", i, *l.PCID, dims[i])
		}
	}
	// Given depths, the relative depth is depth / max depth.
	for i := range layers {
		v := float64([]int{0, 3, 4}[i])
		layers[i].Depth = &v
	}
	b := New(nil)
	b.SkipPCA()
	for _, l := range layers {
		if err := b.Add(l); err != nil {
			t.Fatal(err)
		}
	}
	q := b.Profile()
	if q.Layers[1].RelDepth != 0.75 || q.Layers[2].RelDepth != 1 || q.Layers[0].PCID != nil {
		t.Fatalf("depths: %+v", q.Layers)
	}
	if err := New(&estimate.Options{Method: "all"}).Add(layers[0]); err == nil {
		t.Fatal("method all accepted")
	}
}
