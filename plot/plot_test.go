package plot

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/study"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// svgInfo renders f as SVG, checks that it is well-formed XML, and returns
// its text elements and the palette colours it uses (by index).
func svgInfo(t *testing.T, f *Figure) (texts []string, colours []int) {
	t.Helper()
	if saveHook != nil {
		saveHook(f)
	}
	var buf bytes.Buffer
	if err := f.WriteSVG(&buf); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inText = tok.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, string(tok))
			}
		case xml.EndElement:
			inText = false
		}
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?:stroke|fill):(#[0-9A-F]{6})`).FindAllStringSubmatch(buf.String(), -1) {
		used[m[1]] = true
	}
	for i, c := range Palette[:7] {
		r, g, b, _ := c.RGBA()
		if used[fmt.Sprintf("#%02X%02X%02X", r>>8, g>>8, b>>8)] {
			colours = append(colours, i)
		}
	}
	return texts, colours
}

var saveHook func(*Figure)

func wantTexts(t *testing.T, texts []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(texts, w) {
			t.Errorf("no text %q in the SVG (have %q)", w, texts)
		}
	}
}

func wantColours(t *testing.T, got []int, n int) {
	t.Helper()
	if len(got) != n || (n > 0 && got[n-1] != n-1) {
		t.Errorf("series colours %v, want the first %d of the palette", got, n)
	}
}

func ptr[T any](v T) *T { return &v }

// layers returns a hunchback profile of the paper's network.
func layers(scale float64, pc bool) []profile.LayerResult {
	names := []string{"input", "conv1", "pool1", "conv2", "pool2", "d1", "output"}
	ids := []float64{13.1, 12.8, 12.8, 10.9, 11.6, 9.1, 6.3}
	dims := []int{784, 21632, 5408, 7744, 1600, 128, 10}
	var ls []profile.LayerResult
	for i := range names {
		l := profile.LayerResult{Name: names[i], Index: i, RelDepth: float64(i) / 6, N: 2000, Dim: dims[i], ID: ids[i] * scale, Err: ptr(0.3)}
		if pc {
			l.PCID = ptr(int(float64(dims[i]) / 10))
		}
		ls = append(ls, l)
	}
	return ls
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestProfileDemo(t *testing.T) {
	demo := map[string]any{"method": "twonn-ml", "seed": 3, "models": []study.Model{
		{Name: "trained", TestAccuracy: ptr(0.99), Layers: layers(1, true)},
		{Name: "untrained", TestAccuracy: ptr(0.11), Layers: layers(1.1, true)},
		{Name: "shuffled", TestAccuracy: ptr(0.10), Layers: layers(1.6, true)},
	}}
	figs, err := FromJSON(Doc{"demo.json", mustJSON(t, demo)})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := Models(Doc{"demo.json", mustJSON(t, demo)})
	if err != nil || len(ms) != 3 || ms[2].Method != "twonn-ml" || ms[2].Seed != 3 {
		t.Errorf("models: %v (%+v)", err, ms)
	}
	// The profile only: the accuracy scatter is the study's.
	if len(figs) != 1 || figs[0].Kind != "profile" {
		t.Fatalf("figures %v", kinds(figs))
	}
	f := figs[0]
	if len(f.Panels) != 2 {
		t.Fatalf("%d panels, want ID and PC-ID", len(f.Panels))
	}
	texts, cols := svgInfo(t, f)
	wantTexts(t, texts, "Intrinsic dimension across layers", "ID, PC-ID and layer width",
		"ID (twonn-ml)", "dimension", "layer (at its relative depth)", "input", "pool2", "d1", "output",
		"trained (99.0 %)", "untrained (11.0 %)", "shuffled (10.0 %)",
		"right panel: twonn-ml ID (model's colour)", "right panel: PC-ID, 90 % (model's colour)", "right panel: layer width")
	wantColours(t, cols, 3)
	if got := f.Legend(); len(got) != 6 {
		t.Errorf("legend %q, want 3 models and 3 keys", got)
	}
	// The PC-ID panel is logarithmic and spans the widths.
	if _, ok := f.Panels[1].Y.Scale.(interface{ Normalize(a, b, x float64) float64 }); !ok || f.Panels[1].Y.Max < 21632 || f.Panels[1].Y.Min > 6.3 {
		t.Errorf("PC-ID axis [%g, %g]", f.Panels[1].Y.Min, f.Panels[1].Y.Max)
	}
}

func TestProfileFilesOverlay(t *testing.T) {
	a := profile.Profile{Method: "twonn", Layers: layers(1, false)}
	b := profile.Profile{Method: "twonn", Layers: layers(1, false)[:4]}
	for i := range b.Layers {
		b.Layers[i].RelDepth = float64(i) / 3
	}
	figs, err := FromJSON(Doc{"dir/net-a.json", mustJSON(t, a)}, Doc{"net-b.json", mustJSON(t, b)})
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 1 {
		t.Fatalf("figures %v, want the profile only (no accuracies)", kinds(figs))
	}
	texts, cols := svgInfo(t, figs[0])
	wantTexts(t, texts, "relative depth", "net-a", "net-b", "right panel: twonn ID (model's colour)", "right panel: layer width")
	if slices.Contains(texts, "right panel: PC-ID, 90 % (model's colour)") {
		t.Error("PC-ID key without PC-IDs")
	}
	wantColours(t, cols, 2)
}

func TestScaleFigures(t *testing.T) {
	rep := estimate.Report{Input: "x.npy", N: 1000, Dim: 5, Results: []estimate.Result{
		{Method: "twonn-blocks", ID: 5, Scales: []int{1000, 500, 333, 250}, IDs: []float64{5, 5.1, 5.2, 5.1}, Errs: []float64{0, 0.2, 0.3, 0.3}},
		{Method: "twonn-decimate", ID: 5, Scales: []int{1000, 500, 250, 125}, IDs: []float64{5, 5.1, 5.1, 5.4}, Errs: []float64{0, 0.2, 0.3, 0.5}},
		{Method: "gride", ID: 5, Scales: []int{2, 4, 8, 16, 32}, IDs: []float64{5, 5, 4.9, 4.8, 4.5}, Errs: []float64{0.2, 0.15, 0.1, 0.1, 0.1}},
	}}
	figs, err := FromJSON(Doc{"scale.json", mustJSON(t, rep)})
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 2 || figs[0].Kind != "scale" || figs[1].Kind != "scale-rank" {
		t.Fatalf("figures %v, want scale and scale-rank", kinds(figs))
	}
	texts, cols := svgInfo(t, figs[0])
	wantTexts(t, texts, "number of points N", "intrinsic dimension", "twonn-blocks", "twonn-decimate", "200", "500", "1000")
	wantColours(t, cols, 2)
	texts, cols = svgInfo(t, figs[1])
	wantTexts(t, texts, "neighbour rank n₂", "gride", "2", "5", "10", "20")
	wantColours(t, cols, 1)
}

func TestFitFigure(t *testing.T) {
	mu := synth.ParetoRatios(200, 4, 1)
	fit, err := estimate.TwoNN(mu, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	fd := NewFitData("pareto", fit)
	// Y[N−1] = +Inf is left out: JSON cannot hold it.
	if len(fd.X) != fit.N-1 || len(fd.Y) != fit.N-1 || fd.NFit != fit.NFit {
		t.Fatalf("fit data: %d x, %d y, n_fit %d", len(fd.X), len(fd.Y), fd.NFit)
	}
	figs, err := FromJSON(Doc{"fit.json", mustJSON(t, fd)})
	if err != nil {
		t.Fatal(err)
	}
	texts, cols := svgInfo(t, figs[0])
	wantTexts(t, texts, "log μ", "−log(1 − F(μ))", "fitted (180 points)", "discarded (20 points)",
		fmt.Sprintf("slope ID = %.3g", fit.ID), fmt.Sprintf("pareto: TwoNN fit: ID = %.3g", fit.ID))
	wantColours(t, cols, 2)
}

func TestSpectrumFigure(t *testing.T) {
	spec := func(a float64) []float64 {
		v := make([]float64, 50)
		var s float64
		for k := range v {
			v[k] = math.Pow(float64(k+1), -a)
			s += v[k]
		}
		for k := range v {
			v[k] /= s
		}
		return v
	}
	docs := []Doc{
		{"a.json", mustJSON(t, estimate.Report{Input: "layer1", Results: []estimate.Result{{Method: "pca", ID: 9, Spectrum: spec(1)}}})},
		{"b.json", mustJSON(t, estimate.Report{Input: "layer2", Results: []estimate.Result{{Method: "pca", ID: 3, Spectrum: spec(2)}}})},
	}
	figs, err := FromJSON(docs...)
	if err != nil {
		t.Fatal(err)
	}
	texts, cols := svgInfo(t, figs[0])
	// PC-ID: the number of components whose cumulative share first
	// exceeds 0.9.
	pcid := func(v []float64) int {
		cum := 0.0
		for k := range v {
			if cum += v[k]; cum > 0.9 {
				return k + 1
			}
		}
		return 0
	}
	wantTexts(t, texts, "Normalised PCA spectrum", "principal component", "explained variance ratio",
		fmt.Sprintf("layer1 (PC-ID %d)", pcid(spec(1))), fmt.Sprintf("layer2 (PC-ID %d)", pcid(spec(2))), "1", "10")
	wantColours(t, cols, 2)
}

func TestAccuracyFigure(t *testing.T) {
	a := &study.Accuracy{Kind: KindAccuracy, Networks: []study.Network{
		{Name: "mlp-64", Family: "mlp", TestAccuracy: 0.96, ID: 12, Err: ptr(0.5)},
		{Name: "mlp-256", Family: "mlp", TestAccuracy: 0.975, ID: 10},
		{Name: "cnn-8", Family: "cnn", TestAccuracy: 0.98, ID: 9, Err: ptr(0.4)},
		{Name: "cnn-32", Family: "cnn", TestAccuracy: 0.99, ID: 7},
		{Name: "cnn-64", Family: "cnn", TestAccuracy: 0.992, ID: 6.5},
	}}
	a.Correlate()
	figs, err := FromJSON(Doc{"study.json", mustJSON(t, a)})
	if err != nil {
		t.Fatal(err)
	}
	texts, cols := svgInfo(t, figs[0])
	wantTexts(t, texts, "ID of the last hidden layer", "test error (%)", "cnn", "mlp", "least squares",
		fmt.Sprintf("r = %.2f, p = %s, N = 5", a.Pearson.R, formatP(a.Pearson.P)), "mlp-64", "cnn-64")
	wantColours(t, cols, 2)
	if a.Pearson.R < 0.9 {
		t.Errorf("r = %.3f: ID and error rise together here", a.Pearson.R)
	}

	// Two data sets: groups by data set and family, a line and an r each.
	for i := range a.Networks {
		a.Networks[i].Dataset = "mnist"
	}
	b := &study.Accuracy{Kind: KindAccuracy, Networks: []study.Network{
		{Name: "f1", Family: "mlp", Dataset: "fashion", TestAccuracy: 0.85, ID: 14},
		{Name: "f2", Family: "mlp", Dataset: "fashion", TestAccuracy: 0.86, ID: 12},
		{Name: "f3", Family: "cnn", Dataset: "fashion", TestAccuracy: 0.91, ID: 10},
	}}
	m := study.Merge(a, b)
	figs, err = FromJSON(Doc{"both.json", mustJSON(t, m)})
	if err != nil {
		t.Fatal(err)
	}
	texts, cols = svgInfo(t, figs[0])
	wantTexts(t, texts, "fashion cnn", "fashion mlp", "mnist cnn", "mnist mlp", "mnist: least squares", "fashion: least squares",
		fmt.Sprintf("r = %.2f, p = %s, N = 3", m.ByDataset[1].Pearson.R, formatP(m.ByDataset[1].Pearson.P)),
		fmt.Sprintf("pooled: r = %.2f, p = %s, N = 8", m.Pearson.R, formatP(m.Pearson.P)))
	wantColours(t, cols, 4)
}

func TestLinearizedFigure(t *testing.T) {
	l := &study.Linearization{Kind: KindLinearize, Input: "x.npy", Sizes: []int{250, 500, 1000},
		DataIDs: []float64{2, 2, 2}, DataErrs: []float64{0.1, 0.1, 0}, SurrogateIDs: []float64{15, 17, 19}, SurrogateErrs: []float64{1, 1, 0}}
	figs, err := FromJSON(Doc{"lin.json", mustJSON(t, l)})
	if err != nil {
		t.Fatal(err)
	}
	texts, cols := svgInfo(t, figs[0])
	wantTexts(t, texts, "Data against its linearized surrogate", "number of points N", "x.npy", "Gaussian, same covariance")
	wantColours(t, cols, 2)
}

func TestPNGAndSave(t *testing.T) {
	l := &study.Linearization{Sizes: []int{100, 1000}, DataIDs: []float64{2, 2}, SurrogateIDs: []float64{10, 12}}
	f := Linearized(l)
	dir := t.TempDir()
	for _, name := range []string{"fig.png", "fig.svg"} {
		if err := f.Save(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := os.Open(filepath.Join(dir, "fig.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	w, h := f.Size()
	if dx, dy := img.Bounds().Dx(), img.Bounds().Dy(); dx != int(float64(w/vg.Inch)*DPI+0.5) || dy != int(float64(h/vg.Inch)*DPI+0.5) {
		t.Errorf("PNG %d×%d, want %.0f×%.0f", dx, dy, float64(w/vg.Inch)*DPI, float64(h/vg.Inch)*DPI)
	}
	if err := f.Save(filepath.Join(dir, "fig.gif")); err == nil {
		t.Error("fig.gif: no error")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("files left: %v", ents)
	}
}

func TestDetectAndErrors(t *testing.T) {
	for doc, want := range map[string]string{
		`{"models": []}`:                                  KindDemo,
		`{"method": "twonn", "layers": []}`:               KindProfile,
		`{"input": "x", "results": []}`:                   KindEstimate,
		`{"method": "blocks", "scales": [1], "ids": [2]}`: KindScale,
		`{"kind": "twonn-fit", "x": [], "y": []}`:         KindFit,
		`{"kind": "linearize"}`:                           KindLinearize,
		`{"kind": "accuracy-study", "networks": []}`:      KindAccuracy,
	} {
		if got, err := Detect([]byte(doc)); got != want || err != nil {
			t.Errorf("Detect(%s) = %q, %v; want %q", doc, got, err, want)
		}
	}
	for doc, msg := range map[string]string{
		`[1, 2]`:          "not a JSON object",
		`{"kind": "pie"}`: `unknown kind "pie"`,
		`{"hello": 1}`:    "not an intdim result",
		`{"results": [{"method": "twonn", "id": 3}]}`: "nothing to draw",
		`{"layers": [{"name": 3}]}`:                   "bad JSON",
		`{"models": [{"name": "m"}]}`:                 "has no layers",
		`{"kind": "twonn-fit", "x": [1], "y": []}`:    "1 x and 0 y",
	} {
		_, err := FromJSON(Doc{"in.json", []byte(doc)})
		if err == nil || !strings.HasPrefix(err.Error(), "in.json: ") || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: err = %v, want in.json: …%s…", doc, err, msg)
		}
	}
}

func kinds(figs []*Figure) []string {
	var k []string
	for _, f := range figs {
		k = append(k, f.Kind)
	}
	return k
}

// Layers at one relative depth are not joined by a vertical segment: the
// line goes through the last of them.
func TestLineSkipsEqualDepths(t *testing.T) {
	got := lineXYs(plotter.XYs{{X: 0, Y: 1}, {X: 0.5, Y: 2}, {X: 0.5, Y: 3}, {X: 1, Y: 4}, {X: 1, Y: 5}})
	want := plotter.XYs{{X: 0, Y: 1}, {X: 0.5, Y: 3}, {X: 1, Y: 5}}
	if !slices.Equal(got, want) {
		t.Errorf("line through %v, want %v", got, want)
	}
}

// Notes state what the profiles show, computed: the peak, the last hidden
// layer's ID and its ratios to the PC-ID and the width.
func TestProfileNotes(t *testing.T) {
	pc := func(v int) *int { return &v }
	m := study.Model{Name: "net", Layers: []profile.LayerResult{
		{Name: "input", ID: 13.2, Dim: 784, PCID: pc(153), RelDepth: 0},
		{Name: "pool2", ID: 26.1, Dim: 1600, PCID: pc(646), RelDepth: 0.5},
		{Name: "d1", ID: 15.5, Dim: 128, PCID: pc(104), RelDepth: 0.75},
		{Name: "output", ID: 8.7, Dim: 10, PCID: pc(8), RelDepth: 1},
	}}
	got := Profile([]study.Model{m}, "").Notes
	want := "net: the ID peaks at pool2 (26.1, relative depth 0.50); the last hidden layer, d1, has ID 15.5, 15 % of its PC-ID (104) and 12 % of its width (128)."
	if got != want {
		t.Errorf("notes\n%s\nwant\n%s", got, want)
	}
	// A profile falling from its input says so, and no peak is invented.
	m.Layers[1].ID, m.Layers[2].ID = 11, 9.4
	if got := Profile([]study.Model{m}, "").Notes; !strings.Contains(got, "highest at the first layer, input (13.2)") ||
		!strings.Contains(got, "d1, has ID 9.4, 9 % of its PC-ID") {
		t.Errorf("falling profile: %s", got)
	}
}

// A peak at the last hidden layer is named once, with its ratios.
func TestProfileNotesPeakAtLastHidden(t *testing.T) {
	pc := func(v int) *int { return &v }
	m := study.Model{Name: "untrained", Layers: []profile.LayerResult{
		{Name: "input", ID: 13}, {Name: "d1", ID: 14, Dim: 128, PCID: pc(66)}, {Name: "output", ID: 9, Dim: 10},
	}}
	want := "untrained: the ID peaks at the last hidden layer, d1 (14), 21 % of its PC-ID (66) and 11 % of its width (128)."
	if got := Profile([]study.Model{m}, "").Notes; got != want {
		t.Errorf("notes\n%s\nwant\n%s", got, want)
	}
}

// Documents with kind and version (package result) are read by their
// type: a scale document is drawn as a scale figure, a profile --model
// document carries its name and accuracy.
func TestTypedDocuments(t *testing.T) {
	scale := []byte(`{"kind": "scale", "version": 1, "input": "x.npy", "n": 100, "dim": 3, "n_used": 100, "duplicates": 0, "seed": 1,
		"results": [{"method": "twonn-blocks", "id": 2, "err": null, "lo": null, "hi": null, "scales": [100, 50, 25], "ids": [2, 2.1, 2.3], "errs": [0, 0.1, 0.2]}], "warnings": []}`)
	figs, err := FromJSON(Doc{Name: "s.json", Data: scale})
	if err != nil || len(figs) != 1 || figs[0].Kind != "scale" || !strings.Contains(figs[0].Notes, "ID 2.3 at N = 25, 2 at N = 100") {
		t.Fatalf("scale document: %v, %v", figs, err)
	}
	prof := []byte(`{"kind": "profile", "version": 1, "model": "run/", "data": "mnist-test", "test_accuracy": 0.97, "method": "twonn", "seed": 1,
		"layers": [{"name": "input", "index": 0, "depth": null, "rel_depth": 0, "n": 10, "dim": 4, "id": 3, "err": null, "pc_id": 2, "warnings": []}]}`)
	ms, err := Models(Doc{Name: "dir/run.json", Data: prof})
	if err != nil || len(ms) != 1 || ms[0].Name != "run" || ms[0].TestAccuracy == nil || *ms[0].TestAccuracy != 0.97 || ms[0].Data != "mnist-test" {
		t.Fatalf("profile --model document: %+v, %v", ms, err)
	}
	if _, err := Detect([]byte(`{"kind": "profile", "version": 1}`)); err != nil {
		t.Errorf("a typed document is detected by its kind: %v", err)
	}
}

// A failed layer (no ID) is named in the notes, never drawn or ranked.
func TestProfileNotesFailedLayer(t *testing.T) {
	m := study.Model{Name: "net", Layers: []profile.LayerResult{
		{Name: "a", ID: 4.1}, {Name: "b", ID: math.NaN(), Error: "constant layer"}, {Name: "c", ID: 2.5},
	}}
	want := "net: the ID is highest at the first layer, a (4.1); no ID for b (failed, see the table)."
	if got := Profile([]study.Model{m}, "").Notes; got != want {
		t.Errorf("notes\n%s\nwant\n%s", got, want)
	}
}

// A training log with tracked IDs gives the training figure, one curve per
// layer; a log without IDs says how to get them.
func TestTrainingLog(t *testing.T) {
	doc := []byte(`{"kind": "train-log", "version": 1, "data": "mnist", "arch": "conv=;hidden=8", "args": [], "layers": ["input", "d1"],
		"rows": [{"epoch": 0, "step": 0, "lr": 0.01, "train_loss": null, "train_accuracy": null, "test_loss": 2.3, "test_accuracy": 0.1, "seconds": 0, "ids": {"input": 13, "d1": 9}},
		         {"epoch": 1, "step": 10, "lr": 0.01, "train_loss": 0.5, "train_accuracy": 0.8, "test_loss": 0.4, "test_accuracy": 0.9, "seconds": 1, "ids": {"input": 13, "d1": 6}}]}`)
	figs, err := FromJSON(Doc{Name: "log.json", Data: doc})
	if err != nil || len(figs) != 1 || figs[0].Kind != "training" || !slices.Equal(figs[0].Legend(), []string{"input", "d1"}) ||
		figs[0].Notes != "ID from epoch 0 to 1: input 13 → 13, d1 9 → 6. Test accuracy after epoch 1: 90.00 %." {
		t.Fatalf("training figure: %v, %v", figs, err)
	}
	bare := []byte(`{"kind": "train-log", "version": 1, "layers": ["input"], "rows": [{"epoch": 1, "test_accuracy": 0.9}]}`)
	if _, err := FromJSON(Doc{Name: "log.json", Data: bare}); !errors.Is(err, ErrNoTrackedIDs) || !strings.HasPrefix(err.Error(), "log.json: ") {
		t.Errorf("log without IDs: %v", err)
	}
}
