package pipeline_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/tensorio/npy"
)

// Per-class TwoNN equals DADApy's compute_id_2NN on each class
// (testdata/geometry/geometry.json, dadapy.per_class_2nn) at 1e-6 relative,
// on every array where DADApy returned a value.
func TestEstimateClassesRefs(t *testing.T) {
	b, err := os.ReadFile("../testdata/geometry/geometry.json")
	if err != nil {
		t.Fatal(err)
	}
	var refs map[string]struct {
		File       string `json:"file"`
		LabelsFile string `json:"labels_file"`
		Results    struct {
			PerClass struct {
				Classes []struct {
					Label int             `json:"label"`
					N     int             `json:"n"`
					ID    json.RawMessage `json:"id"`
					Error string          `json:"error"`
				} `json:"classes"`
			} `json:"dadapy.per_class_2nn"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	compared := 0
	for name, r := range refs {
		labels, err := pipeline.LoadLabels(filepath.Join("../testdata", r.LabelsFile), 0)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := pipeline.EstimateClasses(filepath.Join("../testdata/refs", r.File), &pipeline.Options{Labels: labels})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(cs) != len(r.Results.PerClass.Classes) {
			t.Fatalf("%s: %d classes, want %d", name, len(cs), len(r.Results.PerClass.Classes))
		}
		for i, want := range r.Results.PerClass.Classes {
			c := cs[i]
			if c.Label != want.Label || c.N != want.N {
				t.Errorf("%s: class %d: label %d, n %d; want %d, %d", name, i, c.Label, c.N, want.Label, want.N)
			}
			if want.Error != "" {
				continue // DADApy fails on duplicates; intdim collapses them
			}
			var id float64
			if err := json.Unmarshal(want.ID, &id); err != nil {
				t.Fatalf("%s: class %d: id %s", name, i, want.ID)
			}
			if c.ID == nil || math.Abs(*c.ID-id) > 1e-6*id {
				t.Errorf("%s: class %d: ID %v (%s), DADApy %v", name, c.Label, c.ID, c.Error, id)
			}
			compared++
		}
	}
	if compared < 30 {
		t.Errorf("only %d classes compared", compared)
	}
}

// A class with fewer than 3 points, or with 3 points that are one point, is
// listed with an error and no ID; the other classes are measured.
func TestEstimateClassesSmall(t *testing.T) {
	const n, d = 60, 3
	x := make([]float64, n*d)
	labels := make([]int, n)
	for i := range n {
		for j := range d {
			x[i*d+j] = math.Sin(float64(i*7+j*13) + 0.1*float64(i*i))
		}
		labels[i] = 1
	}
	labels[0] = 5 // a class of one point
	for _, i := range []int{10, 20, 30} {
		labels[i] = 9 // a class of three copies of one point
		copy(x[i*d:(i+1)*d], x[10*d:11*d])
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.npy")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.Write(f, []int{n, d}, x); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	cs, err := pipeline.EstimateClasses(path, &pipeline.Options{Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 || cs[0].Label != 1 || cs[1].Label != 5 || cs[2].Label != 9 {
		t.Fatalf("classes %+v", cs)
	}
	if cs[0].ID == nil || cs[0].N != 56 || !(*cs[0].ID > 0) {
		t.Errorf("class 1: %+v", cs[0])
	}
	if cs[1].ID != nil || !strings.Contains(cs[1].Error, "1 points, need at least 3 distinct") {
		t.Errorf("class 5: %+v", cs[1])
	}
	if cs[2].ID != nil || cs[2].Error == "" || cs[2].N != 3 {
		t.Errorf("class 9 (one point thrice): %+v", cs[2])
	}
	s := pipeline.Summarise(cs)
	if s.Measured != 1 || *s.Mean != *cs[0].ID || *s.Std != 0 {
		t.Errorf("summary %+v", s)
	}
	if _, err := pipeline.EstimateClasses(path, &pipeline.Options{Labels: labels[:59]}); err == nil {
		t.Error("59 labels for 60 points: no error")
	}
}

// A file the estimate streams is not loaded for the classes either: each
// class is read by its rows (a budget the whole misses but a class fits)
// or streamed over its rows' columns (a budget no class fits), with the
// IDs of the loaded file's classes: the same in both for classes without
// duplicates, and the same collapsed duplicates where the class's rows are
// read.
func TestEstimateClassesStreamedEqualLoaded(t *testing.T) {
	const n, d = 150, 40
	x := synth.Hypercube(n, 4, d, 7)
	y := make([]float32, n*d)
	labels := make([]int, n)
	for i := range n {
		labels[i] = i % 3
		for j := range d {
			y[i*d+j] = float32(x[i*d+j] * float64(1+j%4))
		}
	}
	for _, i := range []int{5, 8, 11} { // class 2: row 2 four times
		copy(y[i*d:(i+1)*d], y[2*d:3*d])
	}
	labels[149] = 7 // a class of one point
	path := filepath.Join(t.TempDir(), "x.npy")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.Write(f, []int{n, d}, y); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, eo := range []estimate.Options{{Method: "twonn"}, {Method: "mle", K: 8, Resample: 3, Seed: 2}} {
		loaded, err := pipeline.EstimateClasses(path, &pipeline.Options{Labels: labels, Estimate: eo})
		if err != nil {
			t.Fatal(err)
		}
		if len(loaded) != 4 || loaded[2].NUsed != loaded[2].N-3 || loaded[3].ID != nil {
			t.Fatalf("%s: loaded classes %+v", eo.Method, loaded)
		}
		for _, mem := range []int64{30000, 4096} {
			got, err := pipeline.EstimateClasses(path, &pipeline.Options{Labels: labels, Estimate: eo, Mem: mem})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(loaded) {
				t.Fatalf("%s, budget %d: %d classes, loaded %d", eo.Method, mem, len(got), len(loaded))
			}
			for i, c := range got {
				w := loaded[i]
				if c.Label != w.Label || c.N != w.N {
					t.Fatalf("%s, budget %d: class %+v, loaded %+v", eo.Method, mem, c, w)
				}
				if mem == 4096 && c.Label == 2 {
					// Streamed and not fitting the budget, the duplicates
					// are dropped, not collapsed (mle then fails), as for
					// a whole layer streamed.
					if (c.ID == nil) == (c.Error == "") || eo.Method == "mle" && !strings.Contains(c.Error, "collapse duplicates first") {
						t.Errorf("%s, budget %d: class 2 %+v", eo.Method, mem, c)
					}
					continue
				}
				if (c.ID == nil) != (w.ID == nil) || c.Error != w.Error {
					t.Errorf("%s, budget %d: class %+v, loaded %+v", eo.Method, mem, c, w)
					continue
				}
				if c.ID == nil {
					continue
				}
				if *c.ID != *w.ID || c.NUsed != w.NUsed || (c.Err == nil) != (w.Err == nil) || c.Err != nil && *c.Err != *w.Err {
					t.Errorf("%s, budget %d: class %d: ID %v (n_used %d), loaded %v (%d)", eo.Method, mem, c.Label, *c.ID, c.NUsed, *w.ID, w.NUsed)
				}
			}
		}
	}
}
