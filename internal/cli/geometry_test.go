package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/intdim/intdim/result"
)

// The overlap and imbalance commands print DADApy's values on a reference
// array without ties (testdata/geometry/geometry.json, bm_M10a_Cubic), in
// every format, with their kind and version.
func TestOverlapImbalanceCommands(t *testing.T) {
	const x, y, lab = "../../testdata/refs/bm_M10a_Cubic.npy", "../../testdata/geometry/bm_M10a_Cubic_Y.npy", "../../testdata/geometry/bm_M10a_Cubic_labels.npy"
	near := func(got, want float64) bool { return got >= want*(1-1e-9) && got <= want*(1+1e-9) }

	code, out, errs := run("overlap", x, y, "--labels", lab, "--k", "30", "--format", "json")
	if code != 0 {
		t.Fatalf("overlap: exit %d: %s", code, errs)
	}
	var o result.Overlap
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatal(err)
	}
	if o.Kind != result.KindOverlap || o.Version != result.Version || o.K != 30 || o.N != 2000 || o.NClasses != 5 {
		t.Errorf("overlap header %+v", o)
	}
	if o.Overlap == nil || !near(*o.Overlap, 0.32844999999999996) {
		t.Errorf("overlap %v, DADApy 0.32845", o.Overlap)
	}
	if o.LabelOverlap == nil || !near(*o.LabelOverlap, 0.4070166666666667) {
		t.Errorf("label_overlap %v, DADApy 0.4070166666666667", o.LabelOverlap)
	}
	if k, err := result.Detect([]byte(out)); err != nil || k != result.KindOverlap {
		t.Errorf("Detect: %q, %v", k, err)
	}

	code, out, errs = run("imbalance", x, y, "--format", "json")
	if code != 0 {
		t.Fatalf("imbalance: exit %d: %s", code, errs)
	}
	var m result.Imbalance
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m.Kind != result.KindImbalance || !near(m.DeltaAB, 0.025215) || !near(m.DeltaBA, 0.07596699999999999) {
		t.Errorf("imbalance %+v, DADApy 0.025215, 0.075967", m)
	}

	_, out, _ = run("imbalance", x, y, "--format", "csv")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || lines[0] != "a,b,n,delta_ab,delta_ba" || !strings.HasSuffix(lines[1], ",2000,0.025215,0.075967") {
		t.Errorf("imbalance csv:\n%s", out)
	}
	_, out, _ = run("overlap", x, "--labels", lab)
	if !strings.Contains(out, "label overlap") || !strings.Contains(out, "0.4070") || strings.Contains(out, "neighbourhood overlap") {
		t.Errorf("overlap text, labels only:\n%s", out)
	}
	_, out, _ = run("overlap", x, y, "--format", "csv")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.Contains(lines[1], ",2000,30,0.32845") {
		t.Errorf("overlap csv:\n%s", out)
	}
}

// profile --overlap gives the same overlap and label overlap as the overlap
// command (DADApy's values), in every format, and leaves the IDs unchanged.
func TestProfileOverlapCommand(t *testing.T) {
	const x, y, lab = "../../testdata/refs/bm_M10a_Cubic.npy", "../../testdata/geometry/bm_M10a_Cubic_Y.npy", "../../testdata/geometry/bm_M10a_Cubic_labels.npy"
	near := func(got, want float64) bool { return got >= want*(1-1e-9) && got <= want*(1+1e-9) }
	code, out, errs := run("profile", x, y, "--overlap", "--overlap-k", "30", "--labels", lab, "--no-pca", "--format", "json")
	if code != 0 {
		t.Fatalf("profile --overlap: exit %d: %s", code, errs)
	}
	var p result.Profile
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.OverlapK != 30 || len(p.Overlap) != 2 || p.Overlap[0][1] == nil || !near(*p.Overlap[0][1], 0.32845) || *p.Overlap[1][0] != *p.Overlap[0][1] || *p.Overlap[0][0] != 1 {
		t.Fatalf("overlap %v (k %d), DADApy 0.32845", p.Overlap, p.OverlapK)
	}
	if l := p.Layers[0].LabelOverlap; l == nil || !near(*l, 0.4070166666666667) {
		t.Errorf("label_overlap %v, DADApy 0.4070166666666667", l)
	}
	_, plain, _ := run("profile", x, y, "--no-pca", "--format", "json")
	var q result.Profile
	if err := json.Unmarshal([]byte(plain), &q); err != nil {
		t.Fatal(err)
	}
	for i := range q.Layers {
		if q.Layers[i].ID != p.Layers[i].ID {
			t.Errorf("layer %d: ID %g with --overlap, %g without", i, p.Layers[i].ID, q.Layers[i].ID)
		}
	}
	if strings.Contains(plain, "overlap") {
		t.Errorf("a profile without --overlap mentions it:\n%s", plain)
	}
	_, out, _ = run("profile", x, y, "--overlap", "--labels", lab, "--no-pca")
	if !strings.Contains(out, "neighbourhood overlap (k = 30)") || !strings.Contains(out, "0.328") || !strings.Contains(out, "label overlap: bm_M10a_Cubic: 0.4070") {
		t.Errorf("profile --overlap text:\n%s", out)
	}
	_, out, _ = run("profile", x, y, "--overlap", "--no-pca", "--format", "csv")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], ",overlap_k,label_overlap,overlap_0,overlap_1") || !strings.HasSuffix(lines[1], ",30,,1,0.32845") {
		t.Errorf("profile --overlap csv:\n%s", out)
	}
	if code, _, errs := run("profile", x, y, "--overlap", "--overlap-k", "0"); code != 2 || !strings.Contains(errs, "overlap-k") {
		t.Errorf("--overlap-k 0: exit %d: %s", code, errs)
	}
	if code, _, errs := run("profile", x, y, "--overlap", "--overlap-k", "5000"); code != 1 || !strings.Contains(errs, "overlap k = 5000") {
		t.Errorf("--overlap-k 5000: exit %d: %s", code, errs)
	}
}

// profile --labels gives every layer the per-class IDs that estimate
// --labels gives for that file alone.
func TestProfileClassesCommand(t *testing.T) {
	const x, y, lab = "../../testdata/refs/bm_M10a_Cubic.npy", "../../testdata/geometry/bm_M10a_Cubic_Y.npy", "../../testdata/geometry/bm_M10a_Cubic_labels.npy"
	code, out, errs := run("profile", x, y, "--labels", lab, "--no-pca", "--format", "json")
	if code != 0 {
		t.Fatalf("profile --labels: exit %d: %s", code, errs)
	}
	var p result.Profile
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	for i, f := range []string{x, y} {
		_, out, _ := run("estimate", f, "--labels", lab, "--format", "json")
		var e result.Estimate
		if err := json.Unmarshal([]byte(out), &e); err != nil {
			t.Fatal(err)
		}
		l := p.Layers[i]
		if len(l.Classes) != 5 || len(e.Classes) != 5 || l.ClassesMean == nil || e.ClassesMean == nil ||
			*l.ClassesMean != *e.ClassesMean || *l.ClassesStd != *e.ClassesStd {
			t.Fatalf("layer %d: classes %+v mean %v, estimate --labels %+v mean %v", i, l.Classes, l.ClassesMean, e.Classes, e.ClassesMean)
		}
		for c := range l.Classes {
			if *l.Classes[c].ID != *e.Classes[c].ID || l.Classes[c].Label != e.Classes[c].Label {
				t.Errorf("layer %d class %d: %+v, estimate %+v", i, c, l.Classes[c], e.Classes[c])
			}
		}
		if l.LabelOverlap != nil {
			t.Error("label overlap without --overlap")
		}
	}
	_, out, _ = run("profile", x, y, "--labels", lab, "--no-pca")
	if !strings.Contains(out, "classes: bm_M10a_Cubic: mean ID") || !strings.Contains(out, "over 5 of 5 classes") {
		t.Errorf("profile --labels text:\n%s", out)
	}
	_, out, _ = run("profile", x, y, "--labels", lab, "--no-pca", "--format", "csv")
	if lines := strings.Split(out, "\n"); !strings.HasSuffix(lines[0], ",zero_rows,classes_mean,classes_std") {
		t.Errorf("profile --labels csv:\n%s", out)
	}
}
