package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/plan"
	"github.com/intdim/intdim/result"
)

func init() {
	Register(&Command{Name: "plan", Summary: "cut a profile's neighbour search into tasks for a cluster (Slurm job array, Kubernetes Indexed Job)", Run: runPlan})
	Register(&Command{Name: "run-task", Summary: "compute one task of a plan (intdim plan) and write its partial file", Run: runTask})
	Register(&Command{Name: "merge", Summary: "merge a plan's partial files into the profile (what intdim profile prints)", Run: runMerge})
}

// planOnly are plan's own flags; notRecorded the profile flags that do not
// change the result (or that plan records otherwise, --mem).
var (
	planOnly    = []string{"tasks", "task-mem", "out", "slurm", "k8s", "max-parallel", "intdim", "image", "sha256"}
	notRecorded = []string{"format", "quiet", "threads", "mem"}
)

func runPlan(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("plan", stderr)
	pf := addProfileFlags(fs)
	tasks := fs.Int("tasks", 0, "number of tasks, of about equal cost (a task may span layers)")
	var taskMem memFlag
	fs.Var(&taskMem, "task-mem", "the memory one task may use (e.g. 4G): every task is checked to fit (a task holds its whole layer, whatever its block); without --tasks, one task per layer")
	out := fs.String("out", "", "the plan file to write (PLAN.json); partial files go to PLAN.parts/")
	slurm := fs.Bool("slurm", false, "also write PLAN.sbatch (the task array), PLAN.merge.sbatch and PLAN.submit.sh (submits both, the merge after the array)")
	k8s := fs.Bool("k8s", false, "also write PLAN.k8s.yaml, a Kubernetes Indexed Job of the tasks")
	maxPar := fs.Int("max-parallel", 0, "--slurm, --k8s: at most this many tasks at once (0: all)")
	intdim := fs.String("intdim", "", "--slurm, --k8s: the intdim binary the tasks run (default: this one, by absolute path)")
	image := fs.String("image", "intdim:latest", "--k8s: the container image")
	sha := fs.Bool("sha256", false, "also record every input file's SHA-256 (sha256sum's), a name of its contents; run-task and merge check the size and CRC-32C either way")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim plan INPUT... [profile flags] --tasks N [--task-mem SIZE] --out PLAN.json [--slurm] [--k8s]")
		fmt.Fprintln(stderr, "Cuts the exact neighbour search of 'intdim profile INPUT... [profile flags]' into N tasks of")
		fmt.Fprintln(stderr, "equal cost, each a (layer, block of rows) strip: the block's rows against the rows after it,")
		fmt.Fprintln(stderr, "so every pair of rows is computed once; where profile's search (--search) would use the k-d tree,")
		fmt.Fprintln(stderr, "the block's rows against all rows with it; where it would prune, against all rows with the")
		fmt.Fprintln(stderr, "projection chosen once by plan (written to PLAN.parts).")
		fmt.Fprintln(stderr, "Records the inputs with their size and CRC-32C (and SHA-256 with --sha256), and the options.")
		fmt.Fprintln(stderr, "Then: intdim run-task PLAN.json --index I for every task (any order, any machine that sees")
		fmt.Fprintln(stderr, "the files), and intdim merge PLAN.json, which prints what intdim profile prints.")
		fmt.Fprintln(stderr, "Not split: --model, --onnx, --overlap, --imbalance, --labels, layers streamed from disk under --mem.")
		fs.PrintDefaults()
	}
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if err := refuseUnsplittable(fs); err != nil {
		return err
	}
	if len(pos) == 0 {
		return Usage("no INPUT (see intdim plan -h)")
	}
	if *out == "" {
		return Usage("--out PLAN.json is required")
	}
	if *tasks == 0 && !taskMem.set {
		return Usage("give --tasks N (N ≥ 1), --task-mem SIZE, or both")
	}
	if *tasks < 0 || *maxPar < 0 {
		return Usage("--tasks and --max-parallel must not be negative")
	}
	opt, err := pf.f.options()
	if err != nil {
		return err
	}
	if err := checkProfileMethod(opt); err != nil {
		return err
	}
	popt, _, err := pf.fileOptions(opt)
	if err != nil {
		return err
	}
	var rec []string
	fs.Visit(func(fl *flag.Flag) {
		if !slices.Contains(planOnly, fl.Name) && !slices.Contains(notRecorded, fl.Name) {
			rec = append(rec, "--"+fl.Name+"="+fl.Value.String())
		}
	})
	outAbs, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	if *intdim == "" && (*slurm || *k8s) {
		if *intdim, err = os.Executable(); err != nil {
			return fmt.Errorf("the path of this intdim: %w (give --intdim PATH)", err)
		}
	}
	if *intdim != "" {
		if *intdim, err = filepath.Abs(*intdim); err != nil {
			return err
		}
	}
	p, err := plan.Make(pos, *popt, plan.MakeOptions{Tasks: *tasks, TaskMem: taskMem.bytes, Args: rec, Mem: popt.Mem, Out: *out, SHA256: *sha})
	if err != nil {
		var ee *ExitError
		if errors.As(err, &ee) {
			return err
		}
		return BadInput(err)
	}
	var buf bytes.Buffer
	if err := p.Encode(&buf); err != nil {
		return err
	}
	// The pruning files first: renamed into place before the plan.
	files := append(p.SideFiles(*out), atomicfile.File{Path: *out, Data: buf.Bytes()})
	so := plan.SchedOptions{Intdim: *intdim, MaxParallel: *maxPar, Image: *image}
	var scripts []plan.Script
	if *slurm {
		scripts = append(scripts, plan.Slurm(outAbs, len(p.Tasks), taskMem.bytes, so)...)
	}
	if *k8s {
		scripts = append(scripts, plan.K8s(outAbs, len(p.Tasks), taskMem.bytes, so))
	}
	for _, s := range scripts {
		files = append(files, atomicfile.File{Path: s.Path, Data: s.Data})
	}
	if err := os.MkdirAll(plan.PartsDir(*out), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteAll(files); err != nil {
		p.RemoveStrips(*out) // written by plan.Make as it read the layers
		return err
	}
	for _, s := range scripts {
		if s.Exec {
			if err := os.Chmod(s.Path, 0o755); err != nil {
				return err
			}
		}
	}
	searched := 0
	for _, l := range p.Layers {
		if l.K > 0 {
			searched++
		}
	}
	fmt.Fprintf(stdout, "%s: %d tasks over %d layers (%d searched); partial files in %s\n", *out, len(p.Tasks), len(p.Layers), searched, plan.PartsDir(*out))
	for _, s := range scripts {
		fmt.Fprintf(stdout, "wrote %s\n", s.Path)
	}
	if *slurm {
		fmt.Fprintf(stdout, "submit: sh %s\n", strings.TrimSuffix(plan.PartsDir(outAbs), ".parts")+".submit.sh")
	} else {
		fmt.Fprintf(stdout, "run: intdim run-task %s --index I   (I = 0..%d), then: intdim merge %s\n", *out, len(p.Tasks)-1, *out)
	}
	return nil
}

// refuseUnsplittable refuses the profile flags whose result is not made
// of each layer's one search alone.
func refuseUnsplittable(fs *flag.FlagSet) error {
	onnx := flag.NewFlagSet("", flag.ContinueOnError)
	registerONNXFlags(onnx)
	var err error
	fs.Visit(func(fl *flag.Flag) {
		if err != nil {
			return
		}
		switch {
		case fl.Name == "model" || fl.Name == "data" || fl.Name == "untrained" || onnx.Lookup(fl.Name) != nil:
			err = Usage("--%s: a plan splits a profile of INPUT files; save the activations (intdim profile --onnx ... --save-activations DIR) and plan DIR", fl.Name)
		case fl.Name == "overlap" || fl.Name == "overlap-k":
			err = Usage("--%s: the overlap compares every layer's whole graph and is not split into tasks; run intdim profile --overlap", fl.Name)
		case fl.Name == "imbalance":
			err = Usage("--imbalance: ranks are counted across layers and are not split into tasks; run intdim profile --imbalance")
		case fl.Name == "labels":
			err = Usage("--labels: the per-class IDs search each class apart and are not split into tasks; run intdim profile --labels")
		}
	})
	return err
}

// planOptions returns the options of the profile a plan was made for:
// its Args parsed as intdim profile parses them, and its memory budget.
// threads, when positive, replaces --threads (results do not depend on it).
func planOptions(p *plan.Plan, threads int) (*estimate.Options, *pipeline.Options, bool, error) {
	fs := NewFlagSet("profile", io.Discard)
	pf := addProfileFlags(fs)
	pos, err := Parse(fs, p.Args)
	if err == nil && len(pos) > 0 {
		err = fmt.Errorf("options hold an argument %q", pos[0])
	}
	if err == nil {
		err = refuseUnsplittable(fs)
	}
	var opt *estimate.Options
	if err == nil {
		opt, err = pf.f.options()
	}
	if err == nil {
		err = checkProfileMethod(opt)
	}
	if err != nil {
		return nil, nil, false, Usage("%s: the plan's options: %v", p.Path(), err)
	}
	opt.Threads = threads
	pf.mem.bytes = p.Mem
	popt, _, err := pf.fileOptions(opt)
	if err != nil {
		return nil, nil, false, err
	}
	return opt, popt, *pf.noPCA, nil
}

// loadPlan reads the plan at path; a bad plan is bad input.
func loadPlan(path string) (*plan.Plan, error) {
	p, err := plan.Load(path)
	if err != nil {
		return nil, BadInput(err)
	}
	return p, nil
}

func runTask(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("run-task", stderr)
	index := fs.Int("index", -1, "the task to run (default: $SLURM_ARRAY_TASK_ID, then $JOB_COMPLETION_INDEX)")
	threads := fs.Int("threads", 0, "worker threads (0: all cores); results do not depend on it")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim run-task PLAN.json [--index I]")
		fmt.Fprintln(stderr, "Computes task I of the plan (intdim plan): the exact neighbours of its rows among all rows")
		fmt.Fprintln(stderr, "of their layer, checks its inputs' size and CRC-32C before it writes PLAN.parts/task-NNNN.bin")
		fmt.Fprintln(stderr, "atomically. A valid partial already there is kept; a task may be retried or run twice at once.")
		fs.PrintDefaults()
	}
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return Usage("want one PLAN.json (see intdim run-task -h)")
	}
	if *threads < 0 || *threads > maxThreads {
		return Usage("--threads %d outside [0, %d] (0: all cores)", *threads, maxThreads)
	}
	i := *index
	given := false
	fs.Visit(func(fl *flag.Flag) { given = given || fl.Name == "index" })
	if given && i < 0 {
		return Usage("--index %d is negative", i)
	}
	if !given {
		if i, err = envIndex(); err != nil {
			return err
		}
	}
	p, err := loadPlan(pos[0])
	if err != nil {
		return err
	}
	if i >= len(p.Tasks) {
		return Usage("--index %d: the plan %s has tasks 0..%d", i, pos[0], len(p.Tasks)-1)
	}
	_, popt, _, err := planOptions(p, *threads)
	if err != nil {
		return err
	}
	defer taskGC(p.Mem)()
	kept, err := p.RunTask(i, *popt)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) && !errors.Is(err, os.ErrNotExist) {
			return err // an I/O failure
		}
		return BadInput(err)
	}
	what := "written"
	if kept {
		what = "already done, kept"
	}
	fmt.Fprintf(stdout, "task %d of %d: %s (%s)\n", i, len(p.Tasks), plan.PartPath(pos[0], i), what)
	return nil
}

// envIndex is the task index of a Slurm array job or a Kubernetes Indexed
// Job.
func envIndex() (int, error) {
	for _, name := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
		v, ok := os.LookupEnv(name)
		if !ok || v == "" {
			continue
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 {
			return 0, Usage("$%s = %q: not a task index", name, v)
		}
		return i, nil
	}
	return 0, Usage("no --index, and neither $SLURM_ARRAY_TASK_ID nor $JOB_COMPLETION_INDEX is set")
}

func runMerge(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("merge", stderr)
	var format string
	addFormatFlag(fs, &format)
	out := fs.String("out", "", "write the profile to this file (atomically) instead of stdout")
	threads := fs.Int("threads", 0, "worker threads (0: all cores); results do not depend on it")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim merge PLAN.json [--format text|json|csv] [--out FILE]")
		fmt.Fprintln(stderr, "Checks every task's partial file (present, of the plan, checksum) and the inputs' CRC-32C")
		fmt.Fprintln(stderr, "(SHA-256 in plans without one), merges the neighbour lists and prints exactly what intdim")
		fmt.Fprintln(stderr, "profile prints for the plan's inputs and options. Missing or invalid tasks are listed on")
		fmt.Fprintln(stderr, "stderr, each with the command that runs it again; the exit status is then 2. A layer that")
		fmt.Fprintln(stderr, "fails exits 1, as profile.")
		fs.PrintDefaults()
	}
	pos, err := parseFormat(fs, args, &format)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return Usage("want one PLAN.json (see intdim merge -h)")
	}
	if *threads < 0 || *threads > maxThreads {
		return Usage("--threads %d outside [0, %d] (0: all cores)", *threads, maxThreads)
	}
	p, err := loadPlan(pos[0])
	if err != nil {
		return err
	}
	opt, popt, noPCA, err := planOptions(p, *threads)
	if err != nil {
		return err
	}
	prof, err := p.Merge(noPCA, *popt)
	var inc *plan.IncompleteError
	if errors.As(err, &inc) {
		if len(inc.Parts) == 1 { // one line: the task and its command
			pe := inc.Parts[0]
			return Usage("task %d of %d: %s: %v; rerun: intdim run-task %s --index %d", pe.Task, inc.Tasks, pe.Path, pe.Err, pos[0], pe.Task)
		}
		for _, pe := range inc.Parts {
			fmt.Fprintf(stderr, "intdim merge: task %d: %s: %v; rerun: intdim run-task %s --index %d\n", pe.Task, pe.Path, pe.Err, pos[0], pe.Task)
		}
		return BadInput(err)
	}
	if err != nil {
		return BadInput(err)
	}
	doc := result.NewProfile(prof, opt)
	if *out == "" {
		return writeProfile(stdout, stderr, format, doc)
	}
	var buf bytes.Buffer
	werr := writeProfile(&buf, stderr, format, doc)
	var ee *ExitError
	if werr != nil && !errors.As(werr, &ee) {
		return werr
	}
	if err := atomicfile.Write(*out, buf.Bytes()); err != nil {
		return err
	}
	return werr
}
