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

// LocalMLE equals scikit-dimension 0.3.4's pointwise MLE (estimators.json,
// skdim.MLE.pw: the first 20 values, the mean and the median of the N) at
// 1e-6 relative on every reference array.
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
	checked := 0
	for name, r := range refs {
		var pw struct {
			Mean    float64   `json:"mean"`
			Median  float64   `json:"median"`
			First20 []float64 `json:"first20"`
		}
		if err := json.Unmarshal(r.Results["skdim.MLE.pw"], &pw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		v, n, d := readNpy(t, filepath.Join(refsDir, r.File))
		g, err := knn.Search(cloud.Must64(v, n, d), 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := LocalMLE(g, 20)
		if err != nil {
			t.Fatal(err)
		}
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
	if checked != 8 {
		t.Errorf("%d arrays checked, want 8", checked)
	}
}
