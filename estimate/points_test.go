package estimate

import (
	"errors"
	"github.com/intdim/intdim/cloud"
	"math"
	"testing"

	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

func TestPointsMatchesTwoNN(t *testing.T) {
	n, d := 800, 6
	x := synth.Hypercube(n, 4, d, 11)
	rep, err := Points(cloud.Must64(x, n, d), nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := knn.Search(cloud.Must64(x, n, d), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := TwoNN(Ratios(g), 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Results[0]; r.Method != "twonn" || r.ID != f.ID || r.Err != nil {
		t.Fatalf("Points %+v, TwoNN %g", r, f.ID)
	}
	if rep.N != n || rep.NUsed != n || rep.Dim != d || rep.Duplicates != 0 {
		t.Fatalf("report header %+v", rep)
	}
}

// Resampling: the mean over subsets equals the mean of TwoNN on each
// subset searched from scratch, and it is close to the full estimate.
func TestPointsResample(t *testing.T) {
	n, d := 600, 5
	x := synth.Hypercube(n, 3, d, 4)
	opt := &Options{Resample: 6, Seed: 9}
	rep, err := Points(cloud.Must64(x, n, d), opt)
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := prepare(cloud.Must64(x, n, d), opt.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.drawSubsets(); err != nil {
		t.Fatal(err)
	}
	var ids []float64
	for _, rows := range e.subsets {
		if len(rows) != 540 {
			t.Fatalf("subset of %d points, want 540", len(rows))
		}
		sub := cloud.Must64(x, n, d).Rows(rows)
		g, err := knn.Search(sub, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		f, err := TwoNN(Ratios(g), 0.1)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	mean, std := meanStd(ids)
	r := rep.Results[0]
	if r.ID != mean || r.Err == nil || *r.Err != std {
		t.Fatalf("resampled %g ± %v, want %g ± %g", r.ID, r.Err, mean, std)
	}
	if std <= 0 || math.Abs(mean-3) > 0.3 {
		t.Fatalf("3-cube: %g ± %g", mean, std)
	}
	// The same seed gives the same subsets; another seed others.
	rep2, _ := Points(cloud.Must64(x, n, d), &Options{Resample: 6, Seed: 10})
	if rep2.Results[0].ID == r.ID {
		t.Fatal("seed has no effect")
	}
}

func TestPointsDuplicatePolicies(t *testing.T) {
	n, d := 500, 4
	x := synth.Hypercube(n, 2, d, 1)
	x = append(x, x[:50*d]...)
	rep, err := Points(cloud.Must64(x, n+50, d), nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Points(cloud.Must64(x[:n*d], n, d), nil)
	if rep.Duplicates != 50 || rep.NUsed != n || rep.Results[0].ID != want.Results[0].ID || len(rep.Warnings) == 0 {
		t.Fatalf("collapse: %+v", rep)
	}
	if _, err := Points(cloud.Must64(x, n+50, d), &Options{Duplicates: "keep"}); !errors.Is(err, ErrDuplicates) {
		t.Fatalf("keep: err %v, want ErrDuplicates", err)
	}
	rep, err = Points(cloud.Must64(x, n+50, d), &Options{Duplicates: "drop"})
	if err != nil || math.IsNaN(rep.Results[0].ID) || math.Abs(rep.Results[0].ID-2) > 0.3 {
		t.Fatalf("drop: %v %+v", err, rep)
	}
	if _, err := Points(cloud.Must64(x, n+50, d), &Options{Duplicates: "nope"}); err == nil {
		t.Fatal("unknown policy accepted")
	}
}

func TestPointsAllMethods(t *testing.T) {
	n, d := 700, 10
	x := synth.Hypercube(n, 5, d, 3)
	rep, err := Points(cloud.Must64(x, n, d), &Options{Method: "all", MaxRank: 64})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != len(Methods) {
		t.Fatalf("%d results", len(rep.Results))
	}
	for i, r := range rep.Results {
		if r.Method != string(Methods[i]) {
			t.Errorf("result %d is %s, want %s", i, r.Method, Methods[i])
		}
		if r.Method != "pca" && math.Abs(r.ID-5) > 1 {
			t.Errorf("%s: %g on a 5-cube", r.Method, r.ID)
		}
	}
	if ml := rep.Results[1]; ml.Lo == nil || ml.Hi == nil || !(*ml.Lo < ml.ID && ml.ID < *ml.Hi) {
		t.Errorf("twonn-ml interval %+v", ml)
	}
	if g := rep.Results[2]; len(g.Scales) != 6 || g.Scales[5] != 64 {
		t.Errorf("gride scales %v", g.Scales)
	}
	if p := rep.Results[4]; p.ID != 5 || len(p.Spectrum) == 0 {
		t.Errorf("pca %+v", p)
	}
}

func TestScaleBlocksAndDecimate(t *testing.T) {
	n, d := 1000, 4
	x := synth.Hypercube(n, 3, d, 8)
	rep, err := Scale(cloud.Must64(x, n, d), ScaleOptions{Blocks: 8, Decimate: true, Gride: true}, &Options{Seed: 2, MaxRank: 32})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 3 {
		t.Fatalf("%d results", len(rep.Results))
	}
	b := rep.Results[0]
	if b.Method != "twonn-blocks" || len(b.Scales) != 8 || b.Scales[0] != 1000 || b.Scales[7] != 125 || b.Errs[0] != 0 {
		t.Fatalf("blocks %+v", b)
	}
	dec := rep.Results[1]
	want := []int{1000, 500, 250, 125, 62, 31, 16}
	for i, s := range want {
		if dec.Scales[i] != s {
			t.Fatalf("decimation scales %v, want %v", dec.Scales, want)
		}
	}
	for _, r := range rep.Results[:2] {
		for i, v := range r.IDs[:4] {
			if math.Abs(v-3) > 0.5 {
				t.Errorf("%s at %d points: %g on a 3-cube", r.Method, r.Scales[i], v)
			}
		}
	}
	// Block b's blocks are answered from the one search: equal to a direct
	// search of the same subsets, so the first block analysis at b = 1 is
	// the full estimate.
	full, _ := Points(cloud.Must64(x, n, d), nil)
	if b.IDs[0] != full.Results[0].ID {
		t.Fatalf("b = 1: %g, full estimate %g", b.IDs[0], full.Results[0].ID)
	}
}
