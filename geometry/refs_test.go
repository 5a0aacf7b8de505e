package geometry_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/geometry"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/pipeline"
)

// geoRef is one array of testdata/geometry/geometry.json (the fields used).
type geoRef struct {
	File       string `json:"file"`
	YFile      string `json:"Y_file"`
	LabelsFile string `json:"labels_file"`
	Results    struct {
		Overlap struct {
			Value float64 `json:"value"`
		} `json:"dadapy.data_overlap"`
		Label struct {
			Value      float64 `json:"value"`
			Unweighted float64 `json:"value_unweighted"`
		} `json:"dadapy.label_overlap"`
		Imbalance struct {
			Value struct {
				XY float64 `json:"X_to_Y"`
				YX float64 `json:"Y_to_X"`
			} `json:"value"`
		} `json:"dadapy.information_imbalance"`
		Check struct {
			Overlap float64 `json:"data_overlap"`
			XY      struct {
				Min float64 `json:"minrank"`
				Max float64 `json:"maxrank"`
			} `json:"imbalance_X_to_Y"`
			YX struct {
				Min float64 `json:"minrank"`
				Max float64 `json:"maxrank"`
			} `json:"imbalance_Y_to_X"`
			TiesX int `json:"points_with_tie_at_rank_k_in_X"`
			TiesY int `json:"points_with_tie_at_rank_k_in_Y"`
		} `json:"check"`
	} `json:"results"`
	YUnique int `json:"Y_unique_rows"`
	N       int `json:"N"`
}

func loadGeoRefs(t *testing.T) map[string]geoRef {
	t.Helper()
	b, err := os.ReadFile("../testdata/geometry/geometry.json")
	if err != nil {
		t.Fatal(err)
	}
	var refs map[string]geoRef
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	if len(refs) != 8 {
		t.Fatalf("geometry.json: %d arrays, want 8", len(refs))
	}
	return refs
}

func load(t testing.TB, path string) *cloud.Matrix {
	t.Helper()
	x, done, err := pipeline.Load(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(done)
	return x
}

func search(t testing.TB, x *cloud.Matrix, k int) *knn.Graph {
	t.Helper()
	g, err := knn.Search(x, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// TestRefs compares every measure with DADApy's values (1e-9 relative) on
// the arrays whose neighbour lists have no ties, and with the independent
// recomputation ("check", ties broken by the lower index, as knn breaks
// them) on the three whose Y has duplicate rows; there the imbalance must
// lie within the range of ranks the ties allow.
func TestRefs(t *testing.T) {
	for name, r := range loadGeoRefs(t) {
		t.Run(name, func(t *testing.T) {
			x := load(t, filepath.Join("../testdata/refs", r.File))
			y := load(t, filepath.Join("../testdata", r.YFile))
			labels, err := pipeline.LoadLabels(filepath.Join("../testdata", r.LabelsFile), 0)
			if err != nil {
				t.Fatal(err)
			}
			gx, gy := search(t, x, 30), search(t, y, 30)
			tied := r.YUnique < r.N || r.Results.Check.TiesX > 0 || r.Results.Check.TiesY > 0
			res := r.Results

			ov, err := geometry.Overlap(gx, gy, 30)
			if err != nil {
				t.Fatal(err)
			}
			if !near(ov, res.Check.Overlap, 1e-9) {
				t.Errorf("overlap %.17g, check %.17g", ov, res.Check.Overlap)
			}
			if !tied && !near(ov, res.Overlap.Value, 1e-9) {
				t.Errorf("overlap %.17g, DADApy %.17g", ov, res.Overlap.Value)
			}

			w, u, err := geometry.LabelOverlap(gx, labels, 30)
			if err != nil {
				t.Fatal(err)
			}
			if !near(w, res.Label.Value, 1e-9) || !near(u, res.Label.Unweighted, 1e-9) {
				t.Errorf("label overlap %.17g, %.17g; DADApy %.17g, %.17g", w, u, res.Label.Value, res.Label.Unweighted)
			}

			xy, err := geometry.Imbalance(gx, gy, y)
			if err != nil {
				t.Fatal(err)
			}
			yx, err := geometry.Imbalance(gy, gx, x)
			if err != nil {
				t.Fatal(err)
			}
			if !tied {
				if !near(xy, res.Imbalance.Value.XY, 1e-9) || !near(yx, res.Imbalance.Value.YX, 1e-9) {
					t.Errorf("imbalance %.17g, %.17g; DADApy %.17g, %.17g", xy, yx, res.Imbalance.Value.XY, res.Imbalance.Value.YX)
				}
				return
			}
			const tol = 1e-12
			if xy < res.Check.XY.Min-tol || xy > res.Check.XY.Max+tol {
				t.Errorf("Δ(X→Y) = %.17g outside the tie range [%.17g, %.17g]", xy, res.Check.XY.Min, res.Check.XY.Max)
			}
			if yx < res.Check.YX.Min-tol || yx > res.Check.YX.Max+tol {
				t.Errorf("Δ(Y→X) = %.17g outside the tie range [%.17g, %.17g]", yx, res.Check.YX.Min, res.Check.YX.Max)
			}
			// DADApy's tie order differs; the values stay within 1 % of each other.
			if !near(xy, res.Imbalance.Value.XY, 0.02) || !near(yx, res.Imbalance.Value.YX, 0.02) {
				t.Errorf("imbalance %.17g, %.17g far from DADApy's %.17g, %.17g", xy, yx, res.Imbalance.Value.XY, res.Imbalance.Value.YX)
			}
		})
	}
}
