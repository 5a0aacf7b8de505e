package cli

import (
	"encoding/json"
	"encoding/xml"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/result"
)

// intdim local --figure draws the histogram of the local IDs as PNG or
// SVG; the JSON names the figure and carries the histogram (every finite
// value counted once), which 'intdim plot' draws again.
func TestLocalFigure(t *testing.T) {
	dir := t.TempDir()
	pngPath, svgPath := filepath.Join(dir, "hist.png"), filepath.Join(dir, "hist.svg")
	code, stdout, errs := run("local", "../../testdata/refs/bm_M10a_Cubic.npy", "--figure", pngPath, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc result.Local
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Figure != pngPath || doc.Histogram == nil || len(doc.Histogram.Edges) != len(doc.Histogram.Counts)+1 {
		t.Fatalf("document %+v", doc)
	}
	sum := 0
	for _, c := range doc.Histogram.Counts {
		sum += c
	}
	if sum != doc.N-doc.NNonFinite || sum != 2000 || len(doc.Histogram.Counts) != 45 {
		t.Errorf("histogram counts %d values in %d bins, want 2000 in 45", sum, len(doc.Histogram.Counts))
	}
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil || img.Bounds().Dx() < 500 || img.Bounds().Dy() < 300 {
		t.Fatalf("hist.png: %v", err)
	}
	code, _, errs = run("local", "../../testdata/refs/bm_M10a_Cubic.npy", "--method", "tle", "--figure", svgPath)
	if code != 0 {
		t.Fatalf("svg: exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(strings.NewReader(string(b)))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("hist.svg is not XML: %v", err)
		}
	}
	for _, want := range []string{"bm_M10a_Cubic.npy: local ID (tle, k = 20)", "2000 points drawn, 0 non-finite left out", "global ID"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("hist.svg lacks %q", want)
		}
	}
	// plot draws the local document's histogram.
	jsonPath := filepath.Join(dir, "local.json")
	if err := os.WriteFile(jsonPath, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "again.png")
	code, pout, errs := run("plot", jsonPath, "--out", out, "--format", "json")
	if code != 0 || !strings.Contains(pout, `"kind": "local"`) || !strings.Contains(pout, "2000 with a finite local ID in the histogram, 0 non-finite left out") {
		t.Errorf("plot: exit %d: %s%s", code, pout, errs)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Errorf("plot wrote no figure: %v", err)
	}
	// A bad path: nothing computed, nothing written, the path named.
	for _, c := range []struct {
		path string
		code int
		msg  string
	}{{filepath.Join(dir, "no", "h.png"), 1, "no directory"}, {filepath.Join(dir, "h.gif"), 2, "unknown image type"}, {dir, 2, "unknown image type"}} {
		code, _, errs := run("local", "../../testdata/refs/bm_M10a_Cubic.npy", "--figure", c.path)
		if code != c.code || !strings.Contains(errs, c.path) || !strings.Contains(errs, c.msg) {
			t.Errorf("--figure %s: exit %d, %q", c.path, code, errs)
		}
	}
}
