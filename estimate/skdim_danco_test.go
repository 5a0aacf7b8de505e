package estimate

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// dancoFixture is testdata/refs/danco_seed0.json: scikit-dimension 0.3.4's
// DANCo (random_state=0) on the seven arrays without duplicates, with the
// statistics of the data and of its calibration balls (see PROVENANCE.md).
type dancoFixture map[string]struct {
	Data        dancoFixtureStats   `json:"data"`
	Calibration []dancoFixtureStats `json:"calibration"`
	KL          []float64           `json:"kl"`
	Value       float64             `json:"value"`
	KLDiv       float64             `json:"kl_divergence"`
}

type dancoFixtureStats struct {
	Dhat  float64 `json:"dhat"`
	MuNu  float64 `json:"mu_nu"`
	MuTau float64 `json:"mu_tau"`
}

func readDANCoFixture(t *testing.T) dancoFixture {
	b, err := os.ReadFile(filepath.Join(refsDir, "danco_seed0.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f dancoFixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// With scikit-dimension's own calibration statistics, everything but the
// random balls is compared: the data's statistics, the divergences and the
// fractal minimisation give scikit-dimension's value.
func TestDANCoAgainstCalibration(t *testing.T) {
	fix := readDANCoFixture(t)
	names := make([]string, 0, len(fix))
	for n := range fix {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		r := fix[name]
		x, n, d := readNpy(t, filepath.Join(refsDir, name+".npy"))
		m := cloud.Must64(x, n, d)
		g, err := knn.Search(m, 11, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, err := dancoStats(m, g, 10, d)
		if err != nil {
			t.Fatal(err)
		}
		if !relClose(st.DHat, r.Data.Dhat, 1e-9) || !relClose(st.MuNu, r.Data.MuNu, 1e-9) || !relClose(st.MuTau, r.Data.MuTau, 1e-9) {
			t.Errorf("%s: data statistics %+v, scikit-dimension %+v", name, st, r.Data)
		}
		cal := make([]DANCoStats, len(r.Calibration))
		for i, c := range r.Calibration {
			cal[i] = DANCoStats{c.Dhat, c.MuNu, c.MuTau}
		}
		res, err := dancoFit(st, cal, 10, d, true)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range res.KLs {
			if !relClose(v, r.KL[i], 1e-9) {
				t.Errorf("%s: KL(%d) = %.12g, scikit-dimension %.12g", name, i+1, v, r.KL[i])
			}
		}
		if !relClose(res.ID, r.Value, 1e-6) || !relClose(res.KL, r.KLDiv, 1e-6) {
			t.Errorf("%s: danco = %.12g (KL %.12g), scikit-dimension %.12g (%.12g)", name, res.ID, res.KL, r.Value, r.KLDiv)
		}
	}
}

// The k-d tree of the calibration finds exactly knn.Search's graph, ties
// (a lattice) broken by index as there.
func TestTreeSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	var cases []*cloud.Matrix
	for _, d := range []int{1, 2, 3, 7, treeMaxDim} {
		cases = append(cases, unitBall(700, d, r))
	}
	lattice := make([]float64, 0, 2*900)
	for i := range 30 {
		for j := range 30 {
			lattice = append(lattice, float64(i), float64(j))
		}
	}
	cases = append(cases, cloud.Must64(lattice, 900, 2))
	for _, m := range cases {
		want, err := knn.Search(m, 11, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := treeSearch(m, 11)
		if !slices.Equal(got.Index, want.Index) || !slices.Equal(got.Dist, want.Dist) {
			t.Errorf("%d×%d: the tree's graph differs from knn.Search", m.N(), m.D())
		}
	}
}
