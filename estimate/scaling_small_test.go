package estimate

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
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

// TestScaleSearchHook: ScaleSearch uses the search given (once) exactly
// where Scale searches the rows themselves, with Scale's result; where the
// rows are collapsed or normalised first it searches those itself.
func TestScaleSearchHook(t *testing.T) {
	const n, d = 200, 12
	x := synth.Hypercube(n, 4, d, 3)
	dup := slices.Clone(x)
	copy(dup[7*d:8*d], dup[90*d:91*d])
	so := ScaleOptions{Blocks: 6, Decimate: true, Gride: true}
	for _, c := range []struct {
		x    []float64
		o    Options
		used bool
	}{
		{x, Options{}, true},
		{dup, Options{Duplicates: Drop, Method: "twonn"}, true},
		{dup, Options{}, false}, // collapsed
		{x, Options{Metric: knn.Cosine}, false},
	} {
		m := cloud.Must64(c.x, n, d)
		so := so
		so.Gride = c.o.Duplicates != Drop // gride refuses kept duplicates
		want, err := Scale(m, so, &c.o)
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		got, err := ScaleSearch(m, so, &c.o, func(k int) (*knn.Graph, error) {
			calls++
			return knn.Search(m, k, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		if (calls == 1) != c.used || calls > 1 {
			t.Errorf("%+v: search called %d times", c.o, calls)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: %+v, Scale %+v", c.o, got, want)
		}
	}
}
