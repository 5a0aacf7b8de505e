package cli

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/tensorio/npy"
)

// npyBytes builds a .npy file by hand: numpy's header and data.
func npyBytes(descr string, shape []int, data []byte) []byte {
	return append(npy.EncodeHeader(descr, false, shape), data...)
}

func f64bytes(x []float64) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, x)
	return b.Bytes()
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Main(args, &o, &e)
	return code, o.String(), e.String()
}

func TestBadInputExit2(t *testing.T) {
	good := f64bytes(synth.Hypercube(50, 2, 3, 1))
	nan := synth.Hypercube(50, 2, 3, 1)
	nan[3*7+1] = math.NaN()
	inf := synth.Hypercube(50, 2, 3, 1)
	inf[3*12] = math.Inf(1)
	dup := make([]float64, 0, 30)
	for i := 0; i < 10; i++ {
		dup = append(dup, 1, 2, 3, 4, 5, 6)
	}
	trunc := npyBytes("<f8", []int{50, 3}, good)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"magic.npy", []byte("not a numpy file at all, sorry"), "magic"},
		{"unclosed.npy", npyBytes("<f8", []int{50, 3}, good)[:40], ""},
		{"huge.npy", append([]byte("\x93NUMPY\x01\x00\xff\xff"), bytes.Repeat([]byte(" "), 100)...), ""},
		{"short.npy", trunc[:len(trunc)-17], ""},
		{"long.npy", append(npyBytes("<f8", []int{50, 3}, good), 1, 2, 3, 4, 5, 6, 7, 8), ""},
		{"dtype.npy", npyBytes("<c16", []int{50, 3}, good), ""},
		{"rank1.npy", npyBytes("<f8", []int{150}, good), "rank"},
		{"rank0.npy", npyBytes("<f8", []int{}, good[:8]), "rank"},
		{"tworows.npy", npyBytes("<f8", []int{2, 3}, good[:48]), "rows"},
		{"nan.npy", npyBytes("<f8", []int{50, 3}, f64bytes(nan)), "row 7"},
		{"inf.npy", npyBytes("<f8", []int{50, 3}, f64bytes(inf)), "row 12"},
		{"dups.npy", npyBytes("<f8", []int{10, 6}, f64bytes(dup)), "distinct"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, c.name, c.data)
			code, out, errs := run("estimate", p)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, errs)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			if strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("error is not one line: %q", errs)
			}
			if !strings.Contains(errs, c.name) {
				t.Errorf("error does not name the file: %q", errs)
			}
			if c.want != "" && !strings.Contains(strings.ToLower(errs), c.want) {
				t.Errorf("error %q does not mention %q", errs, c.want)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	p := writeFile(t, "ok.npy", npyBytes("<f8", []int{50, 3}, f64bytes(synth.Hypercube(50, 2, 3, 1))))
	for _, args := range [][]string{
		{"estimate"},
		{"estimate", p, "--method", "magic"},
		{"estimate", p, "--format", "xml"},
		{"estimate", p, "--discard", "1.5"},
		{"estimate", p, "--nosuchflag"},
		{"estimate", "/no/such/file.npy"},
		{"nosuchcommand"},
		{"profile", p, "--method", "all"},
		{"demo", "--format", "xml"},
		{"report", p, "--out", "r.html", "--format", "xml"},
		{"train", "--format", "xml"},
		{"plot", p, "--format", "xml"},
	} {
		if code, _, errs := run(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
		}
	}
}

func TestEstimateJSONShape(t *testing.T) {
	p := writeFile(t, "cube.npy", npyBytes("<f8", []int{400, 5}, f64bytes(synth.Hypercube(400, 3, 5, 2))))
	code, out, errs := run("estimate", p, "--method", "all", "--format", "json", "--max-rank", "64")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"input", "n", "dim", "n_used", "duplicates", "seed", "results", "warnings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	res := m["results"].([]any)
	if len(res) != 5 {
		t.Fatalf("%d results, want 5", len(res))
	}
	for _, r := range res {
		r := r.(map[string]any)
		for _, k := range []string{"method", "id", "err", "lo", "hi"} {
			if _, ok := r[k]; !ok {
				t.Errorf("result lacks %q: %v", k, r)
			}
		}
		id := r["id"].(float64)
		if id < 2 || id > 4.5 {
			t.Errorf("%s: ID %g of a 3-cube", r["method"], id)
		}
	}
	if g := res[2].(map[string]any); g["method"] != "gride" || len(g["scales"].([]any)) != 6 {
		t.Errorf("gride result %v", g)
	}
}

// The same seed gives byte-identical JSON whatever the number of threads.
func TestThreadIndependence(t *testing.T) {
	p := writeFile(t, "roll.npy", npyBytes("<f8", []int{600, 3}, f64bytes(synth.SwissRoll(600, 0.05, 3))))
	var outs []string
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		code, out, errs := run("estimate", p, "--method", "all", "--resample", "5", "--format", "json", "--seed", "7", "--max-rank", "32")
		runtime.GOMAXPROCS(old)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] {
		t.Fatalf("JSON differs between GOMAXPROCS 1 and 2:\n%s\n%s", outs[0], outs[1])
	}
	code, out, _ := run("scale", p, "--blocks", "5", "--decimate", "--format", "json", "--seed", "7")
	if code != 0 || !strings.Contains(out, "twonn-blocks") || !strings.Contains(out, "twonn-decimate") {
		t.Fatalf("scale: exit %d, %s", code, out)
	}
}

func TestDuplicatesCollapsedAndReported(t *testing.T) {
	x := synth.Hypercube(300, 2, 4, 5)
	x = append(x, x[:40*4]...) // 40 exact copies
	p := writeFile(t, "dups.npy", npyBytes("<f8", []int{340, 4}, f64bytes(x)))
	code, out, errs := run("estimate", p, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m["duplicates"].(float64) != 40 || m["n_used"].(float64) != 300 {
		t.Fatalf("duplicates %v, n_used %v", m["duplicates"], m["n_used"])
	}
	if !strings.Contains(errs, "collapsed 40 duplicate rows") {
		t.Errorf("no warning on stderr: %q", errs)
	}
	// keep: a clear error, exit 2, no NaN or 0.
	code, out, errs = run("estimate", p, "--duplicates", "keep")
	if code != 2 || out != "" || !strings.Contains(errs, "duplicate") {
		t.Fatalf("keep: exit %d, out %q, err %q", code, out, errs)
	}
	// drop: the paper's convention drops the r1 = 0 points.
	if code, _, errs = run("estimate", p, "--duplicates", "drop"); code != 0 {
		t.Fatalf("drop: exit %d: %s", code, errs)
	}
}

func TestProfileOrderAndJSON(t *testing.T) {
	dir := t.TempDir()
	for i, d := range []int{2, 5, 3} {
		name := fmt.Sprintf("layer%d.npy", []int{2, 10, 1}[i])
		x := synth.Hypercube(300, d, 8, uint64(i))
		if err := os.WriteFile(filepath.Join(dir, name), npyBytes("<f8", []int{300, 8}, f64bytes(x)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := run("profile", dir, "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var p struct {
		Method string
		Layers []struct {
			Name     string
			Index    int
			RelDepth float64 `json:"rel_depth"`
			ID       float64
			PCID     *int `json:"pc_id"`
		}
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	names := []string{"layer1", "layer2", "layer10"}
	ids := []float64{3, 2, 5}
	for i, l := range p.Layers {
		if l.Name != names[i] || l.Index != i || l.RelDepth != float64(i)/2 || l.PCID == nil {
			t.Errorf("layer %d: %+v", i, l)
		}
		if math.Abs(l.ID-ids[i]) > 0.15*ids[i] {
			t.Errorf("layer %s: ID %g, want ≈ %g", l.Name, l.ID, ids[i])
		}
	}
	if len(p.Layers) != 3 || p.Method != "twonn" {
		t.Fatalf("profile %+v", p)
	}
}

func TestProfileModelLayers(t *testing.T) {
	code, out, errs := run("profile", "--model", "mnist", "--n", "300", "--no-pca", "--quiet", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{"input", "conv1", "pool1", "conv2", "pool2", "d1", "output"}
	if len(lines) != len(want)+1 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	for i, name := range want {
		if f := strings.Split(lines[i+1], ","); f[1] != name || f[3] != "300" {
			t.Errorf("line %d: %s", i+1, lines[i+1])
		}
	}
	if code, _, _ := run("profile", "--model", "mnist", "x.npy"); code != 2 {
		t.Errorf("--model with INPUT: exit %d, want 2", code)
	}
	if code, _, errs := run("profile", "--model", "no-such-model"); code != 2 {
		t.Errorf("unknown model: exit %d, want 2 (%s)", code, errs)
	}
}

// A layer larger than --mem is streamed from disk and gives the same
// estimate as loading it.
func TestStreamedLayerEqualsLoaded(t *testing.T) {
	x := synth.Hypercube(500, 4, 40, 6)
	p := writeFile(t, "wide.npy", npyBytes("<f8", []int{500, 40}, f64bytes(x)))
	for _, method := range []string{"twonn", "all"} {
		args := []string{"estimate", p, "--method", method, "--resample", "4", "--format", "json", "--max-rank", "32"}
		code, loaded, errs := run(args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		code, streamed, errs := run(append(args, "--mem", "20K")...)
		if code != 0 {
			t.Fatalf("streamed: exit %d: %s", code, errs)
		}
		if !strings.Contains(errs, "streamed from disk") {
			t.Errorf("no streaming warning: %q", errs)
		}
		var a, b map[string]any
		json.Unmarshal([]byte(loaded), &a)
		json.Unmarshal([]byte(streamed), &b)
		ra, rb := a["results"].([]any), b["results"].([]any)
		for i := range ra {
			ia, ib := ra[i].(map[string]any)["id"].(float64), rb[i].(map[string]any)["id"].(float64)
			if math.Abs(ia-ib) > 1e-9*math.Abs(ia) {
				t.Errorf("%s result %d: loaded %g, streamed %g", method, i, ia, ib)
			}
		}
	}
	code, out, errs := run("profile", p, p, "--mem", "20K", "--quiet", "--format", "csv", "--resample", "3")
	if code != 0 || strings.Count(out, "wide") != 2 {
		t.Fatalf("profile: exit %d\n%s%s", code, out, errs)
	}
	if code, _, _ := run("estimate", p, "--mem", "lots"); code != 2 {
		t.Errorf("--mem lots: exit %d, want 2", code)
	}
}
