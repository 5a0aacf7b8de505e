package estimate

import (
	"encoding/json"
	"math"
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
	if checked != 8*len(LocalMethods) {
		t.Errorf("%d arrays × methods checked, want %d", checked, 8*len(LocalMethods))
	}
}
