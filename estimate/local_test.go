package estimate

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// Local (LocalMLE for mle) equals scikit-dimension 0.3.4's pointwise
// estimators (estimators.json, skdim.<E>.pw with n_neighbors = 20: the first
// 20 values, the mean and the median of the N) at 1e-6 relative on every
// reference array, duplicates kept as there; LocalGlobal of mle equals
// skdim.MLE (the same fit, combined by 1/mean(1/m)).
func TestLocalMLERefs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(refsDir, "estimators.json"))
	if err != nil {
		t.Fatal(err)
	}
	var refs map[string]struct {
		File    string                     `json:"file"`
		Results map[string]json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return a == b || math.Abs(a-b) <= 1e-6*math.Abs(b) }
	keys := map[Method]string{MethodMLE: "skdim.MLE.pw", MethodMOM: "skdim.MOM.pw", MethodTLE: "skdim.TLE.pw",
		MethodMADA: "skdim.MADA.pw", MethodESS: "skdim.ESS.pw", MethodLPCAFO: "skdim.lPCA.FO.pw"}
	checked := 0
	for name, r := range refs {
		v, n, d := readNpy(t, filepath.Join(refsDir, r.File))
		x := cloud.Must64(v, n, d)
		g, err := knn.Search(x, 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, meth := range LocalMethods {
			if keys[meth] == "" {
				continue // twonn: not in scikit-dimension (TestLocalTwoNN)
			}
			var pw struct {
				Mean    float64   `json:"mean"`
				Median  float64   `json:"median"`
				First20 []float64 `json:"first20"`
			}
			if err := json.Unmarshal(r.Results[keys[meth]], &pw); err != nil || len(pw.First20) != 20 {
				t.Fatalf("%s: %s: %v", name, keys[meth], err)
			}
			m, err := Local(x, g, meth, 20, SkdimOptions{}, 0)
			if err != nil {
				t.Fatalf("%s: %s: %v", name, meth, err)
			}
			if gk := map[Method]string{MethodMLE: "skdim.MLE", MethodTLE: "skdim.TLE", MethodMADA: "skdim.MADA"}[meth]; gk != "" {
				// Global references fitted with the same k = 20.
				var glob struct {
					Value float64 `json:"value"`
				}
				if err := json.Unmarshal(r.Results[gk], &glob); err != nil {
					t.Fatal(err)
				}
				if got := LocalGlobal(meth, m); !near(got, glob.Value) {
					t.Errorf("%s: global %s %v, scikit-dimension %v", name, meth, got, glob.Value)
				}
			}
			name := name + ": " + string(meth)
			for i, want := range pw.First20 {
				if !near(m[i], want) {
					t.Errorf("%s: point %d: %v, scikit-dimension %v", name, i, m[i], want)
				}
			}
			mean := 0.0
			for _, x := range m {
				mean += x
			}
			mean /= float64(len(m))
			s := slices.Clone(m)
			slices.Sort(s)
			median := (s[(n-1)/2] + s[n/2]) / 2
			if !near(mean, pw.Mean) || !near(median, pw.Median) {
				t.Errorf("%s: mean %v, median %v; scikit-dimension %v, %v", name, mean, median, pw.Mean, pw.Median)
			}
			checked++
		}
	}
	if checked != 8*len(keys) {
		t.Errorf("%d arrays × methods checked, want %d", checked, 8*len(keys))
	}
}

// LocalTwoNN is k/Σ log μ over the point and its k neighbours: exactly on a
// hand-built graph, and with independent Pareto(d) ratios its mean over the
// points is d (unbiased), not the plain MLE's d(k+1)/k.
func TestLocalTwoNN(t *testing.T) {
	// Ring of n points: neighbours i+1, i+2, i+3; r₁ = 1, r₂ = e^{cᵢ}.
	const n, K = 6, 3
	c := []float64{0.1, 0.2, 0.4, 0.8, 1.6, 3.2}
	g := &knn.Graph{N: n, K: K, Index: make([]int32, n*K), Dist: make([]float64, n*K)}
	for i := range n {
		for a := range K {
			g.Index[i*K+a] = int32((i + a + 1) % n)
		}
		g.Dist[i*K], g.Dist[i*K+1], g.Dist[i*K+2] = 1, math.Exp(c[i]), 100
	}
	v, err := LocalTwoNN(g, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		want := 2 / (c[i] + c[(i+1)%n] + c[(i+2)%n])
		if math.Abs(v[i]-want) > 1e-12*want {
			t.Errorf("point %d: %v, want %v", i, v[i], want)
		}
	}
	if _, err := LocalTwoNN(g, 4); err == nil {
		t.Error("k > g.K accepted")
	}

	// Independent Pareto(d) ratios, random neighbourhoods of k = 20.
	const N, k, d = 100000, 20, 7.0
	rng := rand.New(rand.NewPCG(1, 2))
	g = &knn.Graph{N: N, K: k, Index: make([]int32, N*k), Dist: make([]float64, N*k)}
	for i := range N {
		g.Dist[i*k] = 1
		g.Dist[i*k+1] = math.Exp(rng.ExpFloat64() / d) // log μ ~ Exp(d)
		for a := range k {
			g.Index[i*k+a] = int32(rng.IntN(N))
		}
	}
	if v, err = LocalTwoNN(g, k); err != nil {
		t.Fatal(err)
	}
	mean := LocalGlobal(MethodTwoNN, v)
	// sd of one dᵢ is d/√(k−1) ≈ 1.6; of the mean of 100000 (correlated
	// over ~k + 1) about 0.025; the biased k+1 numerator gives 7.35.
	if math.Abs(mean-d) > 0.1 {
		t.Errorf("mean local TwoNN %.4f with Pareto(%v) ratios, want %v", mean, d, d)
	}
}

// A point whose k neighbours are copies of one row gets lpca-fo 0, as in
// scikit-dimension (all explained variances 0), not an error.
func TestLocalLPCADuplicates(t *testing.T) {
	const n, d = 40, 3
	x := make([]float64, n*d)
	for i := 25; i < n; i++ { // rows 0–24 equal (0, 0, 0); the rest spread
		x[i*d], x[i*d+1], x[i*d+2] = float64(i), float64(i*i%7), float64(i%5)
	}
	m := cloud.Must64(x, n, d)
	g, err := knn.Search(m, 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Local(m, g, MethodLPCAFO, 20, SkdimOptions{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v[0] != 0 || !(v[n-1] >= 1) {
		t.Errorf("duplicate point %v, spread point %v; want 0 and ≥ 1", v[0], v[n-1])
	}
}
