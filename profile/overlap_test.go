package profile

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/geometry"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// permuted returns x with its rows in the order perm: row i of the result
// is row perm[i] of x (the same set of points, unrelated to index i).
func permuted(x []float64, n, d int, perm []int) []float64 {
	y := make([]float64, len(x))
	for i, p := range perm {
		copy(y[i*d:(i+1)*d], x[p*d:(p+1)*d])
	}
	return y
}

// A profile with the overlap: identical layers overlap 1, a permuted copy
// about k/(N−1), every entry equals geometry.Overlap on graphs searched
// apart, and the IDs equal those of the profile without the overlap.
func TestProfileOverlap(t *testing.T) {
	const n, d, k = 600, 8, 30
	a := synth.Hypercube(n, 4, d, 1)
	c := synth.Hypercube(n, 6, d, 2)
	perm := rand.New(rand.NewPCG(7, 7)).Perm(n)
	layers := []Layer{
		{Name: "a", Points: cloud.Must64(a, n, d)},
		{Name: "a2", Points: cloud.Must64(append([]float64(nil), a...), n, d)},
		{Name: "perm", Points: cloud.Must64(permuted(a, n, d, perm), n, d)},
		{Name: "c", Points: cloud.Must64(c, n, d)},
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % 3
	}
	for _, method := range []estimate.Method{"twonn", "mle", "gride"} {
		opt := &estimate.Options{Method: method, Resample: 3, Seed: 5}
		plain, err := Run(layers, opt)
		if err != nil {
			t.Fatal(err)
		}
		b := New(opt)
		b.Overlap(k, labels)
		for _, l := range layers {
			if err := b.Add(l); err != nil {
				t.Fatal(err)
			}
		}
		p := b.Profile()
		if p.OverlapK != k || len(p.Overlap) != len(layers) {
			t.Fatalf("%s: overlap_k %d, %d rows", method, p.OverlapK, len(p.Overlap))
		}
		for i, l := range p.Layers {
			if l.ID != plain.Layers[i].ID || *l.Err != *plain.Layers[i].Err {
				t.Errorf("%s layer %s: ID %g ± %g with the overlap, %g ± %g without", method, l.Name, l.ID, *l.Err, plain.Layers[i].ID, *plain.Layers[i].Err)
			}
			if l.LabelOverlap == nil {
				t.Errorf("%s layer %s: no label overlap", method, l.Name)
			}
		}
		if method != "twonn" {
			continue
		}
		graphs := make([]*knn.Graph, len(layers))
		for i, l := range layers {
			if graphs[i], err = knn.Search(l.Points, k, nil); err != nil {
				t.Fatal(err)
			}
		}
		for i := range layers {
			for j := range layers {
				want, _ := geometry.Overlap(graphs[i], graphs[j], k)
				if got := p.Overlap[i][j]; got == nil || *got != want {
					t.Errorf("overlap[%d][%d] = %v, geometry.Overlap %g", i, j, got, want)
				}
			}
			w, _, _ := geometry.LabelOverlap(graphs[i], labels, k)
			if *p.Layers[i].LabelOverlap != w {
				t.Errorf("label overlap %d: %g, geometry %g", i, *p.Layers[i].LabelOverlap, w)
			}
		}
		if *p.Overlap[0][1] != 1 {
			t.Errorf("identical layers overlap %g, want 1", *p.Overlap[0][1])
		}
		if v, chance := *p.Overlap[0][2], float64(k)/(n-1); math.Abs(v-chance) > 0.03 {
			t.Errorf("permuted copy overlap %g, want ≈ k/(N−1) = %g", v, chance)
		}
		// Labels unrelated to the points: the label overlap is about 1/3.
		if v := *p.Layers[0].LabelOverlap; math.Abs(v-1.0/3) > 0.05 {
			t.Errorf("label overlap %g, want ≈ 1/3", v)
		}
	}
}

// Duplicates: the overlap is on the full points (a layer with duplicate
// rows still has N rows in its graph), the ID as without the overlap.
func TestProfileOverlapDuplicates(t *testing.T) {
	const n, d, k = 300, 5, 10
	a := synth.Hypercube(n, 3, d, 3)
	copy(a[d:2*d], a[:d]) // row 1 = row 0
	x := cloud.Must64(a, n, d)
	plain, err := Run([]Layer{{Name: "x", Points: x}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := New(nil)
	b.Overlap(k, nil)
	if err := b.Add(Layer{Name: "x", Points: x}); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(Layer{Name: "y", Points: x}); err != nil {
		t.Fatal(err)
	}
	p := b.Profile()
	if p.Layers[0].ID != plain.Layers[0].ID || p.Layers[0].Duplicates != 1 {
		t.Errorf("ID %g (%d duplicates), without the overlap %g", p.Layers[0].ID, p.Layers[0].Duplicates, plain.Layers[0].ID)
	}
	if *p.Overlap[0][1] != 1 {
		t.Errorf("overlap %g, want 1", *p.Overlap[0][1])
	}
	// Too few points for k, and labels of the wrong length: the layer fails.
	b = New(nil)
	b.Overlap(k, []int{1, 2})
	if err := b.Add(Layer{Name: "x", Points: x}); err == nil {
		t.Error("2 labels for 300 points accepted")
	}
	if p := b.Profile(); p.Overlap[0][0] != nil {
		t.Error("a failed layer has an overlap")
	}
}
