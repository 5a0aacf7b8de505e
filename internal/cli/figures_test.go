package cli

import (
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/internal/synth"
)

// Tests of plot, report, linearize and study.

func TestPlotFitAndJSON(t *testing.T) {
	p := writeFile(t, "roll.npy", npyBytes("<f8", []int{800, 3}, f64bytes(synth.SwissRoll(800, 0, 2))))
	svg := filepath.Join(filepath.Dir(p), "fit.svg")
	code, out, errs := run("plot", "--fit", p, "--out", svg)
	if code != 0 || !strings.Contains(out, "twonn-fit: "+svg) {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	b, err := os.ReadFile(svg)
	if err != nil || !strings.Contains(string(b), "log μ") || !strings.Contains(string(b), "fitted (720 points)") {
		t.Fatalf("fit.svg: %v", err)
	}
	code, out, errs = run("plot", "--fit", p, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var fd struct {
		Kind  string
		ID    float64
		N     int
		NFit  int `json:"n_fit"`
		X, Y  []float64
		Input string
	}
	if err := json.Unmarshal([]byte(out), &fd); err != nil {
		t.Fatal(err)
	}
	if fd.Kind != "twonn-fit" || math.Abs(fd.ID-2) > 0.25 || fd.N != 800 || fd.NFit != 720 || len(fd.X) != 799 || len(fd.Y) != 799 {
		t.Errorf("fit JSON: kind %s ID %.3f n %d n_fit %d, %d x", fd.Kind, fd.ID, fd.N, fd.NFit, len(fd.X))
	}
	// Paper mode: the 20 points of 10 duplicate pairs (r1 = 0), and those
	// whose nearest neighbour is one of them (r1 = r2), are dropped; 90 % of
	// the rest is fitted.
	dup := append(synth.SwissRoll(800, 0, 2), synth.SwissRoll(800, 0, 2)[:30]...)
	pd := writeFile(t, "dup.npy", npyBytes("<f8", []int{810, 3}, f64bytes(dup)))
	code, out2, errs := run("plot", "--fit", pd, "--paper", "--format", "json")
	if code != 0 || !strings.Contains(errs, " of 810 points dropped (r1 = 0 or r1 = r2)") {
		t.Fatalf("paper: exit %d, %q", code, errs)
	}
	var pfd struct {
		N    int
		NFit int `json:"n_fit"`
	}
	if err := json.Unmarshal([]byte(out2), &pfd); err != nil || pfd.N > 790 || pfd.N < 700 || pfd.NFit != int(0.9*float64(pfd.N)) ||
		!strings.Contains(errs, fmt.Sprintf("paper mode: %d of 810", 810-pfd.N)) {
		t.Errorf("paper fit: %+v, %v", pfd, err)
	}

	// The fit JSON draws the same figure.
	fj := writeFile(t, "fit.json", []byte(out))
	png1 := filepath.Join(filepath.Dir(fj), "fit.png")
	if code, _, errs = run("plot", fj, "--out", png1); code != 0 {
		t.Fatalf("plot fit.json: %s", errs)
	}
	checkPNG(t, png1)
}

func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if img.Bounds().Dx() < 1000 || img.Bounds().Dy() < 600 {
		t.Errorf("%s: %v is small for 200 dpi", path, img.Bounds())
	}
}

func TestPlotEstimateFigures(t *testing.T) {
	p := writeFile(t, "cube.npy", npyBytes("<f8", []int{400, 6}, f64bytes(synth.Hypercube(400, 3, 6, 1))))
	code, out, errs := run("estimate", p, "--method", "all", "--max-rank", "32", "--format", "json")
	if code != 0 {
		t.Fatalf("estimate: %s", errs)
	}
	ej := writeFile(t, "est.json", []byte(out))
	fig := filepath.Join(filepath.Dir(ej), "est.png")
	code, out, errs = run("plot", ej, "--out", fig, "--format", "csv")
	if code != 0 {
		t.Fatalf("plot: exit %d %s", code, errs)
	}
	// GRIDE against rank, and the PCA spectrum.
	want := "kind,path\nscale-rank," + fig + "\nspectrum," + strings.TrimSuffix(fig, ".png") + "-spectrum.png\n"
	if out != want {
		t.Errorf("plot printed %q, want %q", out, want)
	}
	checkPNG(t, fig)
	checkPNG(t, strings.TrimSuffix(fig, ".png")+"-spectrum.png")
	// --kind picks one.
	only := filepath.Join(filepath.Dir(ej), "only.svg")
	if code, out, _ = run("plot", ej, "--out", only, "--kind", "spectrum"); code != 0 || out != "spectrum: "+only+"\n" {
		t.Errorf("--kind spectrum: exit %d, %q", code, out)
	}
	if code, _, errs = run("plot", ej, "--out", only, "--kind", "profile"); code != 2 || !strings.Contains(errs, "scale-rank, spectrum") {
		t.Errorf("--kind profile: exit %d, %q", code, errs)
	}
	// The report of the same JSON inlines both figures.
	html := filepath.Join(filepath.Dir(ej), "r.html")
	if code, _, errs = run("report", ej, "--out", html); code != 0 {
		t.Fatalf("report: %s", errs)
	}
	b, _ := os.ReadFile(html)
	if n := strings.Count(string(b), "<svg"); n != 2 || !strings.Contains(string(b), "intdim "+Version) {
		t.Errorf("report has %d <svg>, version %v", n, strings.Contains(string(b), Version))
	}
}

func TestFiguresBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, "bad.json", []byte(`{"layers": "nope"}`))
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"plot", bad, "--out", filepath.Join(dir, "x.png")}, 2, "bad.json: bad JSON"},
		{[]string{"plot", filepath.Join(dir, "none.json"), "--out", filepath.Join(dir, "x.png")}, 2, "none.json"},
		{[]string{"plot", bad}, 2, "--out FIG.png or FIG.svg is required"},
		{[]string{"plot", bad, "--out", "x.jpg"}, 2, "unknown image type"},
		{[]string{"report", bad, "--out", filepath.Join(dir, "r.html")}, 2, "bad.json: bad JSON"},
		{[]string{"report", bad, "--out", "r.txt"}, 2, "want a .html file"},
		{[]string{"linearize", bad}, 2, "bad.json"},
		{[]string{"linearize", "--sizes", "5,100", bad}, 2, "--sizes"},
		{[]string{"study"}, 2, "want a study"},
		{[]string{"study", "accuracy", "extra.json"}, 2, "files go after --from"},
		{[]string{"study", "accuracy", "--from", bad}, 2, "bad.json"},
		{[]string{"study", "accuracy", "--net", "x:bogus:1"}, 2, "--net"},
		{[]string{"study", "accuracy", "--net", "x:mlp:1", "--data", "cifar"}, 2, "unknown --data"},
	} {
		code, _, errs := run(c.args...)
		if code != c.code || !strings.Contains(errs, c.msg) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q on one line", c.args, code, errs, c.code, c.msg)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left behind: %v", ents)
	}
}

func TestLinearizeCommand(t *testing.T) {
	// A circle (ID 1) curved through 24 dimensions by harmonics.
	const n, d = 600, 24
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		th := 2 * math.Pi * r.Float64()
		for j := 0; j < d/2; j++ {
			x[i*d+2*j] = math.Cos(float64(j+1) * th)
			x[i*d+2*j+1] = math.Sin(float64(j+1) * th)
		}
	}
	p := writeFile(t, "circle.npy", npyBytes("<f8", []int{n, d}, f64bytes(x)))
	fig := filepath.Join(filepath.Dir(p), "lin.svg")
	code, out, errs := run("linearize", p, "--sizes", "150,600", "--blocks", "4", "--format", "json", "--out", fig, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var l struct {
		Kind          string
		N, Dim        int
		Method        string
		Sizes, Blocks []int
		DataIDs       []float64 `json:"data_ids"`
		SurrogateIDs  []float64 `json:"surrogate_ids"`
	}
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatal(err)
	}
	if l.Kind != "linearize" || l.N != n || l.Dim != d || len(l.Sizes) != 2 || l.Blocks[0] != 4 || l.Blocks[1] != 1 || l.Method != "twonn" {
		t.Fatalf("%+v", l)
	}
	for i := range l.Sizes {
		if math.Abs(l.DataIDs[i]-1) > 0.25 || l.SurrogateIDs[i] < 5 {
			t.Errorf("N = %d: data ID %.2f (want 1), surrogate %.2f (want ≫ 1)", l.Sizes[i], l.DataIDs[i], l.SurrogateIDs[i])
		}
	}
	if b, err := os.ReadFile(fig); err != nil || !strings.Contains(string(b), "Gaussian, same covariance") {
		t.Errorf("figure: %v", err)
	}
	code, out, _ = run("linearize", p, "--sizes", "150,600", "--blocks", "4", "--quiet")
	if code != 0 || !strings.Contains(out, "surrogate ID") || strings.Count(out, "\n") != 4 {
		t.Errorf("text output: %q", out)
	}
}

func TestStudyAccuracy(t *testing.T) {
	demo := `{"models": [
	  {"name": "a", "test_accuracy": 0.99, "layers": [{"name": "input", "id": 12, "dim": 784}, {"name": "d1", "id": 6, "err": 0.1, "dim": 128}, {"name": "output", "id": 4, "dim": 10}]},
	  {"name": "b", "test_accuracy": 0.95, "layers": [{"name": "input", "id": 12, "dim": 784}, {"name": "d1", "id": 9, "err": 0.1, "dim": 128}, {"name": "output", "id": 4, "dim": 10}]}]}`
	prof := `{"method": "twonn", "seed": 1, "layers": [{"name": "input", "id": 12, "dim": 784}, {"name": "d1", "id": 13, "dim": 64}, {"name": "output", "id": 5, "dim": 10}]}`
	dj := writeFile(t, "demo.json", []byte(demo))
	pj := writeFile(t, "mine.json", []byte(prof))
	code, out, errs := run("study", "accuracy", "--from", dj, pj, "--accuracy", "0.9", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var a struct {
		Networks []struct {
			Name         string
			Layer        string
			ID           float64
			TestAccuracy float64 `json:"test_accuracy"`
		}
		Pearson *struct {
			N    int
			R, P float64
		}
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if len(a.Networks) != 3 || a.Networks[2].Name != "mine" || a.Networks[2].Layer != "d1" || a.Networks[2].TestAccuracy != 0.9 {
		t.Fatalf("networks %+v", a.Networks)
	}
	if a.Pearson == nil || a.Pearson.N != 3 || a.Pearson.R < 0.95 {
		t.Errorf("pearson %+v: IDs 6, 9, 13 against errors 1, 5, 10 %%", a.Pearson)
	}
	if code, _, errs = run("study", "accuracy", "--from", dj, pj); code != 2 || !strings.Contains(errs, "no test accuracy") {
		t.Errorf("missing accuracy: exit %d %q", code, errs)
	}

	// Training: three tiny MLPs on a few MNIST images.
	dir := t.TempDir()
	fig, rep, save := filepath.Join(dir, "s.svg"), filepath.Join(dir, "s.html"), filepath.Join(dir, "s.json")
	code, out, errs = run("study", "accuracy", "--net", "t8:hidden=8:1:200", "--net", "t16:hidden=16:2:600", "--net", "t4:hidden=4:1:100",
		"--points", "300", "--resample", "2", "--quiet", "--out", fig, "--report", rep, "--save", save, "--data", "mnist")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "t16") || !strings.Contains(out, "Pearson r = ") || errs != "" {
		t.Errorf("output %q, stderr %q", out, errs)
	}
	for _, f := range []string{fig, rep, save} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
}
