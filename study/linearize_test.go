package study

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
)

// curved returns n points of a 2-dimensional manifold curved through d
// dimensions: coordinate j is sin(2π aⱼ·u + φⱼ) for u uniform in the unit
// square, with random integer frequencies aⱼ ∈ {−3..3}² (not both 0) and
// phases φⱼ. Its covariance has full rank, so its linearized surrogate is a
// d-dimensional Gaussian, while its intrinsic dimension is 2.
func curved(n, d int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	a := make([][2]float64, d)
	phi := make([]float64, d)
	for j := range a {
		for a[j][0] == 0 && a[j][1] == 0 {
			a[j] = [2]float64{float64(r.IntN(7) - 3), float64(r.IntN(7) - 3)}
		}
		phi[j] = 2 * math.Pi * r.Float64()
	}
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		u, v := r.Float64(), r.Float64()
		for j := range a {
			x[i*d+j] = math.Sin(2*math.Pi*(a[j][0]*u+a[j][1]*v) + phi[j])
		}
	}
	return x
}

func TestLinearizeCurvedManifold(t *testing.T) {
	const n, d = 2000, 64
	x := curved(n, d, 7)
	l, err := Linearize(x, n, d, &LinearizeOptions{Sizes: []int{100, 400, 2000}, Blocks: 10, Estimate: estimate.Options{Seed: 2, Threads: 2}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sizes %v\ndata      %.2f ± %.2f\nsurrogate %.2f ± %.2f", l.Sizes, l.DataIDs, l.DataErrs, l.SurrogateIDs, l.SurrogateErrs)
	if len(l.DataIDs) != 3 || len(l.SurrogateIDs) != 3 || l.Blocks[0] != 10 || l.Blocks[2] != 1 {
		t.Fatalf("shape: %+v", l)
	}
	// The data: ID ≈ 2 at every size (TwoNN is biased up a little on 100
	// points).
	for i, id := range l.DataIDs {
		if id < 1.7 || id > 2.5 {
			t.Errorf("data ID at N = %d is %.2f, want 2 (1.7 to 2.5)", l.Sizes[i], id)
		}
	}
	// The surrogate: an order of magnitude above the data at every size.
	for i := range l.Sizes {
		if l.SurrogateIDs[i] < 5*l.DataIDs[i] {
			t.Errorf("N = %d: surrogate ID %.2f not far above the data's %.2f", l.Sizes[i], l.SurrogateIDs[i], l.DataIDs[i])
		}
	}
	// From 100 to 2000 points the surrogate's ID grows by over 10 %, and by
	// at least 0.2 (relative) more than the data's, which is flat or falls.
	last := len(l.Sizes) - 1
	gs := l.SurrogateIDs[last] / l.SurrogateIDs[0]
	gd := l.DataIDs[last] / l.DataIDs[0]
	if gs < 1.1 || gs-gd < 0.2 {
		t.Errorf("from N = 100 to 2000 the surrogate ID grows %.2f×, the data's %.2f×: want ≥ 1.1× and 0.2 more than the data", gs, gd)
	}
}

// The surrogate has the data's mean and covariance: checked on a 3-D
// Gaussian with a known covariance, to sampling precision.
func TestSurrogateMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n, d, m = 400, 3, 40000
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		a, b, c := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		x[i*d], x[i*d+1], x[i*d+2] = 5+3*a, -1+a+b, 2+0.2*c
	}
	mx, cx := moments(x, n, d)
	s := Surrogate(x, n, d, m, rand.New(rand.NewPCG(9, 9)))
	ms, cs := moments(s, m, d)
	for j := 0; j < d; j++ {
		if math.Abs(ms[j]-mx[j]) > 4*math.Sqrt(cx[j*d+j]/m) {
			t.Errorf("mean[%d] = %.4f, data %.4f", j, ms[j], mx[j])
		}
		for k := 0; k < d; k++ {
			tol := 0.05 * math.Sqrt(cx[j*d+j]*cx[k*d+k])
			if math.Abs(cs[j*d+k]-cx[j*d+k]) > tol {
				t.Errorf("cov[%d,%d] = %.4f, data %.4f", j, k, cs[j*d+k], cx[j*d+k])
			}
		}
	}
}

func moments(x []float64, n, d int) ([]float64, []float64) {
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			mean[j] += x[i*d+j] / float64(n)
		}
	}
	cov := make([]float64, d*d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			for k := 0; k < d; k++ {
				cov[j*d+k] += (x[i*d+j] - mean[j]) * (x[i*d+k] - mean[k]) / float64(n-1)
			}
		}
	}
	return mean, cov
}

func TestLinearizeBadSizes(t *testing.T) {
	x := curved(50, 4, 1)
	for _, sizes := range [][]int{{5}, {51}} {
		if _, err := Linearize(x, 50, 4, &LinearizeOptions{Sizes: sizes}); err == nil {
			t.Errorf("sizes %v: no error", sizes)
		}
	}
	if got := DefaultSizes(2000); len(got) != 4 || got[0] != 250 || got[3] != 2000 {
		t.Errorf("DefaultSizes(2000) = %v, want [250 500 1000 2000]", got)
	}
	if got := DefaultSizes(10000); got[0] != 500 || got[len(got)-1] != 10000 {
		t.Errorf("DefaultSizes(10000) = %v", got)
	}
}

// The cosine metric is the Euclidean one on normalised rows: the same
// surrogate and the same IDs.
func TestLinearizeCosine(t *testing.T) {
	const n, d = 300, 8
	x := curved(n, d, 3)
	for i := range x {
		x[i] += 2 // away from the origin, so that normalising changes the cloud
	}
	var calls, last, lastTotal int
	opt := LinearizeOptions{Sizes: []int{100, 300}, Blocks: 2, Estimate: estimate.Options{Seed: 4, Metric: knn.Cosine},
		Progress: func(done, total int) { calls, last, lastTotal = calls+1, done, total }}
	got, err := Linearize(x, n, d, &opt)
	if err != nil {
		t.Fatal(err)
	}
	// Sizes 100 (2 blocks) and 300 (1 block), data and surrogate: 6 fits.
	if calls != 6 || last != 6 || lastTotal != 6 {
		t.Errorf("progress: %d calls, last %d/%d", calls, last, lastTotal)
	}
	opt.Progress = nil
	xn, _ := knn.Normalize(cloud.Must64(x, n, d))
	opt.Estimate.Metric = knn.Euclidean
	want, _ := Linearize(xn.Float64(), n, d, &opt)
	plain, _ := Linearize(x, n, d, &opt)
	for i := range got.DataIDs {
		if got.DataIDs[i] != want.DataIDs[i] || got.SurrogateIDs[i] != want.SurrogateIDs[i] {
			t.Errorf("size %d: cosine %g/%g, normalised %g/%g", got.Sizes[i], got.DataIDs[i], got.SurrogateIDs[i], want.DataIDs[i], want.SurrogateIDs[i])
		}
	}
	if plain.DataIDs[1] == got.DataIDs[1] {
		t.Error("the metric made no difference")
	}
}
