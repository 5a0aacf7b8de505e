package nn

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// tinySet is n random-ish 1×6×6 images with labels from a rule.
func tinySet(n int) *Dataset {
	d := &Dataset{X: make([]float32, n*36), Y: make([]uint8, n), N: n, Shape: Shape{1, 6, 6}}
	for i := range d.X {
		d.X[i] = float32((i*7919)%101) / 101
	}
	for i := range n {
		if d.X[i*36] > 0.5 {
			d.Y[i] = 1
		}
	}
	return d
}

func TestRunCheckpointsAndLog(t *testing.T) {
	tr := tinySet(200)
	dir := filepath.Join(t.TempDir(), "run")
	net, lg, err := Run(tr, tr, RunConfig{Config: Config{Epochs: 2, Batch: 20, LR: 0.05, Momentum: 0.9, Seed: 1},
		Arch: Arch{Hidden: []int{8}}, Classes: 2, Dir: dir, Data: "tiny", Schedule: map[int]float64{2: 0.01}})
	if err != nil {
		t.Fatal(err)
	}
	if len(lg.Rows) != 2 || lg.Rows[1].LR != 0.01 || lg.Rows[0].LR != 0.05 || lg.Rows[1].Step != 20 {
		t.Errorf("log rows %+v", lg.Rows)
	}
	saved, meta, err := LoadFile(filepath.Join(dir, "model.safetensors"))
	if err != nil || meta["data"] != "tiny" || meta["epochs"] != "2" {
		t.Fatalf("checkpoint: %v, %v", err, meta)
	}
	if saved.Params()[0].W[3] != net.Params()[0].W[3] {
		t.Error("the checkpoint is not the trained network")
	}
	for _, f := range []string{"log.json", "log.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

// A diverging run stops at the first non-finite loss with ErrDiverged and
// creates nothing.
func TestRunDiverges(t *testing.T) {
	tr := tinySet(200)
	dir := filepath.Join(t.TempDir(), "run")
	_, _, err := Run(tr, tr, RunConfig{Config: Config{Epochs: 3, Batch: 20, LR: 1e300, Seed: 1},
		Arch: Arch{Hidden: []int{8}}, Classes: 2, Dir: dir})
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("error %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("diverged run created %s", dir)
	}
}

// TrainBytes grows with the width and the batch; Run refuses a network
// over MaxBytes before building it.
func TestTrainBytes(t *testing.T) {
	in := Shape{1, 28, 28}
	small, _ := Paper.TrainBytes(in, 10, 64, 0)
	wide, _ := Arch{Conv: []int{32, 64}, Hidden: []int{4096}}.TrainBytes(in, 10, 64, 0)
	big, _ := Paper.TrainBytes(in, 10, 6400, 0)
	// The paper network has 225,034 parameters: at least 12 copies of them.
	if !(small > 12*4*225034 && small < 2e9 && wide > small && big > 10*small/2) {
		t.Errorf("bytes: paper %g, wide %g, batch 6400 %g", small, wide, big)
	}
	if huge, err := (Arch{Hidden: []int{2000000000}}).TrainBytes(in, 10, 64, 0); err != nil || huge < 1e13 {
		t.Errorf("hidden=2e9: %g, %v", huge, err)
	}
	_, _, err := Run(tinySet(10), nil, RunConfig{Arch: Arch{Conv: []int{100000}}, Classes: 2, MaxBytes: 1e9})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("error %v", err)
	}
}
