package estimate

import (
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
)

// TestScaleDecimateTooFewPoints: decimation of a cloud too small to halve is
// an error, not an index out of range; the smallest cloud it accepts has 11
// points.
func TestScaleDecimateTooFewPoints(t *testing.T) {
	for _, n := range []int{3, 10} {
		x := synth.Hypercube(n, 2, 3, 1)
		_, err := Scale(cloud.Must64(x, n, 3), ScaleOptions{Decimate: true}, nil)
		if err == nil || !strings.Contains(err.Error(), "too few") {
			t.Errorf("n = %d: err %v, want 'too few'", n, err)
		}
	}
	x := synth.Hypercube(11, 2, 3, 1)
	rep, err := Scale(cloud.Must64(x, 11, 3), ScaleOptions{Decimate: true}, nil)
	if err != nil || len(rep.Results) != 1 || len(rep.Results[0].Scales) != 1 || rep.Results[0].Scales[0] != 11 {
		t.Fatalf("n = 11: %+v, %v", rep, err)
	}
}
