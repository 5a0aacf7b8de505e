package result

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/profile"
)

// withDuplicates returns n distinct points of a d-cube in d dimensions
// followed by copies of the first c.
func withDuplicates(n, c, d int, seed uint64) *cloud.Matrix {
	x := synth.Hypercube(n, d, d, seed)
	x = append(x, x[:c*d]...)
	return cloud.Must64(x, n+c, d)
}

// csvRecords parses CSV output into maps from header to value.
func csvRecords(t *testing.T, out string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("bad CSV: %v\n%s", err, out)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// TestEstimateDroppedInEveryFormat: under --duplicates drop, n_used,
// dropped and the warning reach JSON, CSV and text; under collapse, the
// duplicates do.
func TestEstimateDroppedInEveryFormat(t *testing.T) {
	x := withDuplicates(300, 40, 3, 1) // 40 pairs: 80 points at distance 0
	for _, tc := range []struct {
		policy                   string
		nUsed, dups, dropped     int
		warning, text, twonnConv string
		paper                    bool
	}{
		{"drop", 260, 0, 80, "dropped 80 points at distance 0", "(260 used, 0 duplicates collapsed, 80 dropped from the TwoNN fits)", "default", false},
		{"collapse", 300, 40, 0, "collapsed 40 duplicate rows", "(300 used, 40 duplicates collapsed)", "default", false},
	} {
		opt := &estimate.Options{Duplicates: estimate.DuplicatePolicy(tc.policy), Paper: tc.paper}
		rep, err := estimate.Points(x, opt)
		if err != nil {
			t.Fatal(err)
		}
		rep.Input = "x.npy"
		doc := NewEstimate(rep, opt)
		var js, cs, tx bytes.Buffer
		for f, b := range map[string]*bytes.Buffer{"json": &js, "csv": &cs, "text": &tx} {
			if err := doc.Write(b, f); err != nil {
				t.Fatal(err)
			}
		}
		var m struct {
			Kind       Kind
			Version    int
			N          int
			NUsed      int `json:"n_used"`
			Duplicates int
			Dropped    int
			Warnings   []string
			TwoNN      string `json:"twonn_convention"`
		}
		if err := json.Unmarshal(js.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if m.Kind != KindEstimate || m.Version != Version || m.N != 340 || m.NUsed != tc.nUsed || m.Duplicates != tc.dups ||
			m.Dropped != tc.dropped || m.TwoNN != tc.twonnConv || !strings.Contains(strings.Join(m.Warnings, "|"), tc.warning) {
			t.Errorf("%s: JSON %+v", tc.policy, m)
		}
		rows := csvRecords(t, cs.String())
		r := rows[0]
		if len(rows) != 1 || r["n"] != "340" || r["n_used"] != itoa(tc.nUsed) || r["duplicates"] != itoa(tc.dups) ||
			r["dropped"] != itoa(tc.dropped) || r["twonn_convention"] != tc.twonnConv || !strings.Contains(r["warnings"], tc.warning) {
			t.Errorf("%s: CSV %v", tc.policy, r)
		}
		if s := tx.String(); !strings.Contains(s, "340 points "+tc.text) || !strings.Contains(s, "warning: "+tc.warning) ||
			!strings.Contains(s, "TwoNN convention "+tc.twonnConv) {
			t.Errorf("%s: text\n%s", tc.policy, s)
		}
	}
}

func itoa(v int) string { b, _ := json.Marshal(v); return string(b) }

// TestConventionOnlyForTwoNN: the TwoNN convention is named when a TwoNN
// fit ran, and not for MLE alone.
func TestConventionOnlyForTwoNN(t *testing.T) {
	x := cloud.Must64(synth.Hypercube(200, 3, 3, 2), 200, 3)
	for meth, want := range map[string]string{"mle": "", "twonn": "paper"} {
		opt := &estimate.Options{Method: estimate.Method(meth), Paper: true}
		rep, err := estimate.Points(x, opt)
		if err != nil {
			t.Fatal(err)
		}
		if got := NewEstimate(rep, opt).TwoNN; got != want {
			t.Errorf("%s: convention %q, want %q", meth, got, want)
		}
	}
	rep, err := estimate.Scale(x, estimate.ScaleOptions{Blocks: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := NewScale(rep, nil); s.Kind != KindScale || s.TwoNN != ConventionDefault {
		t.Errorf("scale document %+v", s.Header)
	}
}

// TestProfileCountsAndFailuresInEveryFormat: a profile with a constant
// layer, a layer of two distinct points and a layer with duplicates carries
// every layer's counts, warnings and errors in JSON, CSV and text.
func TestProfileCountsAndFailuresInEveryFormat(t *testing.T) {
	constant := make([]float64, 50*3)
	for i := range constant {
		constant[i] = 1
	}
	two := make([]float64, 50*3)
	for i := range 50 {
		two[i*3] = float64(i % 2)
	}
	layers := []profile.Layer{
		{Name: "dups", Points: withDuplicates(200, 30, 3, 3)},
		{Name: "constant", Points: cloud.Must64(constant, 50, 3)},
		{Name: "two", Points: cloud.Must64(two, 50, 3)},
		{Name: "ok", Points: cloud.Must64(synth.Hypercube(200, 2, 3, 4), 200, 3)},
	}
	p, err := profile.Run(layers, nil)
	if err == nil || !strings.Contains(err.Error(), "layer constant") || !strings.Contains(err.Error(), "layer two") {
		t.Fatalf("Run error %v, want both failed layers named", err)
	}
	if len(p.Layers) != 4 || len(p.Failed()) != 2 {
		t.Fatalf("%d layers, %d failed", len(p.Layers), len(p.Failed()))
	}
	doc := NewProfile(p, nil)
	var js, cs, tx bytes.Buffer
	for f, b := range map[string]*bytes.Buffer{"json": &js, "csv": &cs, "text": &tx} {
		if err := doc.Write(b, f); err != nil {
			t.Fatal(err)
		}
	}
	// JSON: failed layers have "id": null and their error.
	var raw struct {
		Kind   Kind
		TwoNN  string `json:"twonn_convention"`
		Layers []map[string]any
	}
	if err := json.Unmarshal(js.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Kind != KindProfile || raw.TwoNN != ConventionDefault {
		t.Errorf("JSON header %+v", raw)
	}
	want := []struct {
		n, nUsed, dups float64
		failed         bool
	}{{230, 200, 30, false}, {50, 0, 0, true}, {50, 0, 0, true}, {200, 200, 0, false}}
	for i, l := range raw.Layers {
		w := want[i]
		id, hasID := l["id"]
		_, hasErr := l["error"]
		if !hasID || (id == nil) != w.failed || hasErr != w.failed || l["n"] != w.n || l["n_used"] != w.nUsed ||
			l["duplicates"] != w.dups || l["dropped"] != 0.0 || l["warnings"] == nil {
			t.Errorf("JSON layer %d: %v", i, l)
		}
	}
	if !strings.Contains(raw.Layers[0]["warnings"].([]any)[0].(string), "collapsed 30 duplicate rows") {
		t.Errorf("JSON warnings %v", raw.Layers[0]["warnings"])
	}
	// JSON round trip: a null ID reads back as NaN with the error.
	var back profile.Profile
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.Layers[1].ID) || !back.Layers[1].Failed() || back.Layers[0].ID != p.Layers[0].ID || back.Layers[0].NUsed != 200 {
		t.Errorf("round trip: %+v", back.Layers[:2])
	}
	// CSV: the counts, warnings and errors are columns.
	rows := csvRecords(t, cs.String())
	if len(rows) != 4 || rows[0]["n"] != "230" || rows[0]["n_used"] != "200" || rows[0]["duplicates"] != "30" ||
		rows[0]["dropped"] != "0" || !strings.Contains(rows[0]["warnings"], "collapsed 30") || rows[0]["error"] != "" ||
		rows[1]["id"] != "" || !strings.Contains(rows[1]["error"], "distinct points") || rows[3]["twonn_convention"] != "default" {
		t.Errorf("CSV %v", rows)
	}
	// Text: the counts in the table, the warnings and failures below it.
	s := tx.String()
	for _, sub := range []string{"failed", "warning: dups: collapsed 30 duplicate rows", "failed: constant: ", "failed: two: 2 distinct points", "TwoNN convention: default"} {
		if !strings.Contains(s, sub) {
			t.Errorf("text lacks %q:\n%s", sub, s)
		}
	}
	if !strings.Contains(strings.Split(s, "\n")[1], " 230   200     30        0 ") {
		t.Errorf("text row of dups: %q", strings.Split(s, "\n")[1])
	}
}

// TestDetect reads the kind field, and the shape of documents without one.
func TestDetect(t *testing.T) {
	for doc, want := range map[string]Kind{
		`{"kind": "scale", "results": []}`: KindScale,
		`{"results": []}`:                  KindEstimate,
		`{"layers": []}`:                   KindProfile,
		`{"models": []}`:                   KindDemo,
		`{"kind": "twonn-fit"}`:            "twonn-fit",
	} {
		if got, err := Detect([]byte(doc)); got != want || err != nil {
			t.Errorf("Detect(%s) = %q, %v; want %q", doc, got, err, want)
		}
	}
	for _, doc := range []string{`[1]`, `{"x": 1}`, `{`} {
		if _, err := Detect([]byte(doc)); err == nil {
			t.Errorf("Detect(%s): no error", doc)
		}
	}
}

// TestZeroRowsInEveryFormat: rows of zero norm left out under the cosine
// metric are counted in JSON, CSV and text.
func TestZeroRowsInEveryFormat(t *testing.T) {
	const n, d = 200, 4
	x := synth.Hypercube(n, 3, d, 6)
	for i := range 2 * d {
		x[i] = 0 // rows 0 and 1
	}
	opt := &estimate.Options{Metric: knn.Cosine, ZeroRows: "drop"}
	rep, err := estimate.Points(cloud.Must64(x, n, d), opt)
	if err != nil {
		t.Fatal(err)
	}
	doc := NewEstimate(rep, opt)
	var js, cs, tx bytes.Buffer
	for f, b := range map[string]*bytes.Buffer{"json": &js, "csv": &cs, "text": &tx} {
		if err := doc.Write(b, f); err != nil {
			t.Fatal(err)
		}
	}
	var m struct {
		ZeroRows int `json:"zero_rows"`
		NUsed    int `json:"n_used"`
	}
	if err := json.Unmarshal(js.Bytes(), &m); err != nil || m.ZeroRows != 2 || m.NUsed != n-2 {
		t.Errorf("JSON %+v, %v", m, err)
	}
	if r := csvRecords(t, cs.String())[0]; r["zero_rows"] != "2" || r["n_used"] != "198" || !strings.Contains(r["warnings"], "zero norm") {
		t.Errorf("CSV %v", r)
	}
	if s := tx.String(); !strings.Contains(s, "(198 used, 0 duplicates collapsed, 2 of zero norm left out)") {
		t.Errorf("text\n%s", s)
	}
}
