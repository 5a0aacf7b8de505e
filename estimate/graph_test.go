package estimate

import (
	"github.com/intdim/intdim/cloud"
	"reflect"
	"strings"
	"testing"

	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// FromGraph on the graph that Points would search gives Points' report.
func TestFromGraphEqualsPoints(t *testing.T) {
	n, d := 900, 7
	x := synth.Hypercube(n, 4, d, 21)
	for _, opt := range []*Options{
		{Method: "all", MaxRank: 64, Seed: 3},
		{Method: "twonn", Resample: 7, Seed: 4},
		{Method: "mle", Resample: 3, Seed: 5},
		{Method: "twonn", Paper: true, Resample: 4, Seed: 6},
	} {
		want, err := Points(cloud.Must64(x, n, d), opt)
		if err != nil {
			t.Fatal(err)
		}
		k, err := NeighboursNeeded(n, opt)
		if err != nil {
			t.Fatal(err)
		}
		g, err := knn.Search(cloud.Must64(x, n, d), k, nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := PCID(cloud.Must64(x, n, d), 0.9)
		if err != nil {
			t.Fatal(err)
		}
		got, err := FromGraph(g, n, d, p, opt)
		if err != nil {
			t.Fatalf("%+v: %v", opt, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v:\nFromGraph %+v\nPoints    %+v", opt, got, want)
		}
	}
}

func TestFromGraphDuplicatesAndShortGraph(t *testing.T) {
	n, d := 400, 3
	x := synth.Hypercube(n, 2, d, 2)
	x = append(x, x[:20*d]...)
	g, err := knn.Search(cloud.Must64(x, n+20, d), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := FromGraph(g, n+20, d, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	drop, _ := Points(cloud.Must64(x, n+20, d), &Options{Duplicates: "drop"})
	if rep.Results[0].ID != drop.Results[0].ID || len(rep.Warnings) == 0 || !strings.Contains(rep.Warnings[0].Msg, "40 points") {
		t.Fatalf("duplicates: %+v, drop policy gives %g", rep, drop.Results[0].ID)
	}
	if _, err := FromGraph(g, n+20, d, nil, &Options{Method: "mle"}); err == nil {
		t.Fatal("graph of 2 neighbours accepted for mle (k = 20)")
	}
	if _, err := FromGraph(g, n+20, d, nil, &Options{Method: "pca"}); err == nil {
		t.Fatal("pca without rows or Gram accepted")
	}
}
