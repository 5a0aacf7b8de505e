package pipeline

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/tensorio/npz"
)

// sklearnLists returns x's k-neighbour lists as scikit-learn's
// kneighbors(X) lays them out (column 0 the point itself, at distance 0),
// or without the self column; computed here by knn.Search.
func sklearnLists(t *testing.T, x *cloud.Matrix, k int, self bool) (idx []int64, dist []float64, cols int) {
	t.Helper()
	g, err := knn.Search(x, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	cols = k
	if self {
		cols++
	}
	for i := range g.N {
		if self {
			idx, dist = append(idx, int64(i)), append(dist, 0)
		}
		ix, d := g.Neighbors(i)
		for c := range ix {
			idx, dist = append(idx, int64(ix[c])), append(dist, d[c])
		}
	}
	return idx, dist, cols
}

func writeLists(t *testing.T, idx []int64, dist []float64, n, cols int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "g.npz")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := npz.NewWriter(f)
	if err := w.Add("distances", []int{n, cols}, dist); err != nil {
		t.Fatal(err)
	}
	if err := w.Add("indices", []int{n, cols}, idx); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// distanceMatrix returns the exact Euclidean distances between x's rows.
func distanceMatrix(x *cloud.Matrix) []float64 {
	n := x.N()
	d := make([]float64, n*n)
	for i := range n {
		for j := range n {
			d[i*n+j] = math.Sqrt(knn.Dist2(x.Row64(i), x.Row64(j)))
		}
	}
	return d
}

// sameResults checks every result of got against want at 1e-12.
func sameResults(t *testing.T, what string, got, want *estimate.Report) {
	t.Helper()
	if len(got.Results) != len(want.Results) {
		t.Fatalf("%s: %d results, want %d", what, len(got.Results), len(want.Results))
	}
	eq := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*max(1, math.Abs(b)) }
	for i, w := range want.Results {
		g := got.Results[i]
		if g.Method != w.Method || !eq(g.ID, w.ID) || (g.Err == nil) != (w.Err == nil) || (g.Err != nil && !eq(*g.Err, *w.Err)) {
			t.Errorf("%s: %s: id %v ± %v, want %s: %v ± %v", what, g.Method, g.ID, g.Err, w.Method, w.ID, w.Err)
		}
		if len(g.IDs) != len(w.IDs) {
			t.Errorf("%s: %s: %d scales, want %d", what, g.Method, len(g.IDs), len(w.IDs))
			continue
		}
		for j := range w.IDs {
			if !eq(g.IDs[j], w.IDs[j]) || g.Scales[j] != w.Scales[j] {
				t.Errorf("%s: %s scale %d: %v, want %v", what, g.Method, w.Scales[j], g.IDs[j], w.IDs[j])
			}
		}
	}
	if got.Duplicates != want.Duplicates || got.NUsed != want.NUsed || got.Dropped != want.Dropped || got.N != want.N {
		t.Errorf("%s: n %d, n_used %d, duplicates %d, dropped %d; want %d, %d, %d, %d", what,
			got.N, got.NUsed, got.Duplicates, got.Dropped, want.N, want.NUsed, want.Duplicates, want.Dropped)
	}
}

// TestNeighboursEqualPoints: neighbour lists (with and without the self
// column) and a distance matrix of a cloud give the estimates of the cloud
// itself, for every method the lists suffice for, duplicates included.
func TestNeighboursEqualPoints(t *testing.T) {
	const n, k = 300, 40
	base := synth.Hypercube(n, 5, 12, 3)
	// Exact duplicates: rows 7 and 250 repeat row 3, row 100 repeats row 99.
	copy(base[7*12:8*12], base[3*12:4*12])
	copy(base[250*12:251*12], base[3*12:4*12])
	copy(base[100*12:101*12], base[99*12:100*12])
	x := cloud.Must64(base, n, 12)
	idx, dist, cols := sklearnLists(t, x, k, true)
	withSelf := writeLists(t, idx, dist, n, cols)
	idx2, dist2, cols2 := sklearnLists(t, x, k, false)
	noSelf := writeLists(t, idx2, dist2, n, cols2)
	dm := writeNPY(t, "d.npy", []int{n, n}, distanceMatrix(x))

	for _, o := range []estimate.Options{
		{Method: "twonn"},
		{Method: "twonn", Paper: true},
		{Method: "twonn", Duplicates: "drop"},
		{Method: "twonn-ml"},
		{Method: "mle", K: 20},
		{Method: "gride", MaxRank: 32},
		{Method: "twonn", Resample: 5, Fraction: 0.9},
		{Method: "mle", K: 10, Resample: 3, Fraction: 0.9},
	} {
		want, err := Estimate(Points("x", x), &Options{Estimate: o})
		if err != nil {
			t.Fatal(err)
		}
		for name, get := range map[string]func() (*estimate.Report, error){
			"self": func() (*estimate.Report, error) { return EstimateNeighbours(withSelf, nil, &Options{Estimate: o}) },
			"no-self": func() (*estimate.Report, error) {
				return EstimateNeighbours(noSelf, &knn.ListsOptions{NoSelf: true}, &Options{Estimate: o})
			},
			"distances": func() (*estimate.Report, error) { return EstimateDistances(dm, &Options{Estimate: o}) },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s %+v: %v", name, o, err)
			}
			sameResults(t, name+" "+string(o.Method), got, want)
		}
	}
}

// TestNeighboursRefused: methods the lists cannot give are refused by name.
func TestNeighboursRefused(t *testing.T) {
	const n = 200
	x := cloud.Must64(synth.Gaussian(n, 4, 6, 1), n, 6)
	idx, dist, cols := sklearnLists(t, x, 5, true)
	g := writeLists(t, idx, dist, n, cols)
	for _, c := range []struct {
		o    estimate.Options
		want string
	}{
		{estimate.Options{Method: "pca"}, "pca needs the rows"},
		{estimate.Options{Method: "mle", K: 20}, "mle: k = 20 needs 20 neighbours per point, the lists hold 5"},
		{estimate.Options{Method: "twonn", Metric: knn.Cosine}, "neighbour lists fix the distance already: a metric does not apply"},
		{estimate.Options{Method: "twonn", Resample: 3, Fraction: 0.5}, "need longer lists than 5 neighbours"},
		{estimate.Options{Method: "mle", K: 250}, "mle: k = 250 needs more than 200 points"},
	} {
		_, err := EstimateNeighbours(g, nil, &Options{Estimate: c.o})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), g+": ") {
			t.Errorf("%+v: error %v, want %q after the file name", c.o, err, c.want)
		}
	}
	rep, err := EstimateNeighbours(g, nil, &Options{Estimate: estimate.Options{Method: "all", K: 4}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 4 || !strings.Contains(strings.Join(estimate.Messages(rep.Warnings), "\n"), "pca left out") ||
		!strings.Contains(strings.Join(estimate.Messages(rep.Warnings), "\n"), "gride stops at rank 4") {
		t.Errorf("all: %d results, warnings %q", len(rep.Results), rep.Warnings)
	}
}
