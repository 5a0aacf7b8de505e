package estimate

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// skdimRef is one set of estimators.json (scikit-dimension 0.3.4's values;
// see testdata/refs/PROVENANCE.md).
type skdimRef struct {
	File    string `json:"file"`
	N       int    `json:"N"`
	D       int    `json:"D"`
	Results map[string]struct {
		Value         json.RawMessage `json:"value"`
		Deterministic bool            `json:"deterministic"`
		Error         string          `json:"error"`
	} `json:"results"`
}

// skdimKeys maps the methods to their keys in estimators.json.
var skdimKeys = map[Method]string{
	MethodLPCAFO: "skdim.lPCA.FO", MethodLPCAFan: "skdim.lPCA.Fan", MethodLPCAMaxGap: "skdim.lPCA.maxgap",
	MethodLPCARatio: "skdim.lPCA.ratio", MethodLPCAPR: "skdim.lPCA.participation_ratio",
	MethodLPCAKaiser: "skdim.lPCA.Kaiser", MethodLPCABrokenStick: "skdim.lPCA.broken_stick",
	MethodMOM: "skdim.MOM", MethodTLE: "skdim.TLE", MethodMADA: "skdim.MADA", MethodCorrInt: "skdim.CorrInt", MethodESS: "skdim.ESS", MethodMiNDML: "skdim.MiND_ML", MethodFisherS: "skdim.FisherS",
	MethodKNN: "skdim.KNN", MethodDANCo: "skdim.DANCo",
}

// randomised are the methods that draw random numbers; their references
// are tested in distribution (skdim_random_test.go).
var randomised = map[Method]bool{MethodKNN: true, MethodDANCo: true}

// TestSkdimRefs checks every scikit-dimension method on the eight arrays
// against scikit-dimension 0.3.4 at 1e-6 relative, duplicates kept as
// scikit-dimension keeps them (dup10_swissroll_D3 has 200).
func TestSkdimRefs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(refsDir, "estimators.json"))
	if err != nil {
		t.Fatal(err)
	}
	var refs map[string]skdimRef
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	if len(refs) != 8 {
		t.Fatalf("estimators.json has %d sets, want 8", len(refs))
	}
	names := make([]string, 0, len(refs))
	for name := range refs {
		names = append(names, name)
	}
	slices.Sort(names)
	mindSkip := map[string]float64{"bm_M7_Roll": 1.9423274974993356, "swissroll_noise0.0": 1.9250801406767244,
		"bm_M5a_Helix1d": 0.9960185679067728}
	for _, name := range names {
		r := refs[name]
		x, n, d := readNpy(t, filepath.Join(refsDir, r.File))
		if n != r.N || d != r.D {
			t.Fatalf("%s: shape (%d, %d), refs say (%d, %d)", name, n, d, r.N, r.D)
		}
		got := map[string]float64{}
		for _, m := range SkdimMethods {
			if randomised[m] {
				continue // skdim_random_test.go
			}
			if m == MethodMiNDML && name == "dup10_swissroll_D3" {
				if _, err := Points(cloud.Must64(x, n, d), &Options{Method: m, Duplicates: Keep}); err == nil {
					t.Errorf("%s: mind-ml with duplicates kept (r1 = 0) accepted", name)
				}
				continue
			}
			rep, err := Points(cloud.Must64(x, n, d), &Options{Method: m, Duplicates: Keep})
			if err != nil {
				t.Fatalf("%s: %s: %v", name, m, err)
			}
			got[string(m)] = rep.Results[0].ID
		}
		for _, m := range SkdimMethods {
			if randomised[m] {
				continue
			}
			ref, ok := r.Results[skdimKeys[m]]
			if !ok || ref.Error != "" || !ref.Deterministic {
				t.Fatalf("%s: %s: no deterministic reference", name, skdimKeys[m])
			}
			want := scalar(t, ref.Value)
			if m == MethodMiNDML && (name == "bm_M7_Roll" || name == "swissroll_noise0.0" ||
				name == "bm_M5a_Helix1d" || name == "dup10_swissroll_D3") {
				// scikit-dimension's optimiser stopped at its start (see
				// MiNDML); dup10 has r1 = 0 with duplicates kept. Where
				// it stopped, the maximiser is checked instead: a
				// regression value from a separate bisection written while
				// probing, not a reference.
				if w, ok := mindSkip[name]; ok && !relClose(got[string(m)], w, 1e-9) {
					t.Errorf("%s: mind-ml = %.12g, maximiser %.12g", name, got[string(m)], w)
				}
				continue
			}
			tol := 1e-6
			if m == MethodCorrInt && (name == "bm_M1_Sphere" || name == "bm_M5a_Helix1d") {
				// A pair at exactly r₁ (see PROVENANCE.md): scikit-learn's
				// rounding counted it on one array and not the other.
				tol = 2e-4
			}
			if g := got[string(m)]; !relClose(g, want, tol) {
				t.Errorf("%s: %s = %.12g, scikit-dimension %.12g (rel %.2g)", name, m, g, want, (g-want)/want)
			}
		}
	}
}

// "every" runs the five methods of "all" and then the scikit-dimension
// ones; bad parameters are refused.
func TestSkdimEveryAndOptions(t *testing.T) {
	x, n, d := readNpy(t, filepath.Join(refsDir, "bm_M2_Affine_3to5.npy"))
	m := cloud.Must64(x[:300*d], 300, d)
	rep, err := Points(m, &Options{Method: MethodEvery})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Concat(Methods, SkdimMethods)
	if len(rep.Results) != len(want) {
		t.Fatalf("every: %d results, want %d", len(rep.Results), len(want))
	}
	for i, r := range rep.Results {
		if r.Method != string(want[i]) || !(r.ID > 0) {
			t.Errorf("every: result %d is %s = %g, want %s > 0", i, r.Method, r.ID, want[i])
		}
	}
	one, err := Points(m, &Options{Method: MethodEvery, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range one.Results {
		if r.ID != rep.Results[i].ID {
			t.Errorf("%s: %g with 1 thread, %g with the default", r.Method, r.ID, rep.Results[i].ID)
		}
	}
	all, err := Points(m, &Options{Method: MethodAll})
	if err != nil || len(all.Results) != len(Methods) {
		t.Fatalf("all: %v, %d results", err, len(all.Results))
	}
	for _, c := range []struct {
		o      SkdimOptions
		fields []string
	}{
		{SkdimOptions{TLEEpsilon: -1}, []string{"TLEEpsilon"}},
		{SkdimOptions{K1: 20, K2: 10}, []string{"K1", "K2"}},
		{SkdimOptions{MOMK: 1, ESSK: 1}, []string{"MOMK", "ESSK"}},
		{SkdimOptions{AlphaFO: 2}, []string{"AlphaFO"}},
		{SkdimOptions{AlphaFan: math.NaN()}, []string{"AlphaFan"}},
	} {
		_, err := Points(m, &Options{Method: MethodTLE, Skdim: c.o})
		var pe *ParamError
		if !errors.As(err, &pe) || !slices.Equal(pe.Fields, c.fields) || !errors.Is(err, ErrBadParam) {
			t.Errorf("%+v: %v, want a ParamError on %v", c.o, err, c.fields)
		}
		if err2 := CheckSkdim(c.o); err2 == nil || err2.Error() != pe.Error() {
			t.Errorf("CheckSkdim(%+v) = %v, Points %v", c.o, err2, err)
		}
	}
	if _, err := Points(m, &Options{Method: MethodMOM, Skdim: SkdimOptions{MOMK: n}}); err == nil {
		t.Error("mom with k ≥ n accepted")
	}
}

// With duplicates kept, mada's neighbours at a nonzero distance are in the
// one search of Points (k extended by the largest group's copies), so
// runSkdim never searches again; the ID is the same as from a separate
// longer search.
func TestMADAKeepOneSearch(t *testing.T) {
	x, n, d := readNpy(t, filepath.Join(refsDir, "dup10_swissroll_D3.npy"))
	m := cloud.Must64(x, n, d)
	o := (&Options{Method: MethodMADA, Duplicates: Keep}).withDefaults()
	e, _, err := prepare(m, o)
	if err != nil {
		t.Fatal(err)
	}
	z := slices.Max(knn.FindDuplicates(m).Count) - 1
	if z < 1 {
		t.Fatal("no duplicates in dup10_swissroll_D3")
	}
	if err := e.search(e.searchK([]string{"mada"})); err != nil {
		t.Fatal(err)
	}
	if e.g.K != o.Skdim.MADAK+z || e.g.MaxZeros()+o.Skdim.MADAK > e.g.K {
		t.Fatalf("search of %d neighbours, %d at distance 0, mada k = %d: a second search would run", e.g.K, e.g.MaxZeros(), o.Skdim.MADAK)
	}
	rep, err := Points(m, &Options{Method: MethodMADA, Duplicates: Keep})
	if err != nil {
		t.Fatal(err)
	}
	g, err := knn.Search(m, o.Skdim.MADAK+z+5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want, err := MADA(g, o.Skdim.MADAK); err != nil || rep.Results[0].ID != want {
		t.Errorf("mada %v, from a longer search %v (%v)", rep.Results[0].ID, want, err)
	}
}

// Points on a line at equal steps leave TLE 0/0 at every point and MOM
// ∞ where the k neighbours are equidistant (scikit-dimension returns
// NaN and inf): an error that counts the points, never NaN as an ID.
func TestSkdimUndefinedIsAnError(t *testing.T) {
	const n = 100
	x := make([]float64, n*3)
	for i := range n {
		for j := range 3 {
			x[i*3+j] = float64(i) * float64(j+1)
		}
	}
	m := cloud.Must64(x, n, 3)
	rep, err := Points(m, &Options{Method: MethodTLE})
	if !errors.Is(err, ErrDegenerate) || !strings.Contains(err.Error(), "tle is undefined (0/0 or infinite) at 80 of 100 points") {
		t.Errorf("tle on a line: %v, %+v", err, rep)
	}
	g, err := knn.Search(m, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Interior points have both neighbours at one step: w = m₁.
	if id, err := MOM(g, 2); !errors.Is(err, ErrDegenerate) || !strings.Contains(err.Error(), "mom is undefined (0/0 or infinite) at 98 of 100 points") {
		t.Errorf("mom on a line, k = 2: %v, %v", id, err)
	}
}
