package study

import (
	"math"
	"strings"
	"testing"

	"github.com/intdim/intdim/data/mnist"
	"github.com/intdim/intdim/nn"
	"github.com/intdim/intdim/profile"
)

func TestTrainSmallFamily(t *testing.T) {
	shape := nn.Shape{C: 1, H: mnist.Rows, W: mnist.Cols}
	tr, te := mnist.Train(), mnist.Test()
	train := &nn.Dataset{X: tr.Pixels, Y: tr.Labels, N: tr.N, Shape: shape}
	test := &nn.Dataset{X: te.Pixels[:1000*mnist.Size], Y: te.Labels[:1000], N: 1000, Shape: shape}
	specs := []Spec{
		{Name: "tiny", Family: "mlp", Arch: nn.Arch{Hidden: []int{8}}, Epochs: 1, Subset: 100},
		{Name: "small", Family: "mlp", Arch: nn.Arch{Hidden: []int{24}}, Epochs: 3, Subset: 1500},
		{Name: "conv", Family: "cnn", Arch: nn.Arch{Conv: []int{2}, Hidden: []int{12}}, Epochs: 1, Subset: 600},
	}
	var logged []string
	a, err := Train(specs, TrainOptions{Dataset: "mnist", Train: train, Test: test, Points: 400, Resample: 3, Seed: 5,
		OnDone: func(_ int, n Network) { logged = append(logged, n.Name) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Networks) != 3 || strings.Join(logged, ",") != "tiny,small,conv" {
		t.Fatalf("networks %+v, logged %v", a.Networks, logged)
	}
	for i, n := range a.Networks {
		t.Logf("%s: accuracy %.3f, %s ID %.2f ± %.2f (dim %d)", n.Name, n.TestAccuracy, n.Layer, n.ID, *n.Err, n.Dim)
		if n.Layer != "d1" || n.Dim != specs[i].Width() || n.Dataset != "mnist" || n.Epochs != specs[i].Epochs {
			t.Errorf("%s: layer %q dim %d dataset %q epochs %d", n.Name, n.Layer, n.Dim, n.Dataset, n.Epochs)
		}
		if !(n.ID > 1 && n.ID < float64(n.Dim)+2) || n.Err == nil || !(*n.Err > 0) {
			t.Errorf("%s: ID %g ± %v in a %d-unit layer", n.Name, n.ID, n.Err, n.Dim)
		}
		if !(n.TestAccuracy > 0.1 && n.TestAccuracy <= 1) {
			t.Errorf("%s: accuracy %g no better than chance", n.Name, n.TestAccuracy)
		}
	}
	if a.Networks[1].TestAccuracy < 0.75 {
		t.Errorf("small MLP on 1500 images, 3 epochs: accuracy %.3f, want ≥ 0.75", a.Networks[1].TestAccuracy)
	}
	if a.Pearson == nil || a.Pearson.N != 3 || math.Abs(a.Pearson.R) > 1 {
		t.Errorf("correlation %+v", a.Pearson)
	}
	if a.Points != 400 || a.Resample != 3 || a.Kind != "accuracy-study" {
		t.Errorf("settings %+v", a)
	}
}

func TestDefaultFamily(t *testing.T) {
	f := DefaultFamily()
	names := map[string]bool{}
	fam := map[string]int{}
	epochs, widths, depths := map[int]bool{}, map[int]bool{}, map[int]bool{}
	for _, s := range f {
		if names[s.Name] {
			t.Errorf("duplicate name %s", s.Name)
		}
		names[s.Name] = true
		fam[s.Family]++
		epochs[s.Epochs] = true
		widths[s.Width()] = true
		depths[s.Depth()] = true
		if (s.Family == "cnn") != (len(s.Arch.Conv) > 0) {
			t.Errorf("%s: family %s for %v", s.Name, s.Family, s.Arch)
		}
	}
	if len(f) < 8 || fam["mlp"] < 3 || fam["cnn"] < 3 || len(epochs) < 2 || len(widths) < 3 || len(depths) < 3 {
		t.Errorf("family of %d: %v families, %d lengths, %d widths, %d depths", len(f), fam, len(epochs), len(widths), len(depths))
	}
	// The paper's CNN: conv 1→32 and 32→64 (k3), fc 1600→128, 128→10.
	p := Spec{Arch: nn.Paper, Epochs: 1}
	want := 3 * float64(26*26*32*9+11*11*64*32*9+1600*128+128*10) * 100
	if got := p.Cost(100); got != want {
		t.Errorf("paper CNN cost %g, want %g", got, want)
	}
}

func TestParseSpec(t *testing.T) {
	s, err := ParseSpec("wide:conv=8,16;hidden=64:3:6000")
	if err != nil || s.Name != "wide" || s.Family != "cnn" || s.Epochs != 3 || s.Subset != 6000 || s.Width() != 64 || s.Depth() != 4 {
		t.Errorf("%+v, %v", s, err)
	}
	for _, bad := range []string{"x", "x:mlp", "x:mlp:0", "x:bogus:1", "x:mlp:1:-5", ":mlp:1"} {
		if _, err := ParseSpec(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestFromModels(t *testing.T) {
	acc := func(v float64) *float64 { return &v }
	mk := func(id float64) []profile.LayerResult {
		return []profile.LayerResult{{Name: "input", ID: 12, Dim: 784}, {Name: "d1", ID: id, Dim: 128}, {Name: "output", ID: 5, Dim: 10}}
	}
	a, err := FromModels([]Model{
		{Name: "a", TestAccuracy: acc(0.99), Layers: mk(6)},
		{Name: "b", TestAccuracy: acc(0.95), Layers: mk(9)},
		{Name: "c", TestAccuracy: acc(0.90), Layers: mk(12)},
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Networks[0].Layer != "d1" || a.Networks[2].ID != 12 || a.Pearson == nil || a.Pearson.R < 0.99 {
		t.Errorf("%+v %+v", a.Networks, a.Pearson)
	}
	if _, err := FromModels([]Model{{Name: "x", Layers: mk(1)}}, ""); err == nil || !strings.Contains(err.Error(), "no test accuracy") {
		t.Errorf("no accuracy: %v", err)
	}
	if _, err := FromModels([]Model{{Name: "x", TestAccuracy: acc(0.9), Layers: mk(1)}}, "conv9"); err == nil || !strings.Contains(err.Error(), `no layer "conv9"`) {
		t.Errorf("missing layer: %v", err)
	}
	if _, err := FromModels([]Model{{Name: "x", TestAccuracy: acc(97), Layers: mk(1)}}, ""); err == nil {
		t.Error("accuracy 97: no error")
	}
	one, _ := FromModels([]Model{{Name: "x", TestAccuracy: acc(0.9), Layers: mk(1)}}, "input")
	if one.Pearson != nil || len(one.Warnings) != 1 || one.Networks[0].ID != 12 {
		t.Errorf("one model: %+v", one)
	}
}

func TestCorrelateByDataset(t *testing.T) {
	nets := func(ds string, ids, accs []float64) *Accuracy {
		a := &Accuracy{Kind: "accuracy-study", Seed: 1}
		for i := range ids {
			a.Networks = append(a.Networks, Network{Name: ds + string(rune('a'+i)), Dataset: ds, ID: ids[i], TestAccuracy: accs[i]})
		}
		a.Correlate()
		return a
	}
	m := nets("mnist", []float64{6, 8, 10}, []float64{0.99, 0.98, 0.96})
	f := nets("fashion", []float64{9, 10, 12, 14}, []float64{0.90, 0.88, 0.87, 0.80})
	if m.ByDataset != nil || m.Pearson == nil {
		t.Fatalf("one data set: %+v", m)
	}
	all := Merge(m, f)
	if len(all.Networks) != 7 || all.Pearson == nil || all.Pearson.N != 7 || len(all.ByDataset) != 2 {
		t.Fatalf("merged: %+v", all)
	}
	for i, want := range []*Accuracy{m, f} {
		got := all.ByDataset[i]
		if got.Dataset != want.Networks[0].Dataset || got.Pearson == nil || *got.Pearson != *want.Pearson {
			t.Errorf("%s: %+v, want %+v", got.Dataset, got.Pearson, want.Pearson)
		}
	}
	// Two networks of one data set: that correlation is undefined, with a
	// warning; the others stand.
	two := Merge(m, nets("tiny", []float64{1, 2}, []float64{0.5, 0.6}))
	if two.ByDataset[1].Pearson != nil || two.ByDataset[0].Pearson == nil || len(two.Warnings) != 1 || !strings.Contains(two.Warnings[0], "within tiny") {
		t.Errorf("%+v %v", two.ByDataset, two.Warnings)
	}
}
