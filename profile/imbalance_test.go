package profile

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/geometry"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// The profile's imbalances equal geometry.Imbalance on graphs searched
// apart, with B's points (what 'intdim imbalance' computes), for every
// layer against the first and the last; the ranks beyond the kept lists
// (a permuted layer has most of them there) are counted over rows given
// again, each layer's at most once.
func TestProfileImbalance(t *testing.T) {
	const n, d = 500, 6
	a := synth.Hypercube(n, 3, d, 11)
	c := synth.Hypercube(n, 5, d, 12)
	perm := rand.New(rand.NewPCG(9, 9)).Perm(n)
	var f32 []float32
	for _, v := range c {
		f32 = append(f32, float32(v*3))
	}
	layers := []Layer{
		{Name: "in", Points: cloud.Must64(a, n, d)},
		{Name: "perm", Points: cloud.Must64(permuted(a, n, d, perm), n, d)},
		{Name: "c32", Points: cloud.Must32(f32, n, d)},
		{Name: "out", Points: cloud.Must64(c, n, d)},
	}
	for _, cosine := range []bool{false, true} {
		b := New(nil)
		if cosine {
			o := b.Options()
			o.Metric = knn.Cosine
			b = New(&o)
		}
		asked := map[int]int{}
		b.Imbalance(func(i int) (*cloud.Matrix, func(), error) {
			asked[i]++
			return layers[i].Points, func() {}, nil
		})
		for _, l := range layers {
			if err := b.Add(l); err != nil {
				t.Fatal(err)
			}
		}
		p := b.Profile()
		if p.ImbalanceInput != "in" || p.ImbalanceOutput != "out" {
			t.Errorf("against %q and %q", p.ImbalanceInput, p.ImbalanceOutput)
		}
		for i, cnt := range asked {
			if cnt != 1 {
				t.Errorf("rows of layer %d asked %d times", i, cnt)
			}
		}
		if asked[1] != 1 {
			t.Error("the permuted layer's ranks were not counted over its rows")
		}
		pts := make([]*cloud.Matrix, len(layers))
		gs := make([]*knn.Graph, len(layers))
		for i, l := range layers {
			pts[i] = l.Points
			if cosine {
				var err error
				if pts[i], err = knn.Normalize(l.Points); err != nil {
					t.Fatal(err)
				}
			}
			var err error
			if gs[i], err = knn.Search(pts[i], 30, nil); err != nil {
				t.Fatal(err)
			}
		}
		last := len(layers) - 1
		for i, l := range p.Layers {
			for _, c := range []struct {
				name string
				got  *float64
				a, b int
			}{
				{"to input", l.DeltaToInput, i, 0},
				{"from input", l.DeltaFromInput, 0, i},
				{"to output", l.DeltaToOutput, i, last},
				{"from output", l.DeltaFromOutput, last, i},
			} {
				want, err := geometry.Imbalance(gs[c.a], gs[c.b], pts[c.b])
				if err != nil {
					t.Fatal(err)
				}
				if c.got == nil || *c.got != want {
					t.Errorf("cosine %v, layer %s, Δ %s: %v, geometry.Imbalance %g", cosine, l.Name, c.name, c.got, want)
				}
			}
		}
		if v := *p.Layers[0].DeltaToInput; v != 2.0/n {
			t.Errorf("Δ(input→input) = %g, want 2/N", v)
		}
		if v := *p.Layers[1].DeltaFromInput; v < 0.8 {
			t.Errorf("Δ(input→permuted input) = %g, want about 1", v)
		}
	}
}

// Without rows given again, the imbalances the lists answer are there and
// the others null, with a warning.
func TestProfileImbalanceNoRows(t *testing.T) {
	const n, d = 300, 4
	a := synth.Hypercube(n, 3, d, 13)
	perm := rand.New(rand.NewPCG(4, 4)).Perm(n)
	b := New(nil)
	b.Imbalance(nil)
	for _, l := range []Layer{
		{Name: "in", Points: cloud.Must64(a, n, d)},
		{Name: "same", Points: cloud.Must64(append([]float64(nil), a...), n, d)},
		{Name: "perm", Points: cloud.Must64(permuted(a, n, d, perm), n, d)},
	} {
		if err := b.Add(l); err != nil {
			t.Fatal(err)
		}
	}
	p := b.Profile()
	if l := p.Layers[1]; l.DeltaToInput == nil || *l.DeltaToInput != 2.0/n || l.DeltaFromInput == nil {
		t.Errorf("identical layer: Δ %v, %v; want 2/N from the lists", l.DeltaToInput, l.DeltaFromInput)
	}
	l := p.Layers[2]
	if l.DeltaFromInput != nil {
		t.Errorf("Δ(input→perm) = %g without the rows", *l.DeltaFromInput)
	}
	found := false
	for _, w := range l.Warnings {
		found = found || strings.Contains(w.Msg, "imbalance left out")
	}
	if !found {
		t.Errorf("no warning: %v", l.Warnings)
	}
}
