package estimate

import (
	"errors"
	"fmt"
	"github.com/intdim/intdim/cloud"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
	"github.com/intdim/intdim/internal/synth"
)

// TestPCIDRefs: PC-ID equals scikit-learn's StandardScaler + PCA count
// (exact).
func TestPCIDRefs(t *testing.T) {
	for _, c := range loadRefCases(t) {
		p, err := PCID(cloud.Must64(c.x, c.n, c.d), 0.9)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want := int(scalar(t, c.ref.Results["pca.std_pca90"].Value)); p.ID != want {
			t.Errorf("%s: PC-ID = %d, pca.std_pca90 = %d (spectrum %.4f)", c.name, p.ID, want, p.Spectrum)
		}
		checkSpectrum(t, c.name, p)
	}
}

func checkSpectrum(t *testing.T, name string, p *PCA) {
	t.Helper()
	var sum float64
	for i, r := range p.Spectrum {
		if r <= 0 || (i > 0 && r > p.Spectrum[i-1]) {
			t.Errorf("%s: spectrum not positive and descending: %v", name, p.Spectrum)
			return
		}
		sum += r
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("%s: spectrum sums to %v", name, sum)
	}
}

// TestPCIDGramEqualsCovariance: with N ≤ D the Gram path must give the same
// spectrum as the covariance path on the same data (checked by transposing
// roles: a wide matrix, and the same data with its columns repeated so that
// both paths run).
func TestPCIDGramEqualsCovariance(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n, d = 30, 12
	x := make([]float64, n*d)
	for i := range x {
		x[i] = r.NormFloat64() * float64(1+i%d)
	}
	cov, err := PCID(cloud.Must64(x, n, d), 0.9) // n > d: covariance
	if err != nil {
		t.Fatal(err)
	}
	// Repeat every column 3 times: D = 36 > N = 30, Gram path. z-scoring
	// makes copies identical, so the eigenvalues triple and the ratios stay.
	const rep = 3
	y := make([]float64, n*d*rep)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			for k := 0; k < rep; k++ {
				y[i*d*rep+j*rep+k] = x[i*d+j]
			}
		}
	}
	gram, err := PCID(cloud.Must64(y, n, d*rep), 0.9)
	if err != nil {
		t.Fatal(err)
	}
	if gram.ID != cov.ID || len(gram.Spectrum) != len(cov.Spectrum) {
		t.Fatalf("Gram path %d, %d components; covariance path %d, %d", gram.ID, len(gram.Spectrum), cov.ID, len(cov.Spectrum))
	}
	for i := range cov.Spectrum {
		if math.Abs(gram.Spectrum[i]-cov.Spectrum[i]) > 1e-12 {
			t.Errorf("component %d: Gram %v, covariance %v", i, gram.Spectrum[i], cov.Spectrum[i])
		}
	}
}

// TestPCIDClosedForm: columns scaled by different factors are equalised by
// the z-scoring, and a linear subspace of dimension d has exactly d nonzero
// components.
func TestPCIDClosedForm(t *testing.T) {
	// Gaussian in a random 8-dimensional subspace of R^30: 8 nonzero
	// components (both paths).
	for _, n := range []int{20, 400} {
		x := synth.Gaussian(n, 8, 30, 7)
		p, err := PCID(cloud.Must64(x, n, 30), 0.9)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Spectrum) != 8 || p.ID > 8 {
			t.Errorf("n = %d: %d nonzero components, ID %d; want 8 and <= 8", n, len(p.Spectrum), p.ID)
		}
	}
	// Two independent columns of variance 1 and 100 plus a constant column:
	// after z-scoring the spectrum is (1/2, 1/2) up to sampling noise, so
	// 0.9 needs both; threshold 0.4 needs one.
	r := rand.New(rand.NewPCG(1, 2))
	const n = 5000
	x := make([]float64, n*3)
	for i := 0; i < n; i++ {
		x[3*i], x[3*i+1], x[3*i+2] = r.NormFloat64(), 10*r.NormFloat64(), 7
	}
	p, err := PCID(cloud.Must64(x, n, 3), 0.9)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != 2 || len(p.Spectrum) != 2 || math.Abs(p.Spectrum[0]-0.5) > 0.03 {
		t.Errorf("PCID = %+v, want ID 2, spectrum ≈ (0.5, 0.5)", p)
	}
	if p, _ := PCID(cloud.Must64(x, n, 3), 0.4); p.ID != 1 {
		t.Errorf("threshold 0.4: ID %d, want 1", p.ID)
	}
}

// TestPCIDExact: a hand-computed 2-D case. Points (±1, ±a) (the four
// corners) z-score to (±1, ±1) whose covariance is the identity; with an
// extra copy of column 0 the spectrum is (2/3, 1/3).
func TestPCIDExact(t *testing.T) {
	x := []float64{
		1, 5, 1,
		1, -5, 1,
		-1, 5, -1,
		-1, -5, -1,
	}
	p, err := PCID(cloud.Must64(x, 4, 3), 0.6)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != 1 || len(p.Spectrum) != 2 || math.Abs(p.Spectrum[0]-2.0/3) > 1e-14 || math.Abs(p.Spectrum[1]-1.0/3) > 1e-14 {
		t.Errorf("PCID = %+v, want ID 1 and spectrum (2/3, 1/3)", p)
	}
}

func TestPCIDErrors(t *testing.T) {
	if _, err := PCID(cloud.Must64([]float64{1, 2, 1, 2, 1, 2}, 3, 2), 0.9); !errors.Is(err, ErrConstant) {
		t.Errorf("constant columns: err = %v, want ErrConstant", err)
	}
	if _, err := PCID(cloud.Must64([]float64{1, 2}, 1, 2), 0.9); !errors.Is(err, ErrTooFewPoints) {
		t.Errorf("one point: err = %v, want ErrTooFewPoints", err)
	}
	if _, err := PCID(cloud.Must64([]float64{1, 2, math.NaN(), 4}, 2, 2), 0.9); !errors.Is(err, ErrBadParam) {
		t.Errorf("NaN: err = %v, want ErrBadParam", err)
	}
	if _, err := PCID(cloud.Must64([]float64{1, 2, 3, 4}, 2, 2), 1); !errors.Is(err, ErrBadParam) {
		t.Errorf("threshold 1: err = %v, want ErrBadParam", err)
	}
}

// TestGramThreads: the Gram matrix does not depend on the number of
// goroutines, and equals the naive product.
func TestGramThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n, d = 37, 23
	a := make([]float64, n*d)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	g1 := gram(a, n, d, 1)
	for _, th := range []int{2, 3, 8} {
		g := gram(a, n, d, th)
		for i := range g {
			if g[i] != g1[i] {
				t.Fatalf("threads %d: entry %d = %v, 1 thread %v", th, i, g[i], g1[i])
			}
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for k := 0; k < d; k++ {
				s += a[i*d+k] * a[j*d+k]
			}
			if math.Abs(g1[i*n+j]-s) > 1e-12*math.Max(1, math.Abs(s)) {
				t.Fatalf("gram[%d,%d] = %v, want %v", i, j, g1[i*n+j], s)
			}
		}
	}
}

func ExamplePCID() {
	// A 3-dimensional Gaussian in 10 dimensions: 3 components explain
	// all the variance.
	x := synth.Gaussian(500, 3, 10, 1)
	p, err := PCID(cloud.Must64(x, 500, 10), 0.9)
	if err != nil {
		panic(err)
	}
	fmt.Printf("PC-ID %d, %d nonzero components\n", p.ID, len(p.Spectrum))
	// Output: PC-ID 3, 3 nonzero components
}

func BenchmarkPCID(b *testing.B) {
	for _, c := range []struct{ n, d int }{{500, 50}, {200, 2000}, {1000, 1000}} {
		x := synth.Gaussian(c.n, 20, c.d, 1)
		b.Run(fmt.Sprintf("N=%d,D=%d", c.n, c.d), func(b *testing.B) {
			for b.Loop() {
				if _, err := PCID(cloud.Must64(x, c.n, c.d), 0.9); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPCIDCovarianceFromRows: for n > d, PCID's covariance, packed from
// the z-scores' rows as they are computed (kernel.GramColsFunc64), gives the spectrum of the Gram
// matrix of their transpose (kernel.Gram64, what PCID computed before)
// bit for bit, float32 and float64 rows, n below and above one block of
// the kernel (128) and a constant column dropped.
func TestPCIDCovarianceFromRows(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, s := range []struct{ n, d int }{{40, 7}, {300, 20}, {1000, 33}} {
		x := make([]float64, s.n*s.d)
		for i := range x {
			x[i] = r.NormFloat64() * float64(1+i%s.d)
		}
		for i := range s.n {
			x[i*s.d+2] = 5 // a constant column
		}
		x32 := make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
		}
		for _, m := range []*cloud.Matrix{cloud.Must64(x, s.n, s.d), cloud.Must32(x32, s.n, s.d)} {
			got, err := PCID(m, 0.9)
			if err != nil {
				t.Fatal(err)
			}
			z, dz := zscoreRef(m)
			tr := make([]float64, len(z))
			for i := range s.n {
				for j := range dz {
					tr[j*s.n+i] = z[i*dz+j]
				}
			}
			want, err := pcidFromGram(kernel.Gram64(tr, dz, s.n, 2), dz, s.n, dz, 0.9)
			if err != nil {
				t.Fatal(err)
			}
			if dz != s.d-1 || got.ID != want.ID || len(got.Spectrum) != len(want.Spectrum) {
				t.Fatalf("%v %v: dz %d, ID %d, %d components; want ID %d, %d", s, m.Elem(), dz, got.ID, len(got.Spectrum), want.ID, len(want.Spectrum))
			}
			for i, v := range want.Spectrum {
				if math.Float64bits(got.Spectrum[i]) != math.Float64bits(v) {
					t.Fatalf("%v %v: spectrum[%d] = %v, want %v", s, m.Elem(), i, got.Spectrum[i], v)
				}
			}
		}
	}
}

// zscoreRef is linalg.ZScore of the matrix in its own element type: the
// z-scores in memory, which PCID now packs row by row as it computes them
// (linalg.ZScores, kernel.GramColsFunc64).
func zscoreRef(x *cloud.Matrix) ([]float64, int) {
	if x.Elem() == cloud.Float32 {
		return linalg.ZScore(x.F32(), x.N(), x.D())
	}
	return linalg.ZScore(x.F64(), x.N(), x.D())
}
