package estimate

import (
	"errors"
	"fmt"
	"github.com/intdim/intdim/cloud"
	"math"
	"slices"
	"testing"

	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// TestGRIDERefs compares with DADApy return_id_scaling_gride(range_max=256)
// (values and errors, 1e-4 relative: the reference bisects to 1e-7).
func TestGRIDERefs(t *testing.T) {
	var worst float64
	for _, c := range loadRefCases(t) {
		ref := c.ref.Results["dadapy.gride"]
		want, wantErr := vector(t, ref.Value), vector(t, ref.Err)
		if c.name == "dup10_swissroll_D3" {
			checkGRIDEDuplicates(t, c, want, wantErr)
			continue
		}
		s, err := GRIDE(c.g, 256)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if fmt.Sprint(s.Scales) != fmt.Sprint(ref.Scales) {
			t.Fatalf("%s: scales %v, want %v", c.name, s.Scales, ref.Scales)
		}
		for i := range want {
			worst = max(worst, math.Abs(s.IDs[i]/want[i]-1), math.Abs(s.Errs[i]/wantErr[i]-1))
			if !relClose(s.IDs[i], want[i], 1e-4) || !relClose(s.Errs[i], wantErr[i], 1e-4) {
				t.Errorf("%s n2 = %d: GRIDE %.8g ± %.8g, DADApy %.8g ± %.8g", c.name, s.Scales[i], s.IDs[i], s.Errs[i], want[i], wantErr[i])
			}
		}
		// (1, 2) is TwoNN-ML up to the root's tolerance when the outlier
		// cut drops no ratio.
		mu := Ratios(c.g)
		sorted := slices.Sorted(slices.Values(mu))
		q50, q95 := percentile(sorted, 0.5), percentile(sorted, 0.95)
		if sorted[len(sorted)-1] < q50+20*(q95-q50) {
			m, _, _, _, err := ml(TwoNNML(mu, 0.95))
			if err != nil || !relClose(s.IDs[0], m, 1e-9) {
				t.Errorf("%s: GRIDE(1, 2) = %.12g, TwoNN-ML = %.12g (%v)", c.name, s.IDs[0], m, err)
			}
		}
		// Radii grow with the rank.
		for i := 1; i < len(s.Radii); i++ {
			if !(s.Radii[i] > s.Radii[i-1]) {
				t.Errorf("%s: radii not increasing: %v", c.name, s.Radii)
			}
		}
	}
	t.Logf("largest relative difference from DADApy: %.2g", worst)
}

// checkGRIDEDuplicates: on the duplicate set GRIDE refuses (DADApy replaces
// r₁ = 0 by ε and returns 0.14 at n₂ = 2), but the scales n₂ ≥ 4, where
// r₍ₙ₁₎ > 0, match DADApy through GRIDEScale.
func checkGRIDEDuplicates(t *testing.T, c refCase, want, wantErr []float64) {
	t.Helper()
	if _, err := GRIDE(c.g, 256); !errors.Is(err, ErrDuplicates) {
		t.Fatalf("%s: GRIDE err = %v, want ErrDuplicates", c.name, err)
	}
	for i, n2 := 1, 4; n2 <= 256; i, n2 = i+1, n2*2 {
		n1 := n2 / 2
		mu := make([]float64, c.n)
		for p := range mu {
			mu[p] = c.g.Dist[p*c.g.K+n2-1] / c.g.Dist[p*c.g.K+n1-1]
		}
		id, se, err := GRIDEScale(mu, n1, n2)
		if err != nil {
			t.Fatalf("%s n2 = %d: %v", c.name, n2, err)
		}
		if !relClose(id, want[i], 1e-4) || !relClose(se, wantErr[i], 1e-4) {
			t.Errorf("%s n2 = %d: GRIDE %.8g ± %.8g, DADApy %.8g ± %.8g", c.name, n2, id, se, want[i], wantErr[i])
		}
	}
}

// TestGRIDEPareto: at (n₁, n₂) = (1, 2) the GRIDE density is Pareto(1, d),
// so Pareto draws give back d within 3 standard errors; the reported error
// is d/√N there.
func TestGRIDEPareto(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 5000
	}
	for _, d := range []float64{1, 2, 5, 10, 30} {
		mu := synth.ParetoRatios(n, d, 7+uint64(d))
		id, se, err := GRIDEScale(mu, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(id-d) > 3*se {
			t.Errorf("d = %g: GRIDE(1,2) = %g ± %g", d, id, se)
		}
		if !relClose(se, id/math.Sqrt(float64(n)), 0.01) {
			t.Errorf("d = %g: stderr %g, want about d/√N = %g", d, se, id/math.Sqrt(float64(n)))
		}
	}
}

// TestGRIDEScaleClosedForm: for n₂ = 2n₁ the ratio μ = r₍ₙ₂₎/r₍ₙ₁₎ of a
// Poisson process in d dimensions satisfies μ^(−d) ~ Beta(n₁, n₂ − n₁); draws
// from it must give back d within 3 standard errors.
func TestGRIDEScaleClosedForm(t *testing.T) {
	const n = 5000
	for _, c := range []struct {
		n1 int
		d  float64
	}{{2, 3}, {4, 7}, {16, 12}} {
		n2 := 2 * c.n1
		mu := betaRatios(n, c.n1, n2-c.n1, c.d, uint64(c.n1))
		id, se, err := GRIDEScale(mu, c.n1, n2)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(id-c.d) > 3*se {
			t.Errorf("n1 = %d, d = %g: GRIDE = %g ± %g", c.n1, c.d, id, se)
		}
	}
}

// betaRatios draws μ = B^(−1/d) with B ~ Beta(a, b) built from sorted
// uniforms: the a-th smallest of a + b − 1 uniforms is Beta(a, b).
func betaRatios(n, a, b int, d float64, seed uint64) []float64 {
	u := synth.ParetoRatios(n*(a+b-1), 1, seed) // 1/U, U uniform on (0, 1]
	mu := make([]float64, n)
	for i := range mu {
		v := u[i*(a+b-1) : (i+1)*(a+b-1)]
		// the a-th smallest U is the a-th largest 1/U
		w := append([]float64(nil), v...)
		sortDesc(w)
		mu[i] = math.Pow(1/w[a-1], -1/d)
	}
	return mu
}

func sortDesc(w []float64) {
	for i := 1; i < len(w); i++ {
		for j := i; j > 0 && w[j] > w[j-1]; j-- {
			w[j], w[j-1] = w[j-1], w[j]
		}
	}
}

// TestGRIDEOnes: a ratio μ = 1 (a tie r₍ₙ₁₎ = r₍ₙ₂₎) becomes 1 + 10ε, so at
// (1, 2) it only adds to the count in d = (N − 1)/Σ log μ.
func TestGRIDEOnes(t *testing.T) {
	mu := synth.ParetoRatios(1000, 4, 99)
	for i := 0; i < 50; i++ {
		mu[i] = 1
	}
	var s float64
	for _, m := range mu {
		s += math.Log(m)
	}
	want := float64(len(mu)-1) / s
	id, _, err := GRIDEScale(mu, 1, 2)
	if err != nil || !relClose(id, want, 1e-9) {
		t.Errorf("GRIDE(1, 2) with ties = %.12g, %v; want %.12g", id, err, want)
	}
	// At (2, 4) the floor on 1 − μ^(−d) keeps the ties' score terms finite.
	id, se, err := GRIDEScale(mu, 2, 4)
	if err != nil || math.IsNaN(id) || math.IsInf(se, 0) || se <= 0 {
		t.Errorf("GRIDE(2, 4) with ties = %g ± %g, %v", id, se, err)
	}
}

// TestGRIDERootTolerance: the score changes sign within 1e-10 (relative)
// of the returned root.
func TestGRIDERootTolerance(t *testing.T) {
	for _, c := range []struct {
		n1 int
		d  float64
	}{{1, 4}, {4, 7}, {32, 15}} {
		n2 := 2 * c.n1
		mu := betaRatios(2000, c.n1, n2-c.n1, c.d, 17)
		sorted := slices.Sorted(slices.Values(mu))
		q50, q95 := percentile(sorted, 0.5), percentile(sorted, 0.95)
		if sorted[len(sorted)-1] >= q50+20*(q95-q50) {
			t.Fatalf("n1 = %d: sample has outliers; pick another seed", c.n1)
		}
		id, _, err := GRIDEScale(mu, c.n1, n2)
		if err != nil {
			t.Fatal(err)
		}
		p := grideProblem{a: float64(n2 - c.n1 - 1), b: float64(n2 - 1)}
		for _, m := range mu {
			p.logs = append(p.logs, math.Log(m))
		}
		below, _ := p.score(id * (1 - 1e-10))
		above, _ := p.score(id * (1 + 1e-10))
		if !(below > 0 && above < 0) {
			t.Errorf("n1 = %d: score %g at id(1 − 1e-10), %g at id(1 + 1e-10); want a sign change", c.n1, below, above)
		}
	}
}

func TestGRIDEErrors(t *testing.T) {
	if _, _, err := GRIDEScale([]float64{1, 1, 1, 1, 1}, 2, 4); !errors.Is(err, ErrDegenerate) {
		t.Errorf("all μ = 1: err = %v, want ErrDegenerate", err)
	}
	if _, _, err := GRIDEScale([]float64{2, math.Inf(1), 3}, 1, 2); !errors.Is(err, ErrDuplicates) {
		t.Errorf("μ = Inf: err = %v, want ErrDuplicates", err)
	}
	if _, _, err := GRIDEScale([]float64{2, 3}, 1, 2); !errors.Is(err, ErrTooFewPoints) {
		t.Errorf("2 points: err = %v, want ErrTooFewPoints", err)
	}
}

func TestPercentile(t *testing.T) {
	x := []float64{1, 2, 4, 8, 16}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 4}, {0.95, 8 + 0.8*8}, {1, 16}, {0.1, 1.4}} {
		if got := percentile(x, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("percentile(%g) = %g, want %g", c.q, got, c.want)
		}
	}
}

func ExampleGRIDE() {
	// A 2-D square embedded in 4 dimensions: GRIDE stays near 2 across scales.
	x := synth.Hypercube(1000, 2, 4, 3)
	g, err := knn.Search(cloud.Must64(x, 1000, 4), 16, nil)
	if err != nil {
		panic(err)
	}
	s, err := GRIDE(g, 16)
	if err != nil {
		panic(err)
	}
	for i, n2 := range s.Scales {
		fmt.Printf("n2 = %2d: ID ≈ %.0f\n", n2, s.IDs[i])
	}
	// Output:
	// n2 =  2: ID ≈ 2
	// n2 =  4: ID ≈ 2
	// n2 =  8: ID ≈ 2
	// n2 = 16: ID ≈ 2
}

func BenchmarkGRIDEScale(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		mu := betaRatios(n, 8, 8, 6, 1)
		b.Run(fmt.Sprint("N=", n), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := GRIDEScale(mu, 8, 16); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
