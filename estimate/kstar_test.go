package estimate

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// GRIDEAuto equals DADApy's return_ids_kstar_gride() (n_iter=5,
// alpha=1e-6, d0=0.001, d1=1000, eps=1e-7, maxk=100) on every array of
// testdata/geometry/geometry.json (copied from ../shared/refs, provenance
// in testdata/geometry/PROVENANCE.md) where DADApy gave a value: the ID
// of every step, the errors and log-likelihoods of the fits at 1e-6
// relative, and the k* statistics of every step exactly. DADApy rounded
// the k* arrays of steps 0–4 up to even in place (they are the n₂ of the
// next fit, Iteration.N2); the last is the raw k* (Iteration.KStar). On the
// duplicate array DADApy fails; GRIDEAuto returns ErrDuplicates.
func TestGRIDEAutoRefs(t *testing.T) {
	b, err := os.ReadFile("../testdata/geometry/geometry.json")
	if err != nil {
		t.Fatal(err)
	}
	type ref struct {
		IDs     []float64 `json:"ids"`
		Errs    []float64 `json:"ids_err"`
		LogLik  []float64 `json:"log_likelihoods"`
		Value   float64   `json:"value"`
		Mean    []float64 `json:"kstar_mean"`
		Median  []float64 `json:"kstar_median"`
		Min     []int     `json:"kstar_min"`
		Max     []int     `json:"kstar_max"`
		First20 []int     `json:"kstar_final_first20"`
		Error   string    `json:"error"`
		Params  struct {
			NIter int     `json:"n_iter"`
			Alpha float64 `json:"alpha"`
			MaxK  int     `json:"maxk"`
		} `json:"params"`
	}
	var refs map[string]struct {
		File    string                     `json:"file"`
		Results map[string]json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	rel := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Abs(b) }
	compared, failed := 0, 0
	for name, r := range refs {
		var f ref
		if err := json.Unmarshal(r.Results["dadapy.kstar_gride"], &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		v, n, d := readNpy(t, filepath.Join("../testdata/refs", r.File))
		g, err := knn.Search(cloud.Must64(v, n, d), 100, nil)
		if err != nil {
			t.Fatal(err)
		}
		start, err := TwoNN(Ratios(g), DefaultDiscard)
		if f.Error != "" {
			if _, err2 := GRIDEAuto(g, 2, nil); !errors.Is(err2, ErrDuplicates) {
				t.Errorf("%s: DADApy failed (%s); got %v", name, f.Error, err2)
			}
			failed++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		opt := &KStarOptions{Iterations: f.Params.NIter, Alpha: f.Params.Alpha, MaxK: f.Params.MaxK}
		fit, err := GRIDEAuto(g, start.ID, opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(fit.Iterations) != len(f.IDs) || !rel(fit.ID, f.Value) {
			t.Fatalf("%s: %d steps, id %v; DADApy %d, %v", name, len(fit.Iterations), fit.ID, len(f.IDs), f.Value)
		}
		for s, it := range fit.Iterations {
			if !rel(it.ID, f.IDs[s]) {
				t.Errorf("%s step %d: id %v, DADApy %v", name, s, it.ID, f.IDs[s])
			}
			if s > 0 && (!rel(*it.Err, f.Errs[s]) || !rel(*it.LogLikelihood, f.LogLik[s])) {
				t.Errorf("%s step %d: err %v loglik %v, DADApy %v %v", name, s, *it.Err, *it.LogLikelihood, f.Errs[s], f.LogLik[s])
			}
			st := it.KStar
			if it.N2 != nil {
				st = *it.N2
			}
			want := KStarStats{Mean: f.Mean[s], Median: f.Median[s], Min: f.Min[s], Max: f.Max[s]}
			if math.Abs(st.Mean-want.Mean) > 1e-12*want.Mean || st.Median != want.Median || st.Min != want.Min || st.Max != want.Max {
				t.Errorf("%s step %d: k* %+v, DADApy %+v", name, s, st, want)
			}
		}
		for i, k := range f.First20 {
			if fit.KStar[i] != k {
				t.Errorf("%s: k* of point %d = %d, DADApy %d", name, i, fit.KStar[i], k)
			}
		}
		compared++
	}
	if compared != 7 || failed != 1 {
		t.Errorf("compared %d arrays, %d failed in DADApy; want 7 and 1", compared, failed)
	}
}

// The k* test's threshold is χ²₁'s upper 10⁻⁶ quantile, 23.92812698 (the
// Dthr of older DADApy releases).
func TestChi2ISF1(t *testing.T) {
	for _, c := range []struct{ alpha, want float64 }{{1e-6, 23.928126976}, {0.05, 3.841458820694124}, {0.5, 0.454936423119572}} {
		if got := chi2ISF1(c.alpha); math.Abs(got-c.want) > 1e-9*c.want {
			t.Errorf("chi2ISF1(%g) = %v, want %v", c.alpha, got, c.want)
		}
	}
}

// On points uniform on the 3-sphere S³ ⊂ R⁴ (a manifold without boundary)
// GRIDEAuto gives about 3 (the density is constant, so k* reaches
// maxk − 1 for most points), and its steps and statistics are consistent:
// n₂ is k* rounded up to even, and a bad option is refused.
func TestGRIDEAutoSphere(t *testing.T) {
	const n, dim = 4000, 3
	r := rand.New(rand.NewPCG(3, 5))
	v := make([]float64, 0, n*(dim+1))
	for range n {
		var p [dim + 1]float64
		var s float64
		for j := range p {
			p[j] = r.NormFloat64()
			s += p[j] * p[j]
		}
		for _, x := range p {
			v = append(v, x/math.Sqrt(s))
		}
	}
	g, err := knn.Search(cloud.Must64(v, n, dim+1), 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	start, err := TwoNN(Ratios(g), DefaultDiscard)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := GRIDEAuto(g, start.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("S3: %v ± %v; final k* %+v", fit.ID, fit.Err, fit.Iterations[5].KStar)
	if math.Abs(fit.ID-dim) > 0.15 || fit.Err <= 0 || fit.Err > 0.1 {
		t.Errorf("S3: id %v ± %v, want about 3", fit.ID, fit.Err)
	}
	if len(fit.Iterations) != 6 || fit.MaxK != 100 {
		t.Fatalf("%d steps, maxk %d; want 6 and 100", len(fit.Iterations), fit.MaxK)
	}
	if st := fit.Iterations[5].KStar; st.Median < 50 || st.Max != 99 || st.Min < 3 || st != Summarise(fit.KStar) {
		t.Errorf("final k* %+v (of %+v)", st, Summarise(fit.KStar))
	}
	for i, it := range fit.Iterations[:5] {
		k, n2 := it.KStar, it.N2
		if n2 == nil || n2.Min != k.Min+k.Min%2 || n2.Max != k.Max+k.Max%2 || n2.Mean < k.Mean || n2.Mean > k.Mean+1 {
			t.Errorf("step %d: k* %+v, n2 %+v", i, k, n2)
		}
	}
	if fit.Iterations[5].N2 != nil || fit.Iterations[0].Err != nil {
		t.Error("the last step has n2, or the first an error")
	}
	for _, o := range []KStarOptions{{Iterations: -1}, {Alpha: 1}, {Alpha: math.NaN()}, {MaxK: 1}} {
		if _, err := GRIDEAuto(g, start.ID, &o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	// A smaller maxk caps k* at maxk − 1.
	small, err := GRIDEAuto(g, start.ID, &KStarOptions{MaxK: 21})
	if err != nil || small.Iterations[5].KStar.Max != 20 || math.Abs(small.ID-dim) > 0.4 {
		t.Errorf("maxk 21: %+v, %v", small.Iterations, err)
	}
}

// Summarise takes numpy's median (mean of the middle two for an even count).
func TestSummarise(t *testing.T) {
	if s := Summarise([]int{4, 1, 3, 10}); s != (KStarStats{Mean: 4.5, Median: 3.5, Min: 1, Max: 10}) {
		t.Errorf("%+v", s)
	}
	if s := Summarise([]int{5, 1, 3}); s != (KStarStats{Mean: 3, Median: 3, Min: 1, Max: 5}) {
		t.Errorf("%+v", s)
	}
}

// KStar's test in the form |log(r_k(i)/r_k(n))| > 2 acosh(exp(χ²/(4k)))/d
// gives the k* of DADApy's form with the volumes (its _compute_kstar,
// written out here) at every point of a sphere and a Gaussian cloud, at
// several IDs.
func TestKStarForms(t *testing.T) {
	direct := func(g *knn.Graph, id float64, maxk int, alpha float64) []int {
		lg, _ := math.Lgamma((id + 2) / 2)
		pref := math.Exp(id/2*math.Log(math.Pi) - lg)
		thr := chi2ISF1(alpha)
		ks := make([]int, g.N)
		for i := range ks {
			j := 4
			for ; j < maxk; j++ {
				k := j - 1
				nb := int(g.Index[i*g.K+j-1])
				vi := pref * math.Pow(g.Dist[i*g.K+k-1], id)
				vn := pref * math.Pow(g.Dist[nb*g.K+k-1], id)
				if -2*float64(k)*(math.Log(vi)+math.Log(vn)-2*math.Log(vi+vn)+math.Log(4)) > thr {
					break
				}
			}
			ks[i] = j - 1
		}
		return ks
	}
	r := rand.New(rand.NewPCG(9, 9))
	for _, dim := range []int{2, 6} {
		v := make([]float64, 1500*dim)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		g, err := knn.Search(cloud.Must64(v, 1500, dim), 60, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []float64{1.5, float64(dim), 9.7} {
			a, b := KStar(g, id, 60, 1e-6), direct(g, id, 60, 1e-6)
			diff := 0
			for i := range a {
				if a[i] != b[i] {
					diff++
				}
			}
			if diff > 0 {
				t.Errorf("dim %d, id %v: %d of %d points differ", dim, id, diff, len(a))
			}
			if s := Summarise(a); s.Min < 3 || s.Max > 59 {
				t.Errorf("dim %d, id %v: k* %+v outside [3, 59]", dim, id, s)
			}
		}
	}
}
