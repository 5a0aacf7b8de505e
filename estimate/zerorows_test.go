package estimate

import (
	"errors"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// TestZeroRowsDrop: under the cosine metric, rows of zero norm are an error
// by default; with ZeroRows "drop" they are left out and counted, and the
// estimate equals the one on the other rows.
func TestZeroRowsDrop(t *testing.T) {
	const n, d = 300, 6
	x := synth.Hypercube(n, 4, d, 9)
	for i := range d {
		x[i] = 0           // row 0
		x[100*d+i] = 0     // row 100
		x[(n-1)*d+i] = 0.0 // row n − 1
	}
	opt := &Options{Metric: knn.Cosine}
	_, err := Points(cloud.Must64(x, n, d), opt)
	var zn *knn.ZeroNormError
	if !errors.As(err, &zn) || len(zn.Rows) != 3 {
		t.Fatalf("default policy: %v, want a ZeroNormError of 3 rows", err)
	}
	opt.ZeroRows = "drop"
	rep, err := Points(cloud.Must64(x, n, d), opt)
	if err != nil {
		t.Fatal(err)
	}
	var rest []float64
	for i := range n {
		if i != 0 && i != 100 && i != n-1 {
			rest = append(rest, x[i*d:(i+1)*d]...)
		}
	}
	want, err := Points(cloud.Must64(rest, n-3, d), &Options{Metric: knn.Cosine})
	if err != nil {
		t.Fatal(err)
	}
	if rep.N != n || rep.NUsed != n-3 || rep.ZeroRows != 3 || len(rep.Warnings) != 1 || rep.Results[0].ID != want.Results[0].ID {
		t.Errorf("drop: n %d, n_used %d, zero_rows %d, warnings %q, ID %g (want %g)",
			rep.N, rep.NUsed, rep.ZeroRows, rep.Warnings, rep.Results[0].ID, want.Results[0].ID)
	}
	if _, err := Points(cloud.Must64(x, n, d), &Options{ZeroRows: "ignore"}); err == nil {
		t.Error("unknown zero-rows policy accepted")
	}
}

// TestTooFewDistinctCounts: the error for too few distinct points says
// what was left out.
func TestTooFewDistinctCounts(t *testing.T) {
	x := make([]float64, 5*2)
	for i := range x {
		x[i] = 1
	}
	x[0], x[1] = 0, 0 // one zero-norm row, four equal rows
	_, err := Points(cloud.Must64(x, 5, 2), &Options{Metric: knn.Cosine, ZeroRows: "drop"})
	if err == nil || err.Error() != "1 distinct points of 5 rows (3 duplicates, 1 of zero norm): at least 3 are needed" {
		t.Errorf("err %v", err)
	}
}
