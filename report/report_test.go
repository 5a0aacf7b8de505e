package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/plot"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/study"
)

func ptr[T any](v T) *T { return &v }

func demoJSON(t *testing.T) []byte {
	mk := func(scale float64) []profile.LayerResult {
		var ls []profile.LayerResult
		for i, name := range []string{"input", "conv1", "pool1", "d1", "output"} {
			ls = append(ls, profile.LayerResult{Name: name, Index: i, RelDepth: float64(i) / 4, N: 500, Dim: 100 * (5 - i),
				ID: scale * float64(12-i), Err: ptr(0.2), PCID: ptr(40 - 5*i)})
		}
		return ls
	}
	// The shape of 'intdim demo': method and seed at the top.
	b, err := json.Marshal(map[string]any{"method": "twonn", "seed": 7, "n": 500, "resample": 20, "fraction": 0.9,
		"models": []study.Model{
			{Name: "trained", TestAccuracy: ptr(0.99), Layers: mk(1)},
			{Name: "untrained", TestAccuracy: ptr(0.1), Layers: mk(1.3)},
			{Name: "half", TestAccuracy: ptr(0.6), Layers: mk(1.1)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wellFormed parses the page as XML and returns the number of <svg>
// elements and of <figure> elements.
func wellFormed(t *testing.T, page []byte) (svgs, figures int) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(page))
	dec.Entity = xml.HTMLEntity
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("report is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "svg":
				svgs++
			case "figure":
				figures++
			case "script", "link", "img", "iframe", "object", "embed":
				t.Errorf("report has a <%s> element", se.Name.Local)
			}
			for _, a := range se.Attr {
				if (a.Name.Local == "src" || a.Name.Local == "href") && !strings.HasPrefix(a.Value, "#") && !strings.HasPrefix(a.Value, "data:") {
					t.Errorf("<%s %s=%q>: an external reference", se.Name.Local, a.Name.Local, a.Value)
				}
			}
		}
	}
	return svgs, figures
}

func TestReportDemo(t *testing.T) {
	Version = "9.9.9-test"
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := Write(path, demoJSON(t)); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	svgs, figs := wellFormed(t, page)
	if svgs != 1 || figs != 1 {
		t.Errorf("%d <svg> in %d <figure>, want the profile", svgs, figs)
	}
	s := string(page)
	for _, want := range []string{
		"intdim 9.9.9-test", "<td>seed</td><td>7</td>", "<td>method</td><td>twonn</td>",
		"trained (99.0 %)", "<td>conv1</td>", "Figure 1.", "<td>points per layer</td><td>500</td>",
		"<td>resamplings</td><td>20 of 90 % of the points</td>", "Intrinsic dimension across layers",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?i)url\(\s*['"]?(https?:|//)|@import|<\?xml`).MatchString(s) {
		t.Error("report references something outside itself, or keeps an XML prolog")
	}
	if strings.Contains(s, "font-family:Liberation Sans;") {
		t.Error("SVG text has no font fallback")
	}
}

func TestReportEveryKind(t *testing.T) {
	lin := study.Linearization{Kind: "linearize", Input: "x.npy", N: 1000, Dim: 20, Seed: 3, Method: "twonn",
		Sizes: []int{250, 1000}, Blocks: []int{4, 1}, DataIDs: []float64{2, 2}, DataErrs: []float64{0.1, 0},
		SurrogateIDs: []float64{12, 14}, SurrogateErrs: []float64{1, 0}, Warnings: []string{"a <warning> & more"}}
	acc := study.Accuracy{Kind: "accuracy-study", Method: "twonn", Seed: 1, Networks: []study.Network{
		{Name: "a", TestAccuracy: 0.9, ID: 10}, {Name: "b", TestAccuracy: 0.95, ID: 8}, {Name: "c", TestAccuracy: 0.99, ID: 5}}}
	acc.Correlate()
	fit := plot.FitData{Kind: "twonn-fit", Input: "x.npy", ID: 2, N: 4, NFit: 3, X: []float64{0.1, 0.2, 0.4}, Y: []float64{0.2, 0.4, 0.9}}
	docs := []plot.Doc{
		{Name: "lin.json", Data: mustJSON(t, lin)},
		{Name: "acc.json", Data: mustJSON(t, acc)},
		{Name: "fit.json", Data: mustJSON(t, fit)},
		{Name: "est.json", Data: []byte(`{"input":"x.npy","n":100,"dim":3,"n_used":100,"duplicates":0,"seed":1,
			"results":[{"method":"gride","id":2,"err":0.1,"lo":null,"hi":null,"scales":[2,4],"ids":[2,2.1],"errs":[0.1,0.1]},
			{"method":"pca","id":3,"err":null,"lo":null,"hi":null,"spectrum":[0.5,0.3,0.2]}],"warnings":[]}`)},
	}
	page, err := Build(docs, &Options{Title: "All kinds"})
	if err != nil {
		t.Fatal(err)
	}
	svgs, figs := wellFormed(t, page)
	if svgs != 5 || figs != 5 {
		t.Errorf("%d <svg> in %d <figure>, want 5 (gride, spectrum, linearize, accuracy, fit)", svgs, figs)
	}
	s := string(page)
	for _, want := range []string{"<h1>All kinds</h1>", "a &lt;warning&gt; &amp; more", "surrogate ID", "gride against scale", "points fitted"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestWriteBadDocLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.html")
	err := Write(path, []byte(`{"hello": 1}`))
	if err == nil || !strings.Contains(err.Error(), "not an intdim result") {
		t.Errorf("err = %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left behind: %v", ents)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Captions say what these data show, not what networks usually do.
func TestCaptionStatesTheData(t *testing.T) {
	doc := []byte(`{"method":"twonn","seed":1,"layers":[
{"name":"input","index":0,"rel_depth":0,"n":100,"dim":784,"id":13.2,"err":null,"pc_id":153,"warnings":[]},
{"name":"d1","index":1,"rel_depth":0.5,"n":100,"dim":128,"id":9.4,"err":null,"pc_id":39,"warnings":[]},
{"name":"output","index":2,"rel_depth":1,"n":100,"dim":10,"id":6.9,"err":null,"pc_id":6,"warnings":[]}]}`)
	html, err := Build([]plot.Doc{{Name: "p.json", Data: doc}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := string(html)
	for _, want := range []string{"the ID is highest at the first layer, input (13.2)", "d1, has ID 9.4, 24 % of its PC-ID (39) and 7.3 % of its width (128)"} {
		if !strings.Contains(s, want) {
			t.Errorf("caption lacks %q", want)
		}
	}
	if strings.Contains(s, "rise then fall") || strings.Contains(s, "hunchback") {
		t.Error("caption claims a shape the data do not have")
	}
}

// A profile with an overlap matrix gets the heat map, with its caption.
func TestReportOverlap(t *testing.T) {
	one, a := 1.0, 0.4
	p := profile.Profile{Method: "twonn", OverlapK: 30, Overlap: [][]*float64{{&one, &a}, {&a, &one}}, Layers: []profile.LayerResult{
		{Name: "l0", N: 100, Dim: 5, NUsed: 100, ID: 3, Warnings: []estimate.Warning{}},
		{Name: "l1", Index: 1, RelDepth: 1, N: 100, Dim: 5, NUsed: 100, ID: 2, Warnings: []estimate.Warning{}}}}
	page, err := Build([]plot.Doc{{Name: "p.json", Data: mustJSON(t, p)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	svgs, figs := wellFormed(t, page)
	if svgs != 2 || figs != 2 {
		t.Errorf("%d <svg> in %d <figure>, want the profile and the overlap", svgs, figs)
	}
	if s := string(page); !strings.Contains(s, `class="overlap"`) || !strings.Contains(s, "neighbourhood overlap of every pair of layers") {
		t.Error("no overlap figure with its caption")
	}
}

// A profile with imbalances gets the imbalance panel, with its caption.
func TestReportImbalance(t *testing.T) {
	a, b := 0.01, 0.6
	p := profile.Profile{Method: "twonn", ImbalanceInput: "l0", ImbalanceOutput: "l1", Layers: []profile.LayerResult{
		{Name: "l0", N: 100, Dim: 5, NUsed: 100, ID: 3, Warnings: []estimate.Warning{}, DeltaToInput: &a, DeltaFromInput: &a, DeltaToOutput: &b, DeltaFromOutput: &b},
		{Name: "l1", Index: 1, RelDepth: 1, N: 100, Dim: 5, NUsed: 100, ID: 2, Warnings: []estimate.Warning{}, DeltaToInput: &b, DeltaFromInput: &b, DeltaToOutput: &a, DeltaFromOutput: &a}}}
	page, err := Build([]plot.Doc{{Name: "p.json", Data: mustJSON(t, p)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	svgs, figs := wellFormed(t, page)
	if svgs != 2 || figs != 2 {
		t.Errorf("%d <svg> in %d <figure>, want the profile and the imbalance", svgs, figs)
	}
	if s := string(page); !strings.Contains(s, `class="imbalance"`) || !strings.Contains(s, "information imbalance (Glielmo et al. 2022") {
		t.Error("no imbalance figure with its caption")
	}
}
