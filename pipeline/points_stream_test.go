package pipeline

import (
	"encoding/json"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/profile"
)

// TestWidePointsStreamedEqualsLoaded: points in memory that knn.Streams
// would stream (here by a tiny budget; from Python, a wide array) are
// searched streamed over their columns in place, with the estimate of the
// in-memory search: float32 and float64, Euclidean and cosine, the
// duplicate policies with an exact duplicate row, resampling, and PC-ID.
// Under the collapse policy the duplicate sends them to the in-memory
// search (the lists cannot collapse it); otherwise the streamed search
// gives the result.
func TestWidePointsStreamedEqualsLoaded(t *testing.T) {
	n, d := 120, 500
	x := synth.Hypercube(n, 6, d, 11)
	for j := range d {
		for i := range n {
			x[i*d+j] = x[i*d+j]*float64(1+j%4) + float64(j%3)
		}
	}
	copy(x[30*d:31*d], x[70*d:71*d])
	for _, m := range []*cloud.Matrix{cloud.Must64(x, n, d), cloud.Must32(f32(x), n, d)} {
		if !streamsPoints(m, 4096, true, knn.SearchAuto) || streamsPoints(m, 0x7fffffff, true, knn.SearchAuto) {
			t.Fatalf("%v: streamsPoints does not follow knn.Streams", m.Elem())
		}
		for _, metric := range []knn.Metric{knn.Euclidean, knn.Cosine} {
			for _, method := range []estimate.Method{"twonn", "all"} {
				for _, dup := range []estimate.DuplicatePolicy{"collapse", "drop", "keep"} {
					eo := estimate.Options{Method: method, Metric: metric, Duplicates: dup, Resample: 3, Seed: 4, MaxRank: 16}
					what := m.Elem().String() + " " + metric.String() + " " + string(method) + " " + string(dup)
					loaded, lerr := Estimate(Points("w", m), &Options{Estimate: eo})
					streamed, err := Estimate(Points("w", m), &Options{Estimate: eo, Mem: 4096})
					if lerr != nil || err != nil { // keep: TwoNN refuses the duplicate
						if lerr == nil || err == nil || lerr.Error() != err.Error() {
							t.Errorf("%s: errors in memory %v, streamed %v", what, lerr, err)
						}
						continue
					}
					if a, b := results(t, loaded), results(t, streamed); a != b {
						t.Errorf("%s:\nin memory %s\nstreamed  %s", what, a, b)
					}
					if streamed.Input != "w" || streamed.Duplicates != loaded.Duplicates {
						t.Errorf("%s: input %q, duplicates %d, want %d", what, streamed.Input, streamed.Duplicates, loaded.Duplicates)
					}
					o := eo
					_, _, err = estimatePointsStreamed("w", m, 4096, &o, method == "all")
					if dup == "collapse" && err != errNeedRows {
						t.Errorf("%s: streamed with a duplicate to collapse: err = %v, want errNeedRows", what, err)
					}
					if dup == "drop" && err != nil {
						t.Errorf("%s: not streamed: %v", what, err)
					}
				}
			}
		}
	}
}

// TestAddPointsStreamedEqualsAdd: a wide layer in memory profiled under a
// tiny budget (searched streamed in place) has the ID, error and PC-ID of
// profile.Builder.Add's in-memory search; with a duplicate to collapse it
// is Add's layer; a layer too small fails as in Add.
func TestAddPointsStreamedEqualsAdd(t *testing.T) {
	n, d := 100, 400
	x := synth.Gaussian(n, 7, d, 3)
	dup := append([]float64(nil), x...)
	copy(dup[5*d:6*d], dup[9*d:10*d])
	for _, metric := range []knn.Metric{knn.Euclidean, knn.Cosine} {
		eo := estimate.Options{Method: "twonn", Metric: metric, Resample: 2, Seed: 3}
		var docs [2]string
		for i, mem := range []int64{0, 4096} {
			b := profile.New(&eo)
			AddPoints(b, profile.Layer{Name: "a", Points: cloud.Must32(f32(x), n, d)}, &Options{Mem: mem})
			AddPoints(b, profile.Layer{Name: "dup", Points: cloud.Must64(dup, n, d)}, &Options{Mem: mem})
			AddPoints(b, profile.Layer{Name: "tiny", Points: cloud.Must64(x[:2*d], 2, d)}, &Options{Mem: mem})
			p := b.Profile()
			if len(p.Layers) != 3 || p.Layers[0].PCID == nil || p.Layers[1].Duplicates != 1 || p.Layers[2].Error == "" {
				t.Fatalf("mem %d: layers %+v", mem, p.Layers)
			}
			js, err := json.Marshal(p.Layers)
			if err != nil {
				t.Fatal(err)
			}
			docs[i] = string(js)
		}
		if docs[0] != docs[1] {
			t.Errorf("%v:\nAdd        %s\nAddPoints  %s", metric, docs[0], docs[1])
		}
	}
	o := estimate.Options{Method: "twonn"}
	if _, _, err := estimatePointsStreamed("a", cloud.Must32(f32(x), n, d), 4096, &o, true); err != nil {
		t.Errorf("not streamed: %v", err)
	}
}

// TestWideScaleStreamedEqualsLoaded: the scale analyses of wide rows in
// memory (and of a file), searched over their columns in place under a
// tiny budget, are those of the packed search.
func TestWideScaleStreamedEqualsLoaded(t *testing.T) {
	n, d := 120, 500
	x := synth.Hypercube(n, 6, d, 5)
	path := writeNPY(t, "w.npy", []int{n, d}, f32(x))
	so := estimate.ScaleOptions{Blocks: 5, Decimate: true, Gride: true}
	for _, m := range []*cloud.Matrix{cloud.Must64(x, n, d), cloud.Must32(f32(x), n, d)} {
		for _, metric := range []knn.Metric{knn.Euclidean, knn.Cosine} {
			eo := estimate.Options{Metric: metric, MaxRank: 16, Seed: 3}
			for _, src := range []Source{Points("w", m), File(path)} {
				loaded, err := Scale(src, so, &Options{Estimate: eo})
				if err != nil {
					t.Fatal(err)
				}
				streamed, err := Scale(src, so, &Options{Estimate: eo, Mem: 4096})
				if err != nil {
					t.Fatal(err)
				}
				if a, b := results(t, loaded), results(t, streamed); a != b || len(loaded.Results) != 3 {
					t.Errorf("%v %v %q:\nin memory %s\nstreamed  %s", m.Elem(), metric, src.name(), a, b)
				}
			}
		}
	}
}
