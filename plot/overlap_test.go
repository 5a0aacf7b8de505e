package plot

import (
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
