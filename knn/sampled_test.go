package knn

import (
	"math"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// Options.Sampled is taken instead of auto's own sample test
// (lowRankSample) on the 2,000 × 3,000 case of TestLowRankSample, which
// plans only past that test: a low-rank layer whose verdict says
// isotropic is searched by brute force, an isotropic one whose verdict
// says low-rank is pruned (so the test did not run again), and a verdict
// of other sizes, or under Cosine, is ignored (the test runs). The graph is
// brute force's, bit for bit, whichever search runs.
func TestSampledVerdict(t *testing.T) {
	n, d := 2000, 3000
	if may, dear := autoMayPlan(n, d, 2); !may || !dear {
		t.Fatalf("%d × %d is not the case under test (may %v, dear %v)", n, d, may, dear)
	}
	f32 := func(x []float64) *cloud.Matrix {
		y := make([]float32, len(x))
		for i, v := range x {
			y[i] = float32(v)
		}
		return cloud.Must32(y, n, d)
	}
	low, iso := f32(lowRank(n, d, 12, 1e-3, 21)), f32(randMatrix(n, d, 22))
	for _, c := range []struct {
		name   string
		x      *cloud.Matrix
		metric Metric
		test   *SampleTest
		want   SearchMode
	}{
		{"low rank, no verdict", low, Euclidean, nil, SearchPruned},
		{"low rank, verdict isotropic", low, Euclidean, &SampleTest{N: n, D: d}, SearchBrute},
		{"isotropic, verdict low rank", iso, Euclidean, &SampleTest{N: n, D: d, LowRank: true}, SearchPruned},
		{"isotropic, no verdict", iso, Euclidean, nil, SearchBrute},
		{"low rank, verdict of other rows", low, Euclidean, &SampleTest{N: n - 1, D: d}, SearchPruned},
		{"low rank, verdict of other columns", low, Euclidean, &SampleTest{N: n, D: d + 1}, SearchPruned},
		{"isotropic, verdict under cosine", iso, Cosine, &SampleTest{N: n, D: d, LowRank: true}, SearchBrute},
	} {
		want, err := Search(c.x, 2, &Options{Metric: c.metric, Search: SearchBrute})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Search(c.x, 2, &Options{Metric: c.metric, Sampled: c.test})
		if err != nil {
			t.Fatal(err)
		}
		if got.Search != c.want {
			t.Errorf("%s: auto searched by %v, want %v", c.name, got.Search, c.want)
		}
		for i := range want.Index {
			if got.Index[i] != want.Index[i] || math.Float64bits(got.Dist[i]) != math.Float64bits(want.Dist[i]) {
				t.Fatalf("%s: entry %d: got (%d, %v), want (%d, %v)", c.name, i, got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
			}
		}
	}
}
