package estimate

import (
	"math"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// Fit is the fit Points measures: the same ID and counts for every
// convention, duplicates and metric, and the diagnostic's points lie on
// the fitted slope's line where they were fitted.
func TestFitEqualsPoints(t *testing.T) {
	const n, d = 600, 8
	x := synth.Hypercube(n, 4, d, 5)
	copy(x[10*d:11*d], x[3*d:4*d]) // two duplicate rows
	copy(x[20*d:21*d], x[3*d:4*d])
	for _, o := range []Options{
		{},
		{Paper: true},
		{Discard: new(0.0)},
		{Metric: knn.Cosine},
		{Duplicates: "drop"},
	} {
		f, rep, err := Fit(cloud.Must64(x, n, d), &o)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		want, err := Points(cloud.Must64(x, n, d), &o)
		if err != nil {
			t.Fatal(err)
		}
		if f.ID != want.Results[0].ID || rep.Results[0].ID != f.ID {
			t.Errorf("%+v: fit ID %.12g, Points %.12g", o, f.ID, want.Results[0].ID)
		}
		if rep.NUsed != want.NUsed || rep.Duplicates != want.Duplicates || rep.N != n {
			t.Errorf("%+v: counts %d/%d, Points %d/%d", o, rep.NUsed, rep.Duplicates, want.NUsed, want.Duplicates)
		}
		var sxy, sxx float64
		for i := 0; i < f.NFit; i++ {
			sxy += f.X[i] * f.Y[i]
			sxx += f.X[i] * f.X[i]
		}
		if math.Abs(sxy/sxx-f.ID) > 1e-12*f.ID {
			t.Errorf("%+v: slope of the kept points %g, ID %g", o, sxy/sxx, f.ID)
		}
	}
	// Collapsing is the default: 598 distinct points.
	if _, rep, _ := Fit(cloud.Must64(x, n, d), nil); rep.NUsed != n-2 || rep.Duplicates != 2 || len(rep.Warnings) == 0 {
		t.Errorf("collapse: n_used %d, duplicates %d, warnings %q", rep.NUsed, rep.Duplicates, rep.Warnings)
	}
}
