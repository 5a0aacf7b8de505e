package estimate

import (
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
)

// TestZeroOptions: the zero Options are the command line's defaults:
// discard 0.1 (nil), seed 1 (0); a discard of 0 is none, with no sentinel.
func TestZeroOptions(t *testing.T) {
	x := cloud.Must64(synth.Hypercube(500, 4, 6, 2), 500, 6)
	id := func(o *Options) float64 {
		t.Helper()
		rep, err := Points(x, o)
		if err != nil {
			t.Fatal(err)
		}
		return rep.Results[0].ID
	}
	if a, b := id(&Options{}), id(&Options{Discard: new(0.1)}); a != b {
		t.Errorf("nil discard %v, 0.1 %v", a, b)
	}
	if a, b := id(&Options{}), id(&Options{Discard: new(0.0)}); a == b {
		t.Errorf("discard 0 gives the default fit (%v)", a)
	}
	if a, b := id(&Options{Resample: 3}), id(&Options{Resample: 3, Seed: DefaultSeed}); a != b {
		t.Errorf("seed 0 %v, seed 1 %v", a, b)
	}
	if _, err := Points(x, &Options{Discard: new(1.0)}); err == nil {
		t.Error("discard 1 accepted")
	}
}
