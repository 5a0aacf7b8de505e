package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/nn"
	"github.com/intdim/intdim/nn/zoo"
	"github.com/intdim/intdim/study"
)

func TestTrainSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network; run without -short")
	}
	dir := t.TempDir()
	code, out, errs := run("train", "--data", "mnist", "--arch", "conv=4;hidden=16", "--subset", "1000", "--epochs", "2",
		"--batch", "32", "--lr", "0.05", "--out", dir, "--quiet", "--format", "json", "--track-id", "--track-n", "300")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var lg nn.Log
	if err := json.Unmarshal([]byte(out), &lg); err != nil {
		t.Fatal(err)
	}
	// Before training, 4 points inside the first epoch, 2 epochs.
	if len(lg.Rows) != 7 {
		t.Fatalf("%d log rows, want 7", len(lg.Rows))
	}
	first, last := lg.Rows[0], lg.Rows[len(lg.Rows)-1]
	if last.Epoch != 2 || last.TestAcc < 0.5 || !(last.TestLoss < first.TestLoss) {
		t.Errorf("after %g epochs test accuracy %.3f, loss %.3f (before %.3f)", last.Epoch, last.TestAcc, last.TestLoss, first.TestLoss)
	}
	for _, name := range []string{"input", "conv1", "pool1", "d1", "output"} {
		if id := last.IDs[name]; !(id > 1 && id < 40) {
			t.Errorf("ID of %s: %g", name, id)
		}
	}
	// The input's ID does not change with training.
	if first.IDs["input"] != last.IDs["input"] {
		t.Errorf("input ID %g then %g", first.IDs["input"], last.IDs["input"])
	}
	for _, f := range []string{"model.safetensors", "log.json", "log.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	// log.json is a typed document that plot and report draw.
	png := filepath.Join(t.TempDir(), "training.png")
	if code, out, errs := run("plot", filepath.Join(dir, "log.json"), "--out", png); code != 0 || !strings.Contains(out, "training: "+png) {
		t.Errorf("plot log.json: exit %d, %q, %s", code, out, errs)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "log.csv"))
	if !strings.HasPrefix(string(csv), "epoch,step,lr,train_loss,train_accuracy,test_loss,test_accuracy,seconds,id_input,") ||
		strings.Count(string(csv), "\n") != 8 {
		t.Errorf("log.csv:\n%s", csv)
	}
	// The saved network has the logged accuracy.
	acc, err := modelAccuracy(dir, "", false, 0)
	if err != nil || math.Abs(acc-last.TestAcc) > 1e-12 {
		t.Errorf("reloaded accuracy %g (%v), logged %g", acc, err, last.TestAcc)
	}
	layers, err := modelLayers(dir, "mnist-test", 50, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	dims := []int{784, 4 * 26 * 26, 4 * 13 * 13, 16, 10}
	if len(layers) != len(dims) {
		t.Fatalf("%d layers", len(layers))
	}
	for i, l := range layers {
		if l.Points.N() != 50 || l.Points.D() != dims[i] || len(l.Points.F32()) != 50*dims[i] {
			t.Errorf("layer %s: %d×%d", l.Name, l.Points.N(), l.Points.D())
		}
	}
	un, err := modelLayers(dir, "mnist-test", 50, true, 3)
	if err != nil {
		t.Fatal(err)
	}
	if un[0].Points.F32()[300] != layers[0].Points.F32()[300] || un[4].Points.F32()[7] == layers[4].Points.F32()[7] {
		t.Error("untrained network: input should match, output differ")
	}
	if acc, _ := modelAccuracy(dir, "", true, 3); acc > 0.3 {
		t.Errorf("untrained accuracy %g", acc)
	}
}

func TestTrainBadUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range [][]string{
		{"train", "--data", "cifar", "--out", dir},
		{"train", "--data", "mnist"},
		{"train", "--arch", "conv=x", "--out", dir},
		{"train", "--epochs", "0", "--out", dir},
		{"train", "--lr-after", "3", "--out", dir},
		{"train", "--format", "xml", "--out", dir},
	} {
		code, _, errs := run(c...)
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "intdim train: ") {
			t.Errorf("%v: exit %d, stderr %q", c, code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "model.safetensors")); err == nil {
		t.Error("a failed run left a model")
	}
}

func TestModelBadInput(t *testing.T) {
	if _, err := modelLayers("/nonexistent/model", "", 10, false, 0); err == nil || !strings.Contains(err.Error(), "/nonexistent/model") {
		t.Errorf("error %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.safetensors")
	os.WriteFile(bad, []byte("not a model at all"), 0o644)
	if _, err := modelLayers(bad, "", 10, false, 0); err == nil || !strings.Contains(err.Error(), "bad.safetensors") {
		t.Errorf("error %v", err)
	}
	if _, err := modelLayers("builtin", "cifar-test", 10, false, 0); err == nil {
		t.Error("unknown data accepted")
	}
}

func TestBuiltinModels(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates the built-in networks on the test set; run without -short")
	}
	for _, name := range zoo.Names {
		m, err := zoo.Open("builtin:" + name)
		if err != nil {
			t.Fatal(err)
		}
		net, data, acc := m.Net, m.Data, m.TestAccuracy
		if data != name || net.NumParams() != 225034 {
			t.Errorf("%s: %v, data %q, %d parameters", name, err, data, net.NumParams())
		}
		// Recorded test accuracies: ≥ 98.5 % on mnist, > 95 % on
		// mnist-offset, chance for the memorised shuffled labels.
		if (name == "mnist" && acc < 0.985) || (name == "mnist-offset" && acc < 0.95) || (name == "mnist-shuffled" && acc > 0.15) {
			t.Errorf("embedded %s network: test accuracy %g", name, acc)
		}
	}
	// The recorded accuracy is the network's.
	if acc, err := modelAccuracy("mnist-offset", "", false, 0); err != nil || acc < 0.95 {
		t.Errorf("mnist-offset network on offset test images: %g %v", acc, err)
	}
	layers, err := modelLayers("builtin", "mnist-test", 20, false, 0)
	if err != nil || len(layers) != 7 || layers[1].Name != "conv1" || layers[1].Points.D() != 21632 {
		t.Errorf("builtin layers: %v", err)
	}
}

// TestDemo is the package's one test of the demo command: a small run in
// JSON, then as text into the same directory. It takes about 10 s on 2
// cores and is skipped with -short.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo; run without -short")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	code, out, errs := run("demo", "--out", dir, "--n", "150", "--resample", "2", "--quiet", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep study.Demo
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range rep.Models {
		names = append(names, m.Name)
		if len(m.Layers) != 7 || m.Layers[6].Name != "output" || m.Layers[0].Err == nil || m.Layers[0].PCID == nil {
			t.Errorf("%s: layers %+v", m.Name, m.Layers)
		}
	}
	// The trained and shuffled networks have their overlap matrices.
	for i, m := range rep.Models {
		if want := i < 2; (m.Overlap != nil) != want || (want && (len(m.Overlap) != 7 || m.OverlapK != 30)) {
			t.Errorf("%s: overlap %v (k %d)", m.Name, m.Overlap, m.OverlapK)
			continue
		}
		for a, row := range m.Overlap {
			for b, v := range row {
				if v == nil || *v < 0 || *v > 1 || (a == b && *v != 1) || *v != *m.Overlap[b][a] {
					t.Errorf("%s: overlap[%d][%d] = %v", m.Name, a, b, v)
				}
			}
		}
	}
	// They have their information imbalances against the input and the
	// output too: a layer against itself is 2/N (its own nearest neighbour
	// is rank 1), the others within [0, 2].
	for i, m := range rep.Models {
		if want := i < 2; (m.ImbalanceInput != "") != want || (want && (m.ImbalanceInput != "input" || m.ImbalanceOutput != "output")) {
			t.Errorf("%s: imbalance against %q and %q", m.Name, m.ImbalanceInput, m.ImbalanceOutput)
			continue
		}
		for _, l := range m.Layers {
			for _, v := range []*float64{l.DeltaToInput, l.DeltaFromInput, l.DeltaToOutput, l.DeltaFromOutput} {
				if (v != nil) != (i < 2) || (v != nil && !(*v > 0 && *v <= 2)) {
					t.Errorf("%s %s: imbalance %v", m.Name, l.Name, v)
				}
			}
		}
		if i < 2 && (*m.Layers[0].DeltaToInput != 2.0/150 || *m.Layers[6].DeltaToOutput != 2.0/150) {
			t.Errorf("%s: Δ(input→input) %v, Δ(output→output) %v, want 2/150", m.Name, *m.Layers[0].DeltaToInput, *m.Layers[6].DeltaToOutput)
		}
	}
	if strings.Join(names, ",") != "mnist,mnist-shuffled,mnist-offset,untrained" {
		t.Errorf("models %v", names)
	}
	if un := rep.Models[3].TestAccuracy; un > 0.3 || rep.Models[0].TestAccuracy < 0.9 {
		t.Errorf("accuracies: trained %g, untrained %g", rep.Models[0].TestAccuracy, un)
	}
	disk, _ := os.ReadFile(filepath.Join(dir, "demo.json"))
	if string(disk) != out {
		t.Error("demo.json differs from the JSON output")
	}
	// The paper's other evidence: PCA spectra of the trained network's
	// layers and the TwoNN fit of each distinct input, in the report too.
	if len(rep.Spectra) != 4 || rep.Spectra[3].Layer != "d1" || len(rep.Fits) != 2 || rep.Fits[1].Input != "mnist-offset-test" ||
		rep.Fits[0].N != 150 || rep.Spectra[0].PCID != *rep.Models[0].Layers[0].PCID {
		t.Errorf("spectra %d, fits %d", len(rep.Spectra), len(rep.Fits))
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	for _, want := range []string{`class="profile"`, `class="spectrum"`, `class="twonn-fit"`, "mnist-offset-test: slope (ID)", `class="overlap"`, "mnist-shuffled: overlap (k = 30)", `class="imbalance"`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %s", want)
		}
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "demo.csv"))
	if strings.Count(string(csv), "\n") != 1+4*7 {
		t.Errorf("demo.csv has %d lines", strings.Count(string(csv), "\n"))
	}
	for _, f := range []string{"demo.json", "demo.csv", "profile.png", "report.html"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if !strings.Contains(string(html), "<svg") {
		t.Error("report.html has no inlined figure")
	}
	code, txt, errs := run("demo", "--out", dir, "--n", "150", "--resample", "0", "--quiet")
	if code != 0 {
		t.Fatalf("text run: exit %d: %s", code, errs)
	}
	for _, w := range []string{"mnist", "mnist-shuffled", "mnist-offset", "untrained", "pool2", "the last hidden layer, d1, has ID"} {
		if !strings.Contains(txt, w) {
			t.Errorf("table lacks %s:\n%s", w, txt)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 4 {
		t.Errorf("%d entries in the output directory (temporary files left?)", len(ents))
	}
}

// A learning rate that makes the loss overflow stops training with one
// line naming the divergence, and writes nothing.
func TestTrainDivergesCleanly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errs := run("train", "--arch", "hidden=8", "--subset", "640", "--epochs", "2", "--lr", "1e300", "--out", dir, "--quiet")
	if code != 1 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "training diverged") ||
		!strings.Contains(errs, "nothing was written") || !strings.Contains(errs, "--lr") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the run left %s behind (%v)", dir, err)
	}
}

// Architectures that cannot fit are refused before anything is allocated,
// with the memory they would need.
func TestTrainRefusesHugeNetworks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	for _, arch := range []string{"hidden=2000000000", "conv=100000"} {
		code, _, errs := run("train", "--arch", arch, "--out", dir, "--quiet")
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "--arch") || !strings.Contains(errs, "needs about") {
			t.Errorf("%s: exit %d, stderr %q", arch, code, errs)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused run left %s behind", dir)
	}
}

// profile --model carries the network's test accuracy, so that study
// accuracy --from needs no --accuracy.
func TestProfileModelCarriesAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("profiles three networks; run without -short")
	}
	dir := t.TempDir()
	var files []string
	for _, m := range []string{"mnist", "mnist-shuffled", "mnist-offset"} {
		code, out, errs := run("profile", "--model", m, "--n", "100", "--no-pca", "--quiet", "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", m, code, errs)
		}
		var doc struct {
			Kind         string   `json:"kind"`
			TestAccuracy *float64 `json:"test_accuracy"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Kind != "profile" || doc.TestAccuracy == nil {
			t.Fatalf("%s: %+v, %v", m, doc, err)
		}
		f := filepath.Join(dir, m+".json")
		os.WriteFile(f, []byte(out), 0o644)
		files = append(files, f)
	}
	code, out, errs := run(append([]string{"study", "accuracy", "--format", "json", "--from"}, files...)...)
	if code != 0 {
		t.Fatalf("study --from: exit %d: %s", code, errs)
	}
	var a study.Accuracy
	if err := json.Unmarshal([]byte(out), &a); err != nil || len(a.Networks) != 3 || a.Networks[0].TestAccuracy < 0.98 || a.Networks[1].TestAccuracy > 0.2 {
		t.Errorf("study: %+v, %v", a.Networks, err)
	}
}

func TestPlural(t *testing.T) {
	for v, want := range map[float64]string{1: "1 epoch", 2: "2 epochs", 0.5: "0.5 epochs"} {
		if got := plural(v, "epoch"); got != want {
			t.Errorf("plural(%g) = %q, want %q", v, got, want)
		}
	}
}
