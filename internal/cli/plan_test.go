package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intdim/intdim/internal/hostile/craft"
	"github.com/intdim/intdim/internal/statage"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/plan"
	"github.com/intdim/intdim/tensorio/npz"
)

// planInputs writes a directory of three layers: 400×12 float64 with 25
// duplicate rows, 300×9 float32, 150×6 float64. It returns the directory.
func planInputs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	a := synth.Hypercube(400, 5, 12, 1)
	for i := range 25 { // rows 375.. copy rows 0..
		copy(a[(375+i)*12:(376+i)*12], a[i*12:(i+1)*12])
	}
	b := synth.Hypercube(300, 4, 9, 2)
	var b32 bytes.Buffer
	for _, v := range b {
		binary.Write(&b32, binary.LittleEndian, float32(v))
	}
	c := synth.Hypercube(150, 3, 6, 3)
	for name, data := range map[string][]byte{
		"a0.npy": npyBytes("<f8", []int{400, 12}, f64bytes(a)),
		"a1.npy": npyBytes("<f4", []int{300, 9}, b32.Bytes()),
		"a2.npy": npyBytes("<f8", []int{150, 6}, f64bytes(c)),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runTasks runs every task of the plan in a shuffled order; task `twice`
// runs in two goroutines at once, and task `retry` is deleted after its
// first run and run again.
func runTasks(t *testing.T, planPath string, n int, seed uint64, twice, retry int) {
	t.Helper()
	order := rand.New(rand.NewPCG(seed, 1)).Perm(n)
	for _, i := range order {
		idx := fmt.Sprint(i)
		if i == twice {
			var wg sync.WaitGroup
			codes := make([]int, 2)
			errs := make([]string, 2)
			for g := range 2 {
				wg.Go(func() { codes[g], _, errs[g] = run("run-task", planPath, "--index", idx) })
			}
			wg.Wait()
			for g := range 2 {
				if codes[g] != 0 {
					t.Fatalf("task %d run twice at once: exit %d: %s", i, codes[g], errs[g])
				}
			}
			continue
		}
		if code, _, errs := run("run-task", planPath, "--index", idx); code != 0 {
			t.Fatalf("task %d: exit %d: %s", i, code, errs)
		}
		if i == retry {
			part := plan.PartPath(planPath, i)
			first, err := os.ReadFile(part)
			if err != nil {
				t.Fatal(err)
			}
			code, out, _ := run("run-task", planPath, "--index", idx)
			if code != 0 || !strings.Contains(out, "kept") {
				t.Fatalf("task %d run again: exit %d, %q: want the valid partial kept", i, code, out)
			}
			os.Remove(part)
			if code, _, errs := run("run-task", planPath, "--index", idx); code != 0 {
				t.Fatalf("task %d retried: exit %d: %s", i, code, errs)
			}
			again, _ := os.ReadFile(part)
			if !bytes.Equal(first, again) {
				t.Fatalf("task %d: the retried partial differs from the first", i)
			}
		}
	}
}

// TestMergeEqualsProfile: for several option sets and splits (1, 3, 7
// tasks of equal cost, of uneven blocks, spanning layers, and one task per
// layer with --task-mem), tasks run in any order, one twice at once and
// one retried, merge prints profile's bytes.
func TestMergeEqualsProfile(t *testing.T) {
	dir := planInputs(t)
	inputs := []string{filepath.Join(dir, "a0.npy"), filepath.Join(dir, "a1.npy"), filepath.Join(dir, "a2.npy")}
	options := [][]string{
		{"--resample", "4"},
		{"--method", "gride", "--max-rank", "16", "--no-pca"},
		{"--method", "mle", "--k", "5", "--metric", "cosine"},
		{"--paper", "--duplicates", "drop"},
		// The tasks search blocks against all rows with the pruning
		// plan chose (knn.SearchBlock).
		{"--search", "pruned"},
		{"--search", "pruned", "--method", "mle", "--k", "5", "--metric", "cosine", "--resample", "3"},
		// The tasks search blocks with the k-d tree (knn.SearchBlockTree).
		{"--search", "tree", "--resample", "3"},
		{"--search", "brute"},
	}
	splits := [][]string{{"--tasks", "1"}, {"--tasks", "3"}, {"--tasks", "7"}, {"--task-mem", "1G"}}
	for oi, opts := range options {
		prof := append(append([]string{"profile", "--quiet"}, opts...), inputs...)
		for _, format := range []string{"json", "text", "csv"} {
			if format != "json" && oi > 0 {
				continue
			}
			code, want, errs := run(append(prof, "--format", format)...)
			if code != 0 {
				t.Fatalf("profile %v: exit %d: %s", opts, code, errs)
			}
			for si, split := range splits {
				if format != "json" && si != 2 {
					continue
				}
				name := fmt.Sprintf("%s/%s/%s", strings.Join(opts, " "), strings.Join(split, " "), format)
				t.Run(name, func(t *testing.T) {
					planPath := filepath.Join(t.TempDir(), "study.json")
					args := append(append(append([]string{"plan"}, inputs...), opts...), split...)
					code, out, errs := run(append(args, "--out", planPath, "--quiet")...)
					if code != 0 {
						t.Fatalf("plan: exit %d: %s", code, errs)
					}
					p, err := plan.Load(planPath)
					if err != nil {
						t.Fatal(err)
					}
					if split[0] == "--tasks" && fmt.Sprint(len(p.Tasks)) != split[1] {
						t.Fatalf("%d tasks, want %s (%s)", len(p.Tasks), split[1], out)
					}
					if split[0] == "--task-mem" && len(p.Tasks) != 3 {
						t.Fatalf("--task-mem alone: %d tasks, want one per layer", len(p.Tasks))
					}
					mode := ""
					if opts[0] == "--search" {
						mode = opts[1]
					}
					checkSearch(t, p, planPath, mode)
					// a0 has duplicates to collapse: checked again by
					// the tasks and merge; the others are not.
					if oi == 0 && (p.Layers[0].Checked || !p.Layers[1].Checked || !p.Layers[2].Checked) {
						t.Fatalf("checked layers: %v %v %v, want false true true", p.Layers[0].Checked, p.Layers[1].Checked, p.Layers[2].Checked)
					}
					n := len(p.Tasks)
					runTasks(t, planPath, n, uint64(si+1), n/2, n-1)
					code, got, errs := run("merge", planPath, "--format", format)
					if code != 0 {
						t.Fatalf("merge: exit %d: %s", code, errs)
					}
					if got != want {
						t.Fatalf("merge differs from profile:\n%s\nprofile:\n%s", got, want)
					}
				})
			}
		}
	}
}

// checkSearch requires every searched layer of the plan at path to be
// searched as want says (pruned, tree or brute; any when empty), and a
// pruning file for the pruned ones only.
func checkSearch(t *testing.T, p *plan.Plan, path string, want string) {
	t.Helper()
	for i, l := range p.Layers {
		if l.K == 0 {
			continue
		}
		pruned := l.Search == plan.SearchPruned
		if (want != "" && l.Search != want) || (l.Pruning != nil) != pruned {
			t.Fatalf("layer %s: search %q, pruning %v; want %q", l.Name, l.Search, l.Pruning, want)
		}
		if _, err := os.Stat(plan.PruningPath(path, i)); (err == nil) != pruned {
			t.Fatalf("layer %s: pruning file: %v", l.Name, err)
		}
		// A pruned layer is cut into strips of its strip index.
		if _, err := os.Stat(plan.StripPath(path, i)); (err == nil) != pruned || (l.Strip != nil) != pruned {
			t.Fatalf("layer %s: strip index file: %v, %v", l.Name, l.Strip, err)
		}
	}
}

// TestMergeEqualsProfileAutoPrunes: on a layer where profile's default
// search (--search auto) prunes, the plan records the pruned search and
// merge still prints profile's bytes; with --search brute, the strips.
func TestMergeEqualsProfileAutoPrunes(t *testing.T) {
	if testing.Short() {
		t.Skip("a 10,000 × 300 layer")
	}
	dir := t.TempDir()
	// Large enough for auto to plan (knn.planPrune), a 4-cube with noise
	// (full rank, a decaying spectrum) for it to prune.
	n, d := 10000, 300
	x := synth.Hypercube(n, 4, d, 11)
	r := rand.New(rand.NewPCG(1, 2))
	var x32 bytes.Buffer
	for _, v := range x {
		binary.Write(&x32, binary.LittleEndian, float32(v+1e-3*r.NormFloat64()))
	}
	lay := filepath.Join(dir, "low.npy")
	os.WriteFile(lay, npyBytes("<f4", []int{n, d}, x32.Bytes()), 0o644)
	for _, opts := range [][]string{{}, {"--search", "brute"}} {
		code, want, errs := run(append([]string{"profile", "--quiet", "--format", "json", lay}, opts...)...)
		if code != 0 {
			t.Fatal(errs)
		}
		planPath := filepath.Join(dir, fmt.Sprintf("p%d.json", len(opts)))
		if code, _, errs := run(append([]string{"plan", lay, "--tasks", "3", "--out", planPath, "--quiet"}, opts...)...); code != 0 {
			t.Fatal(errs)
		}
		p, err := plan.Load(planPath)
		if err != nil {
			t.Fatal(err)
		}
		mode := plan.SearchPruned
		if len(opts) > 0 {
			mode = plan.SearchBrute
		}
		checkSearch(t, p, planPath, mode)
		runTasks(t, planPath, 3, 5, 1, 2)
		code, got, errs := run("merge", planPath, "--format", "json")
		if code != 0 || got != want {
			t.Fatalf("merge %v: exit %d, %s\ngot:\n%s\nwant:\n%s", opts, code, errs, got, want)
		}
	}
}

// planPruned writes planPath, a plan of two tasks of dir's a0.npy under
// --search pruned (a pruning file and a strip index beside it), and
// returns the pruning file's path and bytes.
func planPruned(t *testing.T, dir, planPath string) (string, []byte) {
	t.Helper()
	if code, _, errs := run("plan", filepath.Join(dir, "a0.npy"), "--search", "pruned", "--tasks", "2", "--out", planPath); code != 0 {
		t.Fatal(errs)
	}
	pf := plan.PruningPath(planPath, 0)
	data, err := os.ReadFile(pf)
	if err != nil {
		t.Fatal(err)
	}
	return pf, data
}

// TestPruningFileChecked: a pruning file changed or removed after the
// plan is refused by run-task, naming it.
func TestPruningFileChecked(t *testing.T) {
	dir := planInputs(t)
	planPath := filepath.Join(dir, "p.json")
	pf, data := planPruned(t, dir, planPath)
	data[len(data)-1] ^= 1
	os.WriteFile(pf, data, 0o644)
	code, _, errs := run("run-task", planPath, "--index", "0")
	if code != 2 || !strings.Contains(errs, "layer-0000.pruning: changed since the plan was made") {
		t.Fatalf("changed pruning: exit %d, %q", code, errs)
	}
	os.Remove(pf)
	code, _, errs = run("run-task", planPath, "--index", "1")
	if code != 2 || !strings.Contains(errs, "layer-0000.pruning: missing") {
		t.Fatalf("missing pruning: exit %d, %q", code, errs)
	}
	// The strip index: changed (one bit) or removed, refused by run-task
	// and by merge.
	planPath = filepath.Join(dir, "q.json")
	planPruned(t, dir, planPath)
	for i := range 2 {
		if code, _, errs := run("run-task", planPath, "--index", fmt.Sprint(i)); code != 0 {
			t.Fatal(errs)
		}
	}
	sf := plan.StripPath(planPath, 0)
	data, err := os.ReadFile(sf)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 4
	os.WriteFile(sf, data, 0o644)
	for i, args := range [][]string{{"merge", planPath}, {"run-task", planPath, "--index", "1"}} {
		if i == 1 {
			os.Remove(plan.PartPath(planPath, 1)) // merge found every partial
		}
		code, _, errs := run(args...)
		if code != 2 || !strings.Contains(errs, "layer-0000.strip: changed since the plan was made") {
			t.Fatalf("%s, changed strip index: exit %d, %q", args[0], code, errs)
		}
	}
	os.Remove(sf)
	code, _, errs = run("run-task", planPath, "--index", "1")
	if code != 2 || !strings.Contains(errs, "layer-0000.strip: missing") {
		t.Fatalf("missing strip index: exit %d, %q", code, errs)
	}
	// A named pipe in its place is refused, not waited on.
	if craft.Mkfifo(t, sf) == "" {
		return // no named pipes here
	}
	code, _, errs = run("run-task", planPath, "--index", "1")
	if code != 2 || !strings.Contains(errs, "layer-0000.strip: changed since the plan was made") {
		t.Fatalf("strip index as a named pipe: exit %d, %q", code, errs)
	}
}

// TestPruningFileSize: a pruning file longer or shorter than the plan's
// size is refused as changed (before any buffer of the plan's size).
func TestPruningFileSize(t *testing.T) {
	dir := planInputs(t)
	planPath := filepath.Join(dir, "p.json")
	pf, data := planPruned(t, dir, planPath)
	for _, b := range [][]byte{append(append([]byte{}, data...), 0), data[:len(data)-1], nil} {
		os.WriteFile(pf, b, 0o644)
		code, _, errs := run("run-task", planPath, "--index", "0")
		if code != 2 || !strings.Contains(errs, "layer-0000.pruning: changed since the plan was made") {
			t.Fatalf("pruning of %d bytes (the plan's %d): exit %d, %q", len(b), len(data), code, errs)
		}
	}
	os.WriteFile(pf, data, 0o644)
	if code, _, errs := run("run-task", planPath, "--index", "0"); code != 0 {
		t.Fatalf("pruning restored: exit %d, %q", code, errs)
	}
}

// TestMergeRefusesChangedInput: an input changed after the plan is refused
// by run-task and by merge, naming the file.
func TestMergeRefusesChangedInput(t *testing.T) {
	dir := planInputs(t)
	planPath := filepath.Join(dir, "p.json")
	a1 := filepath.Join(dir, "a1.npy")
	if code, _, errs := run("plan", filepath.Join(dir, "a0.npy"), a1, "--tasks", "2", "--out", planPath); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := run("run-task", planPath, "--index", "0"); code != 0 {
		t.Fatal(errs)
	}
	data, _ := os.ReadFile(a1)
	data[len(data)-1] ^= 1
	os.WriteFile(a1, data, 0o644)
	code, _, errs := run("run-task", planPath, "--index", "1")
	if code != 2 || !strings.Contains(errs, "a1.npy: changed since the plan was made") {
		t.Fatalf("run-task on a changed input: exit %d, %q", code, errs)
	}
	data[len(data)-1] ^= 1
	os.WriteFile(a1, data, 0o644)
	if code, _, errs := run("run-task", planPath, "--index", "1"); code != 0 {
		t.Fatal(errs)
	}
	data[len(data)-1] ^= 1
	os.WriteFile(a1, data, 0o644)
	code, out, errs := run("merge", planPath)
	if code != 2 || out != "" || !strings.Contains(errs, "a1.npy: changed since the plan was made") {
		t.Fatalf("merge on a changed input: exit %d, %q, %q", code, out, errs)
	}
}

// TestRunTaskNamesOtherChangedInput: a task whose own inputs are intact
// still opens every input to number the layers; when another task's file
// changed so that it no longer parses (two bytes appended), the error is
// the change, not the parse failure it causes.
func TestRunTaskNamesOtherChangedInput(t *testing.T) {
	dir := planInputs(t)
	planPath := filepath.Join(dir, "p.json")
	a1 := filepath.Join(dir, "a1.npy")
	if code, _, errs := run("plan", filepath.Join(dir, "a0.npy"), a1, "--tasks", "2", "--out", planPath); code != 0 {
		t.Fatal(errs)
	}
	f, err := os.OpenFile(a1, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0, 0})
	f.Close()
	for _, i := range []string{"0", "1"} {
		code, _, errs := run("run-task", planPath, "--index", i)
		if code != 2 || !strings.Contains(errs, "a1.npy: changed since the plan was made") {
			t.Errorf("run-task %s with a1.npy grown: exit %d, %q", i, code, errs)
		}
	}
}

// TestMergeListsMissingAndCorrupt: a missing partial, a truncated one, a
// flipped payload byte and a partial of another plan are each listed with
// the command that reruns the task; exit 2, nothing on stdout.
func TestMergeListsMissingAndCorrupt(t *testing.T) {
	dir := planInputs(t)
	planPath := filepath.Join(dir, "p.json")
	if code, _, errs := run("plan", filepath.Join(dir, "a0.npy"), filepath.Join(dir, "a2.npy"), "--tasks", "5", "--out", planPath); code != 0 {
		t.Fatal(errs)
	}
	for i := range 5 {
		if code, _, errs := run("run-task", planPath, "--index", fmt.Sprint(i)); code != 0 {
			t.Fatal(errs)
		}
	}
	// Task 3's partial from another plan of the same inputs.
	other := filepath.Join(dir, "q.json")
	if code, _, errs := run("plan", filepath.Join(dir, "a0.npy"), filepath.Join(dir, "a2.npy"), "--tasks", "5", "--seed", "2", "--out", other); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := run("run-task", other, "--index", "3"); code != 0 {
		t.Fatal(errs)
	}
	os.Remove(plan.PartPath(planPath, 0))
	p1 := plan.PartPath(planPath, 1)
	d1, _ := os.ReadFile(p1)
	os.WriteFile(p1, d1[:len(d1)-7], 0o644)
	p2 := plan.PartPath(planPath, 2)
	d2, _ := os.ReadFile(p2)
	d2[len(d2)-3] ^= 0x40
	os.WriteFile(p2, d2, 0o644)
	d3, _ := os.ReadFile(plan.PartPath(other, 3))
	os.WriteFile(plan.PartPath(planPath, 3), d3, 0o644)
	code, out, errs := run("merge", planPath)
	if code != 2 || out != "" {
		t.Fatalf("merge: exit %d, stdout %q", code, out)
	}
	for i, why := range []string{"missing", "bytes, the plan gives this task", "checksum mismatch", "another plan"} {
		line := ""
		for _, l := range strings.Split(errs, "\n") {
			if strings.HasPrefix(l, fmt.Sprintf("intdim merge: task %d:", i)) {
				line = l
			}
		}
		if !strings.Contains(line, why) || !strings.HasSuffix(line, fmt.Sprintf("rerun: intdim run-task %s --index %d", planPath, i)) {
			t.Errorf("task %d: line %q: want %q and its rerun command", i, line, why)
		}
	}
	if strings.Contains(errs, "task 4:") {
		t.Errorf("valid task 4 listed: %s", errs)
	}
	if !strings.Contains(errs, "4 of 5 tasks missing or invalid") {
		t.Errorf("no summary line: %s", errs)
	}
	// The listed commands repair the plan.
	for i := range 4 {
		if code, _, errs := run("run-task", planPath, "--index", fmt.Sprint(i)); code != 0 {
			t.Fatal(errs)
		}
	}
	if code, _, errs := run("merge", planPath); code != 0 {
		t.Fatalf("merge after the reruns: exit %d: %s", code, errs)
	}
}

// TestPlanRefusesUnsplittable: options whose result is not each layer's
// one search, and plans without a size, are refused with exit 2.
func TestPlanRefusesUnsplittable(t *testing.T) {
	dir := planInputs(t)
	in := filepath.Join(dir, "a0.npy")
	out := filepath.Join(dir, "p.json")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{in, "--tasks", "2", "--out", out, "--overlap"}, "--overlap: the overlap"},
		{[]string{in, "--tasks", "2", "--out", out, "--labels", in}, "--labels: the per-class IDs"},
		{[]string{"--model", "mnist", "--tasks", "2", "--out", out}, "--model: a plan splits"},
		{[]string{in, "--out", out}, "give --tasks N (N ≥ 1), --task-mem SIZE, or both"},
		{[]string{in, "--tasks", "2"}, "--out PLAN.json is required"},
		{[]string{in, "--tasks", "100000", "--out", out}, "only 375 rows to search"},
		{[]string{in, "--tasks", "2", "--task-mem", "1M", "--out", out}, "layer a0 (375×12) needs 96"},
		// Refused after the strip index was written: it is removed.
		{[]string{in, "--tasks", "2", "--task-mem", "1M", "--search", "pruned", "--out", out}, "layer a0 (375×12) needs 96"},
		{[]string{in, "--tasks", "2", "--out", out, "--mem", "4K"}, "would be streamed from disk"},
		{[]string{in, "--tasks", "2", "--out", out, "--method", "pca"}, "PC-ID is always included"},
	} {
		code, _, errs := run(append([]string{"plan"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("plan %v: exit %d, %q: want exit 2, one line with %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused plan was written")
	}
	if _, err := os.Stat(plan.StripPath(out, 0)); err == nil {
		t.Error("a refused plan left its strip index")
	}
}

// TestRunTaskIndexFromEnvironment: the index comes from --index, then
// $SLURM_ARRAY_TASK_ID, then $JOB_COMPLETION_INDEX.
func TestRunTaskIndexFromEnvironment(t *testing.T) {
	dir := planInputs(t)
	planPath := filepath.Join(dir, "p.json")
	if code, _, errs := run("plan", filepath.Join(dir, "a2.npy"), "--tasks", "3", "--out", planPath); code != 0 {
		t.Fatal(errs)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "")
	t.Setenv("JOB_COMPLETION_INDEX", "")
	if code, _, errs := run("run-task", planPath); code != 2 || !strings.Contains(errs, "neither $SLURM_ARRAY_TASK_ID nor $JOB_COMPLETION_INDEX") {
		t.Fatalf("no index: exit %d, %q", code, errs)
	}
	t.Setenv("JOB_COMPLETION_INDEX", "2")
	if code, out, errs := run("run-task", planPath); code != 0 || !strings.Contains(out, "task-0002.bin") {
		t.Fatalf("JOB_COMPLETION_INDEX=2: exit %d, %q, %q", code, out, errs)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "1")
	if code, out, errs := run("run-task", planPath); code != 0 || !strings.Contains(out, "task-0001.bin") {
		t.Fatalf("SLURM_ARRAY_TASK_ID=1: exit %d, %q, %q", code, out, errs)
	}
	if code, out, errs := run("run-task", planPath, "--index", "0"); code != 0 || !strings.Contains(out, "task-0000.bin") {
		t.Fatalf("--index 0: exit %d, %q, %q", code, out, errs)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "x")
	if code, _, errs := run("run-task", planPath); code != 2 || !strings.Contains(errs, "not a task index") {
		t.Fatalf("SLURM_ARRAY_TASK_ID=x: exit %d, %q", code, errs)
	}
}

// TestPlanSchedulerFiles: --slurm writes the array (0-(N−1)%M, run-task
// with the given binary), the merge and the submit script chaining them;
// --k8s an Indexed Job of N completions, M in parallel.
func TestPlanSchedulerFiles(t *testing.T) {
	dir := planInputs(t)
	planPath := filepath.Join(dir, "study.json")
	code, out, errs := run("plan", filepath.Join(dir, "a0.npy"), "--tasks", "6", "--out", planPath,
		"--slurm", "--k8s", "--max-parallel", "4", "--intdim", "/opt/bin/intdim")
	if code != 0 {
		t.Fatal(errs)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	arr := read("study.sbatch")
	for _, want := range []string{"#SBATCH --array=0-5%4\n", "exec /opt/bin/intdim run-task " + planPath + " --index \"$SLURM_ARRAY_TASK_ID\"\n"} {
		if !strings.Contains(arr, want) {
			t.Errorf("study.sbatch lacks %q:\n%s", want, arr)
		}
	}
	if m := read("study.merge.sbatch"); !strings.Contains(m, "exec /opt/bin/intdim merge "+planPath+" --format json --out "+filepath.Join(dir, "study.profile.json")) {
		t.Errorf("study.merge.sbatch:\n%s", m)
	}
	sub := read("study.submit.sh")
	if !strings.Contains(sub, "--dependency=afterok:\"$array\"") || !strings.Contains(sub, filepath.Join(dir, "study.merge.sbatch")) {
		t.Errorf("study.submit.sh:\n%s", sub)
	}
	if st, _ := os.Stat(filepath.Join(dir, "study.submit.sh")); st.Mode()&0o100 == 0 {
		t.Error("study.submit.sh not executable")
	}
	k := read("study.k8s.yaml")
	for _, want := range []string{"completionMode: Indexed\n", "completions: 6\n", "parallelism: 4\n", `command: ["/opt/bin/intdim", "run-task", "` + planPath + `"]`} {
		if !strings.Contains(k, want) {
			t.Errorf("study.k8s.yaml lacks %q:\n%s", want, k)
		}
	}
	if !strings.Contains(out, "submit: sh "+filepath.Join(dir, "study.submit.sh")) {
		t.Errorf("plan's output: %q", out)
	}
}

// TestMergeEqualsProfileContainers: layers from an .npz of two arrays, a
// FILE:NAME member, a directory, and stacked layers (--layer-axis 0); run
// from another working directory than the plan's (relative specs).
func TestMergeEqualsProfileContainers(t *testing.T) {
	dir := planInputs(t)
	var b bytes.Buffer
	w := npz.NewWriter(&b)
	if err := w.Add("x", []int{300, 6}, synth.Hypercube(300, 4, 6, 7)); err != nil {
		t.Fatal(err)
	}
	if err := w.Add("y", []int{200, 4}, synth.Hypercube(200, 2, 4, 8)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	os.WriteFile(filepath.Join(dir, "two.npz"), b.Bytes(), 0o644)
	b.Reset()
	w = npz.NewWriter(&b)
	w.Add("h", []int{3, 120, 5}, synth.Hypercube(360, 3, 5, 9))
	w.Close()
	os.WriteFile(filepath.Join(dir, "stack.npz"), b.Bytes(), 0o644)
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	for _, f := range []string{"a1.npy", "a2.npy"} {
		data, _ := os.ReadFile(filepath.Join(dir, f))
		os.WriteFile(filepath.Join(sub, f), data, 0o644)
	}
	t.Chdir(dir)
	for _, c := range [][]string{
		{"two.npz", "sub", "two.npz:y", "--resample", "3"},
		{"stack.npz", "--layer-axis", "0", "--method", "twonn-ml"},
	} {
		code, want, errs := run(append([]string{"profile", "--quiet", "--format", "json"}, c...)...)
		if code != 0 {
			t.Fatalf("profile %v: %s", c, errs)
		}
		if code, _, errs := run(append(append([]string{"plan"}, c...), "--tasks", "4", "--out", "plans/c.json")...); code != 0 {
			t.Fatalf("plan %v: %s", c, errs)
		}
		t.Chdir(sub) // the plan's relative specs are read from its directory
		for i := range 4 {
			if code, _, errs := run("run-task", "../plans/c.json", "--index", fmt.Sprint(i)); code != 0 {
				t.Fatalf("run-task %d: %s", i, errs)
			}
		}
		code, got, errs := run("merge", "../plans/c.json", "--format", "json")
		if code != 0 || got != want {
			t.Fatalf("merge %v: exit %d, %s\ngot:\n%s\nwant:\n%s", c, code, errs, got, want)
		}
		t.Chdir(dir)
	}
}

// TestPlanHelp: intdim help plan, run-task and merge print each command's
// usage and flags.
func TestPlanHelp(t *testing.T) {
	for cmd, flag := range map[string]string{"plan": "-tasks", "run-task": "-index", "merge": "-out"} {
		code, out, errs := run("help", cmd)
		if code != 0 || out != "" || !strings.HasPrefix(errs, "Usage: intdim "+cmd+" ") || !strings.Contains(errs, flag) {
			t.Errorf("help %s: exit %d, %q, %.200q", cmd, code, out, errs)
		}
	}
}

// TestMergeRefusesLyingPartial: a partial whose checksum is right but
// whose neighbours are impossible (a row its own neighbour) is refused
// with the row named, exit 2.
func TestMergeRefusesLyingPartial(t *testing.T) {
	dir := planInputs(t)
	planPath := filepath.Join(dir, "p.json")
	if code, _, errs := run("plan", filepath.Join(dir, "a2.npy"), "--tasks", "2", "--out", planPath); code != 0 {
		t.Fatal(errs)
	}
	for i := range 2 {
		if code, _, errs := run("run-task", planPath, "--index", fmt.Sprint(i)); code != 0 {
			t.Fatal(errs)
		}
	}
	p, err := plan.Load(planPath)
	if err != nil {
		t.Fatal(err)
	}
	a := p.Tasks[1].Pieces[0].Rows[0]
	part := plan.PartPath(planPath, 1)
	b, _ := os.ReadFile(part)
	const head = 8 + 4 + 4 + 32 + 4 + 16 + 8 + 32      // one piece
	binary.LittleEndian.PutUint32(b[head:], uint32(a)) // row a's first neighbour: itself
	sum := sha256.Sum256(b[head:])
	copy(b[head-32:head], sum[:])
	os.WriteFile(part, b, 0o644)
	code, out, errs := run("merge", planPath)
	want := fmt.Sprintf("row %d: neighbour %d is not another row", a, a)
	if code != 2 || out != "" || !strings.Contains(errs, want) || strings.Count(errs, "\n") != 1 {
		t.Fatalf("merge: exit %d, %q, %q: want %q", code, out, errs, want)
	}
}

// TestPlanSHA256: a plan records every input's size and CRC-32C, and its
// SHA-256 (sha256sum's) only with --sha256, which is not recorded as a
// profile option; both plans' merges print profile's bytes.
func TestPlanSHA256(t *testing.T) {
	dir := planInputs(t)
	a0, a1 := filepath.Join(dir, "a0.npy"), filepath.Join(dir, "a1.npy")
	code, want, errs := run("profile", a0, a1, "--format", "json")
	if code != 0 {
		t.Fatal(errs)
	}
	for _, withSHA := range []bool{false, true} {
		planPath := filepath.Join(dir, fmt.Sprintf("p%v.json", withSHA))
		args := []string{"plan", a0, a1, "--tasks", "2", "--out", planPath}
		if withSHA {
			args = append(args, "--sha256")
		}
		if code, _, errs := run(args...); code != 0 {
			t.Fatal(errs)
		}
		p, err := plan.Load(planPath)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Args) != 0 {
			t.Errorf("--sha256 %v: args %q recorded", withSHA, p.Args)
		}
		for _, in := range p.Inputs {
			for _, f := range in.Files {
				data, _ := os.ReadFile(f.Path)
				sum := sha256.Sum256(data)
				crc := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
				if f.Size != int64(len(data)) || f.CRC32C != fmt.Sprintf("%08x", crc) {
					t.Errorf("--sha256 %v: %s: size %d, CRC-32C %s; want %d, %08x", withSHA, f.Path, f.Size, f.CRC32C, len(data), crc)
				}
				if wantSHA := hex.EncodeToString(sum[:]); (f.SHA256 == wantSHA) != withSHA || (f.SHA256 != "") != withSHA {
					t.Errorf("--sha256 %v: %s: SHA-256 %q (the file's: %s)", withSHA, f.Path, f.SHA256, wantSHA)
				}
			}
		}
		for i := range 2 {
			if code, _, errs := run("run-task", planPath, "--index", fmt.Sprint(i)); code != 0 {
				t.Fatal(errs)
			}
		}
		if code, got, errs := run("merge", planPath, "--format", "json"); code != 0 || got != want {
			t.Fatalf("--sha256 %v: merge exit %d, %q; differs from profile: %v", withSHA, code, errs, got != want)
		}
	}
}

// TestChangedUnmappedInput: an input tensorio reads into memory instead of
// mapping it (big-endian values) is checked by run-task once its lists are
// computed and by merge once the profile is made (the mapped ones as their
// layer is loaded): changed (one byte, size kept), both refuse it, naming
// it, and write or print nothing; restored, merge prints profile's bytes.
func TestChangedUnmappedInput(t *testing.T) {
	dir := t.TempDir()
	var be bytes.Buffer
	for _, v := range synth.Hypercube(300, 4, 9, 5) {
		binary.Write(&be, binary.BigEndian, v)
	}
	path := filepath.Join(dir, "be.npy")
	if err := os.WriteFile(path, npyBytes(">f8", []int{300, 9}, be.Bytes()), 0o644); err != nil {
		t.Fatal(err)
	}
	planPath := filepath.Join(dir, "p.json")
	a1 := filepath.Join(planInputs(t), "a1.npy")
	if code, _, errs := run("plan", path, a1, "--tasks", "2", "--out", planPath); code != 0 {
		t.Fatal(errs)
	}
	refusesChange(t, "unmapped input", planPath, path, 0, path, a1)
}

// TestPlanNonFiniteLayer: a mapped input with a NaN (plan takes its
// CRC-32C and finiteness in one pass): the plan records the file's
// CRC-32C (crc32.Castagnoli of its bytes), the layer fails in the merge as
// in profile, and merge prints profile's bytes with profile's exit code.
func TestPlanNonFiniteLayer(t *testing.T) {
	dir := planInputs(t)
	a0, a1 := filepath.Join(dir, "a0.npy"), filepath.Join(dir, "a1.npy")
	x := synth.Hypercube(200, 3, 5, 4)
	x[137*5+2] = math.NaN()
	bad := filepath.Join(dir, "bad.npy")
	data := npyBytes("<f8", []int{200, 5}, f64bytes(x))
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	planPath := filepath.Join(dir, "p.json")
	if code, _, errs := run("plan", a0, bad, a1, "--tasks", "3", "--out", planPath); code != 0 {
		t.Fatal(errs)
	}
	p, err := plan.Load(planPath)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%08x", crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
	if f := p.Inputs[1].Files[0]; f.CRC32C != want || f.Size != int64(len(data)) {
		t.Fatalf("plan records %+v for bad.npy, want CRC-32C %s, size %d", f, want, len(data))
	}
	runTasks(t, planPath, len(p.Tasks), 5, -1, -1)
	pcode, prof, _ := run("profile", a0, bad, a1, "--format", "json")
	code, got, errs := run("merge", planPath, "--format", "json")
	if code != pcode || got != prof || !strings.Contains(got, "row 137, column 2 is NaN") {
		t.Fatalf("merge: exit %d (profile %d), %q; differs from profile: %v", code, pcode, errs, got != prof)
	}
}

// TestPlanInputStatus: inputs last changed more than statage.Min
// before the plan (lowered to 20 ms here; plan.FileStat) have their
// status recorded (Linux and macOS), so that run-task and merge skip
// their CRC-32C while it is unchanged: with a wrong CRC-32C written into
// the plan, the tasks and merge still pass and merge prints profile's
// bytes. Once the status differs (a new ctime, the bytes kept) the
// CRC-32C is taken and the wrong one refused, naming the file; changed
// in place (one byte, size kept), inputs are refused as any other change,
// and restored, merge prints profile's bytes.
func TestPlanInputStatus(t *testing.T) {
	statage.Lower(t, 20*time.Millisecond)
	dir := planInputs(t)
	a0, a1 := filepath.Join(dir, "a0.npy"), filepath.Join(dir, "a1.npy")
	time.Sleep(60 * time.Millisecond) // statage.Min
	planPath := filepath.Join(dir, "p.json")
	if code, _, errs := run("plan", a0, a1, "--tasks", "2", "--out", planPath); code != 0 {
		t.Fatal(errs)
	}
	p, err := plan.Load(planPath)
	if err != nil {
		t.Fatal(err)
	}
	hasStat := runtime.GOOS == "linux" || runtime.GOOS == "darwin"
	for _, in := range p.Inputs {
		if f := in.Files[0]; (f.Stat != nil) != hasStat {
			t.Fatalf("%s: status %+v recorded on %s", f.Path, f.Stat, runtime.GOOS)
		}
	}
	if !hasStat {
		return
	}
	right, err := os.ReadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	// The same plan with every input's CRC-32C wrong.
	wrong := right
	for _, in := range p.Inputs {
		crc := []byte(`"crc32c": "` + in.Files[0].CRC32C + `"`)
		if !bytes.Contains(wrong, crc) {
			t.Fatalf("no %s in the plan", crc)
		}
		wrong = bytes.ReplaceAll(wrong, crc, []byte(`"crc32c": "00000000"`))
	}
	if err := os.WriteFile(planPath, wrong, 0o644); err != nil {
		t.Fatal(err)
	}
	// Unchanged: the tasks and merge trust the status, not reading the
	// files (the wrong CRC-32C goes unseen).
	runTasks(t, planPath, 2, 3, -1, -1)
	_, want, _ := run("profile", a0, a1, "--format", "json")
	if code, got, errs := run("merge", planPath, "--format", "json"); code != 0 || want == "" || got != want {
		t.Fatalf("merge: exit %d, %q; differs from profile: %v", code, errs, got != want)
	}
	// A new ctime, the bytes kept: the CRC-32C is taken.
	now := time.Now()
	if err := os.Chtimes(a1, now, now); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("merge", planPath, "--format", "json")
	if code != 2 || out != "" || !strings.Contains(errs, "a1.npy: changed since the plan was made (CRC-32C") || !strings.Contains(errs, "the plan has 00000000") {
		t.Fatalf("merge, a1.npy's status changed: exit %d, %q, %q", code, out, errs)
	}
	if err := os.WriteFile(planPath, right, 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		os.Remove(plan.PartPath(planPath, i))
	}
	refusesChange(t, "input with its status", planPath, a1, 1, a0, a1)
}

// TestSHA256OnlyPlan: a plan whose inputs carry a SHA-256 and no CRC-32C
// (one of an earlier version) is checked by the SHA-256: run-task and
// merge refuse a changed input, and once it is restored merge prints
// profile's bytes.
func TestSHA256OnlyPlan(t *testing.T) {
	dir := planInputs(t)
	planPath := filepath.Join(dir, "p.json")
	a0, a1 := filepath.Join(dir, "a0.npy"), filepath.Join(dir, "a1.npy")
	if code, _, errs := run("plan", a0, a1, "--tasks", "2", "--sha256", "--out", planPath); code != 0 {
		t.Fatal(errs)
	}
	raw, err := os.ReadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	dropped := 0
	for _, in := range p["inputs"].([]any) {
		for _, f := range in.(map[string]any)["files"].([]any) {
			f := f.(map[string]any)
			if f["sha256"] == nil || f["crc32c"] == nil {
				t.Fatalf("plan --sha256 wrote %v", f)
			}
			delete(f, "crc32c")
			dropped++
		}
	}
	if dropped != 2 {
		t.Fatalf("%d input files in the plan, want 2", dropped)
	}
	if raw, err = json.Marshal(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(planPath, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	refusesChange(t, "input, SHA-256 only", planPath, a1, 1, a0, a1)
}

// refusesChange flips the last byte of input (its size kept): run-task
// --index task and merge of the 2-task plan must refuse it, naming it, and
// write or print nothing; restored, the tasks run and merge prints
// profile's bytes for inputs.
func refusesChange(t *testing.T, what, planPath, input string, task int, inputs ...string) {
	t.Helper()
	data, _ := os.ReadFile(input)
	flip := func() {
		data[len(data)-1] ^= 1
		os.WriteFile(input, data, 0o644)
	}
	changed := filepath.Base(input) + ": changed since the plan was made"
	flip()
	code, _, errs := run("run-task", planPath, "--index", fmt.Sprint(task))
	if code != 2 || !strings.Contains(errs, changed) {
		t.Fatalf("run-task on a changed %s: exit %d, %q", what, code, errs)
	}
	if _, err := os.Stat(plan.PartPath(planPath, task)); err == nil {
		t.Fatalf("run-task on a changed %s wrote its partial", what)
	}
	flip()
	for i := range 2 {
		if code, _, errs := run("run-task", planPath, "--index", fmt.Sprint(i)); code != 0 {
			t.Fatal(errs)
		}
	}
	flip()
	code, out, errs := run("merge", planPath, "--format", "json")
	if code != 2 || out != "" || !strings.Contains(errs, changed) {
		t.Fatalf("merge on a changed %s: exit %d, %q, %q", what, code, out, errs)
	}
	flip()
	_, want, _ := run(append([]string{"profile"}, append(inputs, "--format", "json")...)...)
	code, out, errs = run("merge", planPath, "--format", "json")
	if code != 0 || want == "" || out != want {
		t.Fatalf("merge restored: exit %d, %q; differs from profile: %v", code, errs, out != want)
	}
}
