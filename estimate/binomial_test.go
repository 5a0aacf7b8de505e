package estimate

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// Binomial equals DADApy's compute_id_binomial_k(k=10, bayes=False) at
// r = 0.5 and at the adaptive r of testdata/geometry/geometry.json: ID,
// error and scale at 1e-6 relative; where DADApy returned 0 (no inner
// shell populated), Binomial returns ErrEmptyShells.
func TestBinomialRefs(t *testing.T) {
	b, err := os.ReadFile("../testdata/geometry/geometry.json")
	if err != nil {
		t.Fatal(err)
	}
	type fit struct {
		Value  *float64 `json:"value"`
		Err    *float64 `json:"err"`
		Scale  *float64 `json:"scale"`
		Params struct {
			K int      `json:"k"`
			R *float64 `json:"r"`
		} `json:"params"`
		Error string `json:"error"`
	}
	var refs map[string]struct {
		File    string                     `json:"file"`
		Results map[string]json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	compared, empty := 0, 0
	for name, ref := range refs {
		v, n, d := readNpy(t, filepath.Join("../testdata/refs", ref.File))
		g, err := knn.Search(cloud.Must64(v, n, d), 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"dadapy.binomial_k", "dadapy.binomial_k_adaptive_r"} {
			var f fit
			if err := json.Unmarshal(ref.Results[key], &f); err != nil {
				t.Fatalf("%s %s: %v", name, key, err)
			}
			if f.Error != "" || f.Value == nil {
				continue
			}
			got, err := Binomial(g, f.Params.K, *f.Params.R)
			if *f.Value == 0 {
				if !errors.Is(err, ErrEmptyShells) {
					t.Errorf("%s %s: DADApy 0 (empty shells), got %+v, %v", name, key, got, err)
				}
				empty++
				continue
			}
			if err != nil {
				t.Fatalf("%s %s: %v", name, key, err)
			}
			rel := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Abs(b) }
			if !rel(got.ID, *f.Value) || !rel(got.Err, *f.Err) || !rel(got.Scale, *f.Scale) {
				t.Errorf("%s %s: %+v, DADApy id %v err %v scale %v", name, key, got, *f.Value, *f.Err, *f.Scale)
			}
			compared++
		}
	}
	if compared != 14 || empty != 1 {
		t.Errorf("compared %d fits and %d empty, want 14 and 1", compared, empty)
	}
}

// On a uniform square the binomial ID is about 2; bad k and r are refused.
func TestBinomialSquare(t *testing.T) {
	const n = 4000
	v := make([]float64, 0, 2*n)
	s := uint64(12345)
	next := func() float64 { s = s*6364136223846793005 + 1442695040888963407; return float64(s>>11) / (1 << 53) }
	for range n {
		v = append(v, next(), next())
	}
	g, err := knn.Search(cloud.Must64(v, n, 2), 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Binomial(g, 20, 0.5)
	if err != nil || math.Abs(f.ID-2) > 0.15 {
		t.Fatalf("square: %+v, %v; want about 2", f, err)
	}
	for _, c := range []struct {
		k int
		r float64
	}{{1, 0.5}, {21, 0.5}, {10, 0}, {10, 1}, {10, math.NaN()}} {
		if _, err := Binomial(g, c.k, c.r); err == nil {
			t.Errorf("k = %d, r = %v: no error", c.k, c.r)
		}
	}
}
