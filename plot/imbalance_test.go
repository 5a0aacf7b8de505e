package plot

import (
	"strings"
	"testing"

	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/result"
)

// A profile document with imbalances draws the profile and the imbalance
// panel: its four curves in the legend, the notes computed from the values;
// a negative value is refused, naming the document.
func TestImbalanceFigure(t *testing.T) {
	ls := layers(1, false)[:3]
	v := func(x float64) *float64 { return &x }
	ls[0].DeltaToInput, ls[0].DeltaFromInput, ls[0].DeltaToOutput, ls[0].DeltaFromOutput = v(0.001), v(0.001), v(0.7), v(0.4)
	ls[1].DeltaToInput, ls[1].DeltaFromInput, ls[1].DeltaToOutput, ls[1].DeltaFromOutput = v(0.3), v(0.2), v(0.25), v(0.5)
	ls[2].DeltaToInput, ls[2].DeltaFromInput, ls[2].DeltaToOutput, ls[2].DeltaFromOutput = v(0.4), v(0.7), v(0.001), nil
	p := &profile.Profile{Method: "twonn", Layers: ls, ImbalanceInput: ls[0].Name, ImbalanceOutput: ls[2].Name}
	doc := result.NewProfile(p, nil)
	doc.Model = "trained"
	figs, err := FromJSON(Doc{"p.json", mustJSON(t, doc)})
	if err != nil {
		t.Fatal(err)
	}
	if ks := kinds(figs); len(ks) != 2 || ks[0] != "profile" || ks[1] != "imbalance" {
		t.Fatalf("figures %v, want profile and imbalance", ks)
	}
	f := figs[1]
	texts, _ := svgInfo(t, f)
	wantTexts(t, texts, "trained: information imbalance", "relative depth")
	if got := strings.Join(f.Legend(), "|"); got != "Δ(layer→input)|Δ(input→layer)|Δ(layer→output)|Δ(output→layer)" {
		t.Errorf("legend %q", got)
	}
	if !strings.Contains(f.Notes, "Δ(input→output) is 0.7 and Δ(output→input) 0.4") || !strings.Contains(f.Notes, ls[1].Name+" predicts it best (Δ = 0.25)") {
		t.Errorf("notes %q", f.Notes)
	}
	ls[1].DeltaToInput = v(-0.1)
	if _, err := FromJSON(Doc{"bad.json", mustJSON(t, doc)}); err == nil || !strings.HasPrefix(err.Error(), "bad.json: imbalance of layer") {
		t.Errorf("negative Δ: error %v", err)
	}
}
