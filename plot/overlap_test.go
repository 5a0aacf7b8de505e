package plot

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/result"
)

// A profile document with an overlap matrix draws the profile and the heat
// map; the heat map's cells are the matrix, a missing one NaN (grey).
func TestOverlapHeatMap(t *testing.T) {
	ls := layers(1, false)[:3]
	one, a, b := 1.0, 0.6, 0.2
	ov := [][]*float64{{&one, &a, &b}, {&a, &one, nil}, {&b, nil, &one}}
	doc := result.NewProfile(&profile.Profile{Method: "twonn", Layers: ls, Overlap: ov, OverlapK: 30}, nil)
	doc.Model = "trained"
	figs, err := FromJSON(Doc{"p.json", mustJSON(t, doc)})
	if err != nil {
		t.Fatal(err)
	}
	if ks := kinds(figs); len(ks) != 2 || ks[0] != "profile" || ks[1] != "overlap" {
		t.Fatalf("figures %v, want profile and overlap", ks)
	}
	f := figs[1]
	texts, _ := svgInfo(t, f)
	wantTexts(t, texts, "trained: overlap (k = 30)", ls[0].Name, ls[1].Name, ls[2].Name, "0.00", "0.50", "1.00")
	if len(f.Legend()) != 5 {
		t.Errorf("legend %q, want 5 levels", f.Legend())
	}
	g := overlapGrid(ov)
	if g.Z(1, 0) != 0.6 || g.Z(2, 0) != 0.2 || !math.IsNaN(g.Z(2, 1)) || g.Z(1, 1) != 1 {
		t.Errorf("grid Z: %g %g %g %g", g.Z(1, 0), g.Z(2, 0), g.Z(2, 1), g.Z(1, 1))
	}
	if !strings.Contains(f.Notes, "first and the last layer is 0.2") || !strings.Contains(f.Notes, "lowest (0.6) between") {
		t.Errorf("notes %q", f.Notes)
	}
	// Bad matrices are refused, naming the document.
	for _, bad := range [][][]*float64{
		{{&one, &a}, {&a, &one}},
		{{&one, &a, &b}, {&a, &one}, {&b, nil, &one}},
		{{&one, &a, ptr(2.0)}, {&a, &one, nil}, {&b, nil, &one}},
	} {
		doc.Overlap = bad
		if _, err := FromJSON(Doc{"bad.json", mustJSON(t, doc)}); err == nil || !strings.HasPrefix(err.Error(), "bad.json: overlap") {
			t.Errorf("%v: error %v", bad, err)
		}
	}
}

// Local draws one histogram panel per document and says in its notes how
// many points it drew and how many non-finite ones it left out; a document
// with no finite value gets an empty panel.
func TestLocalFigure(t *testing.T) {
	g := 7.5
	a := &result.Local{Input: "dir/a.npy", N: 10, K: 5, Method: "mle", Median: 7, NNonFinite: 2, Global: &g,
		Histogram: &result.Histogram{Edges: []float64{5, 6, 7, 8, 9, 10}, Counts: []int{1, 2, 3, 1, 1}}}
	b := &result.Local{Input: "b.npy", N: 4, K: 3, Method: "tle", NNonFinite: 4}
	f := Local([]*result.Local{a, b})
	if f.Kind != "local" || len(f.Panels) != 2 {
		t.Fatalf("kind %s, %d panels", f.Kind, len(f.Panels))
	}
	for _, want := range []string{"a.npy: 10 points, 8 with a finite local ID in the histogram, 2 non-finite left out; global ID 7.5 (1/mean(1/m)), median 7.",
		"b.npy: 4 points, 0 with a finite local ID in the histogram, 4 non-finite left out"} {
		if !strings.Contains(f.Notes, want) {
			t.Errorf("notes %q lack %q", f.Notes, want)
		}
	}
	if !strings.Contains(f.Panels[1].Title.Text, "no finite values") || f.Panels[0].X.Label.Text != "local ID (8 points drawn, 2 non-finite left out)" {
		t.Errorf("titles %q, %q", f.Panels[1].Title.Text, f.Panels[0].X.Label.Text)
	}
	var buf bytes.Buffer
	if err := f.WritePNG(&buf, 50); err != nil || buf.Len() == 0 {
		t.Fatalf("png: %v", err)
	}
	if _, err := FromJSON(Doc{Name: "bad.json", Data: []byte(`{"kind": "local", "version": 1, "histogram": {"edges": [1], "counts": [1, 2]}}`)}); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("bad histogram: %v", err)
	}
}
