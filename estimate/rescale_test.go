package estimate

import (
	"math"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
)

// TestScaleInvariant: data scaled by 2⁻⁵³⁰ (subnormal squared distances)
// or to about 10³⁰¹ (overflowing ones) give the estimates of the unscaled
// data exactly, and no duplicates (issue 9: 6.09038 instead of 6.09033;
// distinct rows called duplicates).
func TestScaleInvariant(t *testing.T) {
	const n, d = 800, 10
	x := synth.Hypercube(n, 6, d, 12)
	want, err := Points(cloud.Must64(x, n, d), &Options{Method: "all", MaxRank: 32})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []int{-530, -1000, 997} {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = math.Ldexp(v, e)
		}
		got, err := Points(cloud.Must64(y, n, d), &Options{Method: "all", MaxRank: 32})
		if err != nil {
			t.Fatalf("2^%d: %v", e, err)
		}
		if got.Duplicates != 0 || got.NUsed != n {
			t.Errorf("2^%d: %d duplicates, %d used", e, got.Duplicates, got.NUsed)
		}
		for i, r := range got.Results {
			if r.ID != want.Results[i].ID {
				t.Errorf("2^%d: %s = %.10g, unscaled %.10g", e, r.Method, r.ID, want.Results[i].ID)
			}
		}
	}
}
