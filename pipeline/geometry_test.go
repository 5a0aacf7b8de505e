package pipeline

import (
	"strings"
	"testing"

	"github.com/intdim/intdim/internal/synth"
)

// A profile with --overlap and --imbalance whose layers are streamed from
// disk (a tiny budget) keeps each layer's streamed graph: the overlap and
// the IDs equal the loaded profile's; the imbalances the kept lists answer
// are equal too, and those that need a layer's rows, which do not fit in
// the budget, are null with a warning saying so.
func TestProfileGeometryStreamed(t *testing.T) {
	const n, d = 300, 40
	a := synth.Hypercube(n, 4, d, 21)
	b := synth.Hypercube(n, 4, d, 22) // unrelated to a
	c := append([]float64(nil), a...)
	for i := range c {
		c[i] = c[i]*2 + 1 // the same neighbourhoods as a
	}
	specs := []string{
		writeNPY(t, "a.npy", []int{n, d}, f32(a)),
		writeNPY(t, "b.npy", []int{n, d}, f32(b)),
		writeNPY(t, "c.npy", []int{n, d}, f32(c)),
	}
	loaded, err := Profile(specs, true, &Options{Overlap: 10, Imbalance: true})
	if err != nil {
		t.Fatal(err)
	}
	streamed, err := Profile(specs, true, &Options{Overlap: 10, Imbalance: true, Mem: 4096})
	if err != nil {
		t.Fatal(err)
	}
	nulls := 0
	for i, l := range streamed.Layers {
		w := loaded.Layers[i]
		if l.ID != w.ID {
			t.Errorf("layer %s: ID %g streamed, %g loaded", l.Name, l.ID, w.ID)
		}
		for j := range streamed.Layers {
			if *streamed.Overlap[i][j] != *loaded.Overlap[i][j] {
				t.Errorf("overlap[%d][%d] %g streamed, %g loaded", i, j, *streamed.Overlap[i][j], *loaded.Overlap[i][j])
			}
		}
		for k, v := range []*float64{l.DeltaToInput, l.DeltaFromInput, l.DeltaToOutput, l.DeltaFromOutput} {
			u := []*float64{w.DeltaToInput, w.DeltaFromInput, w.DeltaToOutput, w.DeltaFromOutput}[k]
			if u == nil {
				t.Fatalf("layer %s delta %d: null when loaded", l.Name, k)
			}
			if v == nil {
				nulls++
				continue
			}
			if *v != *u {
				t.Errorf("layer %s delta %d: %g streamed, %g loaded", l.Name, k, *v, *u)
			}
		}
	}
	// b against a and c: most ranks lie beyond the kept lists.
	if nulls == 0 {
		t.Error("every imbalance answered by the lists: the case tests nothing")
	}
	if l := streamed.Layers[2]; l.DeltaToInput == nil || *l.DeltaToInput != *loaded.Layers[2].DeltaToInput {
		t.Errorf("c → a from the lists: %v", l.DeltaToInput)
	}
	found := false
	for _, w := range streamed.Layers[1].Warnings {
		found = found || strings.Contains(w.Msg, "does not fit in the memory budget")
	}
	if !found {
		t.Errorf("no warning on the null imbalances: %v", streamed.Layers[1].Warnings)
	}
}
