package hostile

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTrain: training runs that cannot work are refused before any
// allocation, or stopped at the first non-finite loss, with one line and
// no files.
func TestTrain(t *testing.T) {
	train := func(a ...string) []string {
		return append([]string{"train", "--out", "run", "--quiet", "--subset", "640", "--arch", "hidden=8"}, a...)
	}
	Run(t, []Case{
		{Name: "lr 1e300 diverges", Args: train("--lr", "1e300"), Exit: 1, Stderr: "training diverged: the loss is NaN at epoch 1", Timeout: 30 * time.Second},
		{Name: "lr Inf", Args: train("--lr", "Inf"), Exit: 2, Stderr: "--lr +Inf"},
		{Name: "lr NaN", Args: train("--lr", "NaN"), Exit: 2, Stderr: "--lr"},
		{Name: "momentum NaN", Args: train("--momentum", "NaN"), Exit: 2, Stderr: "--momentum"},
		{Name: "lr-after Inf", Args: train("--lr-after", "2:Inf"), Exit: 2, Stderr: "--lr-after"},
		{Name: "hidden 2e9", Args: train("--arch", "hidden=2000000000"), Exit: 2, Stderr: "needs about 110 TB of memory"},
		{Name: "conv 100000", Args: train("--arch", "conv=100000"), Exit: 2, Stderr: "needs about"},
		{Name: "batch 1e8", Args: train("--batch", "100000000"), Exit: 2, Stderr: "with batch 100000000 needs about"},
		{Name: "width overflow", Args: train("--arch", "hidden=99999999999999999999"), Exit: 2, Stderr: "--arch"},
		{Name: "unknown data", Args: train("--data", "cifar"), Exit: 2, Stderr: `unknown data set "cifar"`},
		{Name: "init missing", Args: train("--init", "nowhere"), Exit: 2, Stderr: "nowhere"},
		{Name: "out is a file", Args: train(), Setup: File("run", []byte("a file")), Exit: 2, Stderr: "--out run: exists and is not a directory"},
		{Name: "init not a network", Args: train("--init", "x.safetensors"), Setup: File("x.safetensors", []byte("garbage")), Exit: 2, Stderr: "x.safetensors"},
	})
}

// TestDemoAllOrNothing: a demo whose outputs cannot all be written writes
// none of them (here report.html is taken by a directory, as a full disk
// fails one write of the four).
func TestDemoAllOrNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo; run without -short")
	}
	blocked := func(t *testing.T, dir string) {
		if err := os.MkdirAll(filepath.Join(dir, "out", "report.html"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	Run(t, []Case{
		{Name: "report.html blocked", Args: []string{"demo", "--out", "out", "--n", "10", "--resample", "0", "--quiet"},
			Setup: blocked, Exit: 1, Stderr: "report.html: exists and is not a regular file", Timeout: 60 * time.Second},
		{Name: "out is a file", Args: []string{"demo", "--out", "out", "--n", "10", "--resample", "0", "--quiet"},
			Setup: File("out", []byte("a file")), Exit: 2, Stderr: "--out out: exists and is not a directory"},
		{Name: "n too small", Args: []string{"demo", "--out", "out", "--n", "2"}, Exit: 2, Stderr: "--n"},
	})
}

// TestProfileModel: bad networks and test sets for profile --model.
func TestProfileModel(t *testing.T) {
	Run(t, []Case{
		{Name: "model missing", Args: []string{"profile", "--model", "nowhere", "--quiet"}, Exit: 2, Stderr: "nowhere"},
		{Name: "model garbage", Args: []string{"profile", "--model", "m.safetensors", "--quiet"}, Setup: File("m.safetensors", []byte{1, 0, 0, 0, 0, 0, 0, 0, '{'}), Exit: 2, Stderr: "m.safetensors"},
		{Name: "unknown test set", Args: []string{"profile", "--model", "mnist", "--data", "cifar-test", "--quiet"}, Exit: 2, Stderr: `unknown test set "cifar-test"`},
		{Name: "n too large", Args: []string{"profile", "--model", "mnist", "--n", "20000", "--quiet"}, Exit: 2, Stderr: "--n 20000"},
	})
}
