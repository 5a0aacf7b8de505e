package estimate

import (
	"errors"
	"fmt"
	"github.com/intdim/intdim/cloud"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// TestTwoNNRefs checks TwoNN, paper mode and TwoNN-ML against DADApy,
// scikit-dimension and the code of Ansuini et al. (1e-6 relative).
func TestTwoNNRefs(t *testing.T) {
	for _, c := range loadRefCases(t) {
		res := c.ref.Results
		mu := Ratios(c.g)
		r1, r2 := firstTwo(c.g)

		p, err := TwoNNPaper(r1, r2)
		if err != nil {
			t.Fatalf("%s: TwoNNPaper: %v", c.name, err)
		}
		if want := scalar(t, res["idnn.twonn"].Value); !relClose(p.ID, want, 1e-6) {
			t.Errorf("%s: TwoNNPaper = %.12g, idnn.twonn = %.12g", c.name, p.ID, want)
		}

		if c.name == "dup10_swissroll_D3" {
			checkDuplicateSet(t, c)
			continue
		}

		f, err := TwoNN(mu, 0.1)
		if err != nil {
			t.Fatalf("%s: TwoNN: %v", c.name, err)
		}
		for _, key := range []string{"dadapy.2nn", "skdim.twonn"} {
			if want := scalar(t, res[key].Value); !relClose(f.ID, want, 1e-6) {
				t.Errorf("%s: TwoNN = %.12g, %s = %.12g", c.name, f.ID, key, want)
			}
		}
		if f.N != c.n || f.NFit != c.n*9/10 {
			t.Errorf("%s: TwoNN N, NFit = %d, %d, want %d, %d", c.name, f.N, f.NFit, c.n, c.n*9/10)
		}

		id, _, lo, hi, err := ml(TwoNNML(mu, 0.95))
		if err != nil {
			t.Fatalf("%s: TwoNNML: %v", c.name, err)
		}
		if want := scalar(t, res["dadapy.2nn_ml"].Value); !relClose(id, want, 1e-6) {
			t.Errorf("%s: TwoNNML = %.12g, dadapy.2nn_ml = %.12g", c.name, id, want)
		}
		if !(lo < id && id < hi) {
			t.Errorf("%s: TwoNNML interval [%g, %g] misses %g", c.name, lo, hi, id)
		}
	}
}

// checkDuplicateSet: without deduplication TwoNN refuses; after collapsing
// duplicates with knn.FindDuplicates + Matrix.Rows it equals DADApy's
// remove_identical_points + compute_id_2NN.
func checkDuplicateSet(t *testing.T, c refCase) {
	t.Helper()
	mu := Ratios(c.g)
	_, err := TwoNN(mu, 0.1)
	var de *DuplicatesError
	if !errors.Is(err, ErrDuplicates) || !errors.As(err, &de) {
		t.Fatalf("%s: TwoNN without dedup: err = %v, want ErrDuplicates", c.name, err)
	}
	// 200 rows are copies of 200 others: 400 points have r1 = 0.
	if de.Count != 400 {
		t.Errorf("%s: DuplicatesError.Count = %d, want 400", c.name, de.Count)
	}
	if _, err := TwoNNML(mu, 0.95); !errors.Is(err, ErrDuplicates) {
		t.Errorf("%s: TwoNNML without dedup: err = %v, want ErrDuplicates", c.name, err)
	}
	if _, err := MLE(c.g, 20); !errors.Is(err, ErrDuplicates) {
		t.Errorf("%s: MLE without dedup: err = %v, want ErrDuplicates", c.name, err)
	}

	u := knn.FindDuplicates(cloud.Must64(c.x, c.n, c.d))
	if u.Removed() != 200 {
		t.Fatalf("%s: %d duplicates removed, want 200", c.name, u.Removed())
	}
	y := cloud.Must64(c.x, c.n, c.d).Rows(u.Keep)
	g, err := knn.Search(y, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := TwoNN(Ratios(g), 0.1)
	if err != nil {
		t.Fatalf("%s: TwoNN after dedup: %v", c.name, err)
	}
	if want := scalar(t, c.ref.Results["dadapy.2nn_dedup"].Value); !relClose(f.ID, want, 1e-6) {
		t.Errorf("%s: TwoNN after dedup = %.12g, dadapy.2nn_dedup = %.12g", c.name, f.ID, want)
	}
}

// TestTwoNNPareto: ratios drawn from Pareto(1, d) give back d (closed form).
// The regression estimate's spread over repeated draws is about d/√N
// (measured: 1.00·d/√N over 300 draws of N = 2000 at d = 5); the test
// allows 3·1.1·d/√N.
func TestTwoNNPareto(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 5000
	}
	for _, d := range []float64{1, 2, 5, 10, 30} {
		mu := synth.ParetoRatios(n, d, uint64(d))
		f, err := TwoNN(mu, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		id, se, lo, hi, err := ml(TwoNNML(mu, 0.95))
		if err != nil {
			t.Fatal(err)
		}
		seFit := 1.1 * d / math.Sqrt(float64(n))
		if math.Abs(f.ID-d) > 3*seFit {
			t.Errorf("d = %g: TwoNN = %g, off by more than 3·%.3g", d, f.ID, seFit)
		}
		if math.Abs(id-d) > 3*se {
			t.Errorf("d = %g: TwoNNML = %g ± %.3g, off by more than 3 se", d, id, se)
		}
		if !(lo < d && d < hi) && math.Abs(id-d) < 2*se {
			t.Errorf("d = %g: interval [%g, %g] misses d though |id - d| < 2 se", d, lo, hi)
		}
	}
}

// TestTwoNNMLInterval: the Gamma interval has its nominal coverage, and
// stderr is the spread of the estimate over repeated samples.
func TestTwoNNMLInterval(t *testing.T) {
	const reps, n, d = 400, 50, 3.0
	covered := 0
	var ids []float64
	var meanSE float64
	for r := 0; r < reps; r++ {
		mu := synth.ParetoRatios(n, d, uint64(1000+r))
		id, se, lo, hi, err := ml(TwoNNML(mu, 0.9))
		if err != nil {
			t.Fatal(err)
		}
		if lo <= d && d <= hi {
			covered++
		}
		ids = append(ids, id)
		meanSE += se / reps
	}
	// Binomial(400, 0.9): sd 6; allow 4 sd.
	if math.Abs(float64(covered)-0.9*reps) > 24 {
		t.Errorf("90 %% interval covered d in %d of %d samples", covered, reps)
	}
	var m, v float64
	for _, x := range ids {
		m += x / reps
	}
	for _, x := range ids {
		v += (x - m) * (x - m) / (reps - 1)
	}
	// Unbiased: mean within 4 sd/√reps of d; sd matches d/√(n−2) within 20 %.
	exact := d / math.Sqrt(n-2)
	if math.Abs(m-d) > 4*exact/math.Sqrt(reps) {
		t.Errorf("mean TwoNNML = %g over %d samples, want %g (unbiased)", m, reps, d)
	}
	if sd := math.Sqrt(v); math.Abs(sd/exact-1) > 0.2 || math.Abs(meanSE/exact-1) > 0.2 {
		t.Errorf("sd of TwoNNML = %g, mean stderr = %g, exact %g", sd, meanSE, exact)
	}
}

// TestTwoNNMLIntervalExact: the bounds are the Gamma(N, 1) quantiles over S.
func TestTwoNNMLIntervalExact(t *testing.T) {
	mu := []float64{1.5, 2, 1.1, 3, 1.25, 1.7, 2.2}
	_, _, lo, hi, err := ml(TwoNNML(mu, 0.8))
	if err != nil {
		t.Fatal(err)
	}
	var s float64
	for _, m := range mu {
		s += math.Log(m)
	}
	g := distuv.Gamma{Alpha: float64(len(mu)), Beta: 1}
	if p := g.CDF(lo * s); math.Abs(p-0.1) > 1e-9 {
		t.Errorf("CDF(lo·S) = %g, want 0.1", p)
	}
	if p := g.CDF(hi * s); math.Abs(p-0.9) > 1e-9 {
		t.Errorf("CDF(hi·S) = %g, want 0.9", p)
	}
}

// TestTwoNNSmall checks the fit on a hand-computed case.
func TestTwoNNSmall(t *testing.T) {
	mu := []float64{math.E, math.Exp(2), math.Exp(0.5), math.Exp(3)}
	// sorted logs 0.5, 1, 2, 3; discard 0.25 keeps n = 3 of N = 4:
	// y = −log(3/4), −log(2/4), −log(1/4).
	f, err := TwoNN(mu, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.5, 1, 2}
	y := []float64{-math.Log(0.75), -math.Log(0.5), -math.Log(0.25)}
	want := (x[0]*y[0] + x[1]*y[1] + x[2]*y[2]) / (x[0]*x[0] + x[1]*x[1] + x[2]*x[2])
	if f.NFit != 3 || math.Abs(f.ID-want) > 1e-15*want {
		t.Errorf("TwoNN = %v (NFit %d), want %v (NFit 3)", f.ID, f.NFit, want)
	}
	// discard 0 fits N − 1 points (the last y is infinite).
	f, err = TwoNN(mu, 0)
	if err != nil || f.NFit != 3 || !math.IsInf(f.Y[3], 1) {
		t.Errorf("TwoNN(discard 0): %+v, %v; want NFit 3 and Y[3] = +Inf", f, err)
	}
}

func TestTwoNNPaperDrops(t *testing.T) {
	// Points 0 (r1 = 0) and 1 (r1 = r2) are dropped: N = 20 points are left.
	r1 := []float64{0, 1}
	r2 := []float64{1, 1}
	for i := 0; i < 20; i++ {
		r1 = append(r1, 1)
		r2 = append(r2, 1+float64(i+1)/10)
	}
	f, err := TwoNNPaper(r1, r2)
	if err != nil {
		t.Fatal(err)
	}
	if f.N != 20 || f.NFit != 18 {
		t.Fatalf("N, NFit = %d, %d, want 20, 18", f.N, f.NFit)
	}
	var sxy, sxx float64
	for i := 0; i < 18; i++ {
		x := math.Log(1 + float64(i+1)/10)
		y := -math.Log(1 - float64(i+1)/20)
		sxy += x * y
		sxx += x * x
	}
	if want := sxy / sxx; math.Abs(f.ID-want) > 1e-14*want {
		t.Errorf("TwoNNPaper = %v, want %v", f.ID, want)
	}
	// Fewer than 20 points: the fit stops at N − 2.
	f, err = TwoNNPaper(r1[:12], r2[:12])
	if err != nil || f.N != 10 || f.NFit != 8 {
		t.Errorf("TwoNNPaper on 10 points: %+v, %v; want NFit 8", f, err)
	}
}

func TestTwoNNErrors(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"duplicate", second(TwoNN([]float64{2, math.Inf(1), 3, 4}, 0.1)), ErrDuplicates},
		{"both zero", second(TwoNN([]float64{2, math.NaN(), 3, 4}, 0.1)), ErrDuplicates},
		{"all one", second(TwoNN([]float64{1, 1, 1, 1}, 0.1)), ErrDegenerate},
		{"too few", second(TwoNN([]float64{2, 3}, 0.1)), ErrTooFewPoints},
		{"mu < 1", second(TwoNN([]float64{2, 0.5, 3}, 0.1)), ErrBadParam},
		{"discard 1", second(TwoNN([]float64{2, 3, 4}, 1)), ErrBadParam},
		{"paper all ties", second(TwoNNPaper([]float64{1, 1, 1, 2}, []float64{1, 1, 1, 2})), ErrTooFewPoints},
		{"paper r2 < r1", second(TwoNNPaper([]float64{1, 2}, []float64{2, 1})), ErrBadParam},
		{"ml all one", mlErr(TwoNNML([]float64{1, 1, 1, 1}, 0.95)), ErrDegenerate},
		{"ml duplicate", mlErr(TwoNNML([]float64{2, math.Inf(1), 3, 4}, 0.95)), ErrDuplicates},
		{"ml conf", mlErr(TwoNNML([]float64{2, 3, 4}, 1)), ErrBadParam},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, c.err, c.want)
		}
	}
	_, err := TwoNN([]float64{2, math.Inf(1), 3, math.NaN()}, 0.1)
	if want := "2 points have a duplicate (r1 = 0): collapse duplicates first"; err == nil || err.Error() != want {
		t.Errorf("error text %q, want %q", err, want)
	}
}

func second[T any](_ T, err error) error { return err }

// ml unpacks a TwoNN-ML fit (zeros on error).
func ml(f *TwoNNMLFit, err error) (id, se, lo, hi float64, _ error) {
	if err != nil {
		return 0, 0, 0, 0, err
	}
	return f.ID, f.StdErr, f.Lo, f.Hi, nil
}

func mlErr(_ *TwoNNMLFit, err error) error { return err }

// TestTwoNNManifolds: manifolds of known ID generated in Go. TwoNN is close to
// the truth at low d and underestimates at larger d (curvature and the
// boundary; for a d-cube with N = 2000 the bias is about −15 % at d = 10), so
// the tolerance grows with d.
func TestTwoNNManifolds(t *testing.T) {
	const n = 2000 // the ranges below hold for this N and these seeds
	cases := []struct {
		name   string
		x      []float64
		d      int
		id     float64
		lo, hi float64 // accepted range
	}{
		{"hypercube d=2 in 5", synth.Hypercube(n, 2, 5, 1), 5, 2, 1.85, 2.15},
		{"hypercube d=5 in 12", synth.Hypercube(n, 5, 12, 2), 12, 5, 4.4, 5.3},
		{"hypercube d=10 in 20", synth.Hypercube(n, 10, 20, 3), 20, 10, 8.0, 10.5},
		{"sphere d=3", synth.Sphere(n, 3, 4), 4, 3, 2.75, 3.25},
		{"swiss roll", synth.SwissRoll(n, 0, 5), 3, 2, 1.85, 2.15},
		{"gaussian d=8 in 30", synth.Gaussian(n, 8, 30, 6), 30, 8, 6.8, 8.5},
	}
	for _, c := range cases {
		m := len(c.x) / c.d
		g, err := knn.Search(cloud.Must64(c.x, m, c.d), 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		f, err := TwoNN(Ratios(g), 0.1)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if f.ID < c.lo || f.ID > c.hi {
			t.Errorf("%s: TwoNN = %.3f, want in [%g, %g] (true %g)", c.name, f.ID, c.lo, c.hi, c.id)
		}
		t.Logf("%s: TwoNN = %.3f (true %g)", c.name, f.ID, c.id)
	}
}

func ExampleTwoNN() {
	// Points uniform in a 2-D square, rotated into 5 dimensions.
	x := synth.Hypercube(1000, 2, 5, 1)
	g, err := knn.Search(cloud.Must64(x, 1000, 5), 2, nil)
	if err != nil {
		panic(err)
	}
	fit, err := TwoNN(Ratios(g), 0.1)
	if err != nil {
		panic(err)
	}
	fmt.Printf("ID ≈ %.0f from %d of %d ratios\n", fit.ID, fit.NFit, fit.N)
	// Output: ID ≈ 2 from 900 of 1000 ratios
}

func ExampleTwoNNML() {
	// Ratios drawn from the Pareto law of a 6-dimensional manifold.
	mu := synth.ParetoRatios(10000, 6, 1)
	f, err := TwoNNML(mu, 0.95)
	if err != nil {
		panic(err)
	}
	fmt.Printf("ID = %.1f ± %.2f, 95%% interval [%.1f, %.1f]\n", f.ID, f.StdErr, f.Lo, f.Hi)
	// Output: ID = 5.9 ± 0.06, 95% interval [5.8, 6.1]
}

func BenchmarkTwoNN(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		mu := synth.ParetoRatios(n, 5, 1)
		b.Run(fmt.Sprint("N=", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := TwoNN(mu, 0.1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
