package hostile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intdim/intdim/internal/cli"
	"github.com/intdim/intdim/tensorio/npy"
)

// Limits that apply when a Case leaves them zero.
const (
	DefaultTimeout = 10 * time.Second
	DefaultMaxRSS  = 1 << 30 // bytes
)

// childEnv marks the re-executed test binary as a child running cli.Main;
// argsEnv carries its arguments as a JSON list.
const (
	childEnv = "INTDIM_HOSTILE_CHILD"
	argsEnv  = "INTDIM_HOSTILE_ARGS"
)

// Case is one hostile input and the clean answer wanted for it.
type Case struct {
	Name    string
	Args    []string                       // intdim's arguments; relative paths are in the case's directory
	Setup   func(t *testing.T, dir string) // writes the inputs into dir; nil for none
	Exit    int                            // wanted exit status: 1 or 2
	Stderr  string                         // substring of the error line
	Stdout  bool                           // stdout may carry a (partial) result in the --format asked
	MaxRSS  int64                          // bytes; 0 means DefaultMaxRSS
	Timeout time.Duration                  // 0 means DefaultTimeout
}

// Child runs cli.Main with the arguments in the environment and exits, when
// the process is a child started by Run; otherwise it returns. TestMain calls
// it first.
func Child() {
	if os.Getenv(childEnv) != "1" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(argsEnv)), &args); err != nil {
		fmt.Fprintln(os.Stderr, "hostile: bad", argsEnv, err)
		os.Exit(3)
	}
	os.Exit(cli.Main(args, os.Stdout, os.Stderr))
}

// Run runs every case as a subtest, one at a time.
func Run(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { c.run(t) })
	}
}

// outcome is what a child did.
type outcome struct {
	code           int
	stdout, stderr []byte
	peak           int64 // bytes, the larger of the watchdog's and the kernel's
	killed         string
}

func (c Case) run(t *testing.T) {
	if c.Exit != 1 && c.Exit != 2 {
		t.Fatalf("case %q: Exit must be 1 or 2, got %d", c.Name, c.Exit)
	}
	dir, tmp := t.TempDir(), t.TempDir()
	if c.Setup != nil {
		c.Setup(t, dir)
	}
	before := listTree(t, dir)
	o := c.exec(t, dir, tmp)
	all := string(o.stdout) + string(o.stderr)
	if o.killed != "" {
		t.Fatalf("%s; stderr: %.2000s", o.killed, o.stderr)
	}
	for _, bad := range []string{"panic", "goroutine ", "fatal error"} {
		if strings.Contains(all, bad) {
			t.Errorf("output contains %q:\n%.4000s", bad, all)
		}
	}
	if o.code != c.Exit {
		t.Errorf("exit status %d, want %d; stderr: %s", o.code, c.Exit, o.stderr)
	}
	var errs []string
	for _, l := range strings.Split(strings.TrimRight(string(o.stderr), "\n"), "\n") {
		if l != "" && !strings.Contains(l, ": warning: ") {
			errs = append(errs, l)
		}
	}
	if len(errs) != 1 {
		t.Errorf("want one error line on stderr, got %d:\n%s", len(errs), o.stderr)
	} else if !strings.Contains(errs[0], c.Stderr) {
		t.Errorf("stderr %q does not contain %q", errs[0], c.Stderr)
	}
	if err := checkStdout(c.Args, o.stdout, c.Stdout); err != nil {
		t.Error(err)
	}
	if max := c.maxRSS(); o.peak > max {
		t.Errorf("peak RSS %d MiB, limit %d MiB", o.peak>>20, max>>20)
	}
	if after := listTree(t, dir); !slices.Equal(before, after) {
		t.Errorf("files left behind: before %q, after %q", before, after)
	}
	if left := listTree(t, tmp); len(left) > 0 {
		t.Errorf("files left in TMPDIR: %q", left)
	}
}

// maxRSS is the case's memory limit; none under the race detector.
func (c Case) maxRSS() int64 {
	if raceEnabled {
		return 1 << 62
	}
	if c.MaxRSS > 0 {
		return c.MaxRSS
	}
	return DefaultMaxRSS
}

// exec runs the child in dir with TMPDIR=tmp under the time and memory
// limits.
func (c Case) exec(t *testing.T, dir, tmp string) outcome {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal(c.Args)
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), childEnv+"=1", argsEnv+"="+string(args), "TMPDIR="+tmp)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timeout := c.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	if raceEnabled {
		timeout *= 5
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	var o outcome
	kill := func(why string) {
		if o.killed == "" {
			o.killed = why
			cmd.Process.Kill()
		}
	}
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		case <-deadline.C:
			kill(fmt.Sprintf("hang: killed after %v", timeout))
		case <-poll.C:
			if rss := vmRSS(cmd.Process.Pid); rss > o.peak {
				o.peak = rss
				if rss > c.maxRSS() {
					kill(fmt.Sprintf("killed at %d MiB resident, limit %d MiB", rss>>20, c.maxRSS()>>20))
				}
			}
		}
	}
	o.code = cmd.ProcessState.ExitCode()
	o.peak = max(o.peak, maxRSS(cmd.ProcessState))
	o.stdout, o.stderr = stdout.Bytes(), stderr.Bytes()
	return o
}

// checkStdout checks that stdout is empty or, when allowed, valid output in
// the --format of args.
func checkStdout(args []string, out []byte, allowed bool) error {
	if len(out) == 0 {
		return nil
	}
	if !allowed {
		return fmt.Errorf("stdout not empty on failure: %.2000s", out)
	}
	format := "text"
	for i, a := range args {
		if (a == "--format" || a == "-format") && i+1 < len(args) {
			format = args[i+1]
		} else if v, ok := strings.CutPrefix(a, "--format="); ok {
			format = v
		}
	}
	switch format {
	case "json":
		if !json.Valid(out) {
			return fmt.Errorf("stdout is not valid JSON: %.2000s", out)
		}
	case "csv":
		if _, err := csv.NewReader(bytes.NewReader(out)).ReadAll(); err != nil {
			return fmt.Errorf("stdout is not valid CSV: %v", err)
		}
	}
	return nil
}

// listTree returns the paths under dir (relative, sorted), dir excluded.
func listTree(t *testing.T, dir string) []string {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Setups: small generators of inputs for Case.Setup.

// File returns a Setup writing data to dir/name (name may hold
// subdirectories, which are made).
func File(name string, data []byte) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// NPY returns a Setup writing an n×d float64 .npy of values from f(i, j).
func NPY(name string, n, d int, f func(i, j int) float64) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		x := make([]float64, n*d)
		for i := range n {
			for j := range d {
				x[i*d+j] = f(i, j)
			}
		}
		var b bytes.Buffer
		if err := npy.Write(&b, []int{n, d}, x); err != nil {
			t.Fatal(err)
		}
		File(name, b.Bytes())(t, dir)
	}
}

// Points returns a Setup writing n standard Gaussian points in d dimensions
// (seeded, so every run writes the same file) to dir/name as .npy.
func Points(name string, n, d int) func(*testing.T, string) {
	r := rand.New(rand.NewPCG(uint64(n), uint64(d)))
	x := make([]float64, n*d)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return NPY(name, n, d, func(i, j int) float64 { return x[i*d+j] })
}

// Const is a value function for NPY: every entry v.
func Const(v float64) func(i, j int) float64 { return func(int, int) float64 { return v } }

// Setups runs several setups in order.
func Setups(s ...func(*testing.T, string)) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		for _, f := range s {
			f(t, dir)
		}
	}
}
