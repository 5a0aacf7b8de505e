package hostile

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/intdim/intdim/internal/cli"
)

func TestMain(m *testing.M) {
	registerFaults()
	Child()
	os.Exit(m.Run())
}

// registerFaults adds commands that misbehave on purpose, to check that the
// harness catches each failure. They exist only in this test binary.
func registerFaults() {
	cli.Register(&cli.Command{Name: "fault-goroutine-panic", Run: func([]string, io.Writer, io.Writer) error {
		done := make(chan struct{})
		//lint:ignore SA5000 the nil-map write is the fault under test
		go func() { var m map[string]int; m["x"]++; close(done) }()
		<-done
		return nil
	}})
	cli.Register(&cli.Command{Name: "fault-panic", Run: func([]string, io.Writer, io.Writer) error {
		var s []int
		_ = s[3]
		return nil
	}})
	cli.Register(&cli.Command{Name: "fault-hang", Run: func([]string, io.Writer, io.Writer) error {
		select {}
	}})
	cli.Register(&cli.Command{Name: "fault-alloc", Run: func([]string, io.Writer, io.Writer) error {
		var keep [][]byte
		for range 64 {
			b := make([]byte, 16<<20)
			for i := range b {
				b[i] = 1
			}
			keep = append(keep, b)
		}
		return fmt.Errorf("allocated %d buffers", len(keep))
	}})
	cli.Register(&cli.Command{Name: "fault-litter", Run: func(args []string, _, _ io.Writer) error {
		os.WriteFile("left.tmp", nil, 0o644)
		return cli.Usage("bad")
	}})
}

// TestHarnessCatches checks that each kind of misbehaviour is seen.
func TestHarnessCatches(t *testing.T) {
	run := func(c Case) (outcome, []string, []string) {
		dir, tmp := t.TempDir(), t.TempDir()
		before := listTree(t, dir)
		o := c.exec(t, dir, tmp)
		return o, before, listTree(t, dir)
	}
	o, _, _ := run(Case{Args: []string{"fault-goroutine-panic"}})
	if !strings.Contains(string(o.stderr), "goroutine ") || o.code == 0 {
		t.Errorf("goroutine panic: exit %d, stderr %.300s", o.code, o.stderr)
	}
	o, _, _ = run(Case{Args: []string{"fault-panic"}})
	if got := strings.TrimSpace(string(o.stderr)); o.code != 1 || !strings.HasPrefix(got, "intdim: internal error: ") || strings.Contains(got, "\n") {
		t.Errorf("recovered panic: exit %d, stderr %q", o.code, got)
	}
	o, _, _ = run(Case{Args: []string{"fault-hang"}, Timeout: 300 * time.Millisecond})
	if !strings.HasPrefix(o.killed, "hang") {
		t.Errorf("hang not killed: %+v", o)
	}
	if !raceEnabled {
		o, _, _ = run(Case{Args: []string{"fault-alloc"}, MaxRSS: 200 << 20})
		if !strings.Contains(o.killed, "resident") || o.peak <= 200<<20 {
			t.Errorf("allocation not killed: killed %q, peak %d MiB", o.killed, o.peak>>20)
		}
	}
	o, before, after := run(Case{Args: []string{"fault-litter"}})
	if o.code != 2 || len(before) != 0 || len(after) != 1 {
		t.Errorf("litter: exit %d, files %q → %q", o.code, before, after)
	}
	o, _, _ = run(Case{Args: []string{"version"}})
	if o.code != 0 || o.peak <= 0 {
		t.Errorf("version: exit %d, peak %d (want a measured peak)", o.code, o.peak)
	}
}

// TestCheckStdout checks the validation of partial results.
func TestCheckStdout(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		out     string
		allowed bool
		ok      bool
	}{
		{nil, "", false, true},
		{nil, "x\n", false, false},
		{[]string{"--format", "json"}, `{"a": 1}`, true, true},
		{[]string{"--format", "json"}, `{"a": 1`, true, false},
		{[]string{"--format=csv"}, "a,b\n1,\"2\n", true, false},
		{[]string{"--format", "csv"}, "a,b\n1,2\n", true, true},
	} {
		if err := checkStdout(tc.args, []byte(tc.out), tc.allowed); (err == nil) != tc.ok {
			t.Errorf("checkStdout(%q, %q, %v) = %v", tc.args, tc.out, tc.allowed, err)
		}
	}
}
