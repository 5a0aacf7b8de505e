package hostile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/intdim/intdim/internal/cli"
)

// intdim runs the command line in this process (to set up a case).
func intdim(t *testing.T, args ...string) {
	t.Helper()
	var e bytes.Buffer
	if code := cli.Main(args, io.Discard, &e); code != 0 {
		t.Fatalf("intdim %s: exit %d: %s", strings.Join(args, " "), code, e.String())
	}
}

// planned writes a.npy (and b.npy, constant, when fail), the plan p.json
// of 2 tasks, and runs the tasks listed.
func planned(fail bool, tasks ...string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		Points("a.npy", 200, 5)(t, dir)
		in := []string{"plan", filepath.Join(dir, "a.npy")}
		if fail {
			NPY("b.npy", 200, 5, Const(2))(t, dir)
			in = append(in, filepath.Join(dir, "b.npy"))
		}
		intdim(t, append(in, "--tasks", "2", "--out", filepath.Join(dir, "p.json"))...)
		for _, i := range tasks {
			intdim(t, "run-task", filepath.Join(dir, "p.json"), "--index", i)
		}
	}
}

// edit changes a file of the case's directory.
func edit(name string, f func([]byte) []byte) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// hugePlan claims a layer of 2³¹ rows with 2²⁰ neighbours each.
const hugePlan = `{"kind": "intdim-plan", "version": 1, "dir": "/", "inputs": [{"spec": "a.npy", "files": []}], "args": [], "mem": 1073741824,
 "layers": [{"name": "a", "input": 0, "rows": 2147483648, "dim": 5, "k": 1048576}],
 "tasks": [{"pieces": [{"layer": 0, "rows": [0, 2147483648]}]}]}`

// TestPlan: hostile plans, partials and indices (issue 15) are refused in
// one line with status 2, in bounded memory, writing nothing.
func TestPlan(t *testing.T) {
	part := "p.parts/task-0001.bin"
	Run(t, []Case{
		{Name: "garbage plan merge", Args: []string{"merge", "p.json"}, Setup: File("p.json", []byte("\x00\x01garbage{")), Exit: 2, Stderr: "p.json: not an intdim plan"},
		{Name: "garbage plan run-task", Args: []string{"run-task", "p.json", "--index", "0"}, Setup: File("p.json", []byte(`{"kind": "profile"}`)), Exit: 2, Stderr: `kind "profile": not an intdim plan`},
		{Name: "plan is a directory", Args: []string{"merge", "p.json"}, Setup: File("p.json/x", nil), Exit: 2, Stderr: "p.json: not a regular file"},
		{Name: "plan of impossible size", Args: []string{"merge", "p.json"}, Setup: File("p.json", []byte(hugePlan)), Exit: 2, Stderr: "impossible"},
		{Name: "pieces with a gap", Args: []string{"merge", "p.json"}, Setup: Setups(planned(false), edit("p.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"rows": [`+"\n"+`            0,`), []byte(`"rows": [`+"\n"+`            1,`), 1)
		})), Exit: 2, Stderr: "do not follow"},
		{Name: "index out of range", Args: []string{"run-task", "p.json", "--index", "2"}, Setup: planned(false), Exit: 2, Stderr: "--index 2: the plan p.json has tasks 0..1"},
		{Name: "negative index", Args: []string{"run-task", "p.json", "--index", "-3"}, Setup: planned(false), Exit: 2, Stderr: "--index -3 is negative"},
		{Name: "partial padded", Args: []string{"merge", "p.json"}, Setup: Setups(planned(false, "0", "1"), edit(part, func(b []byte) []byte {
			return append(b, make([]byte, 1<<20)...)
		})), Exit: 2, Stderr: "bytes, the plan gives this task"},
		{Name: "partial lies about its payload", Args: []string{"merge", "p.json"}, Setup: Setups(planned(false, "0", "1"), edit(part, func(b []byte) []byte {
			// payload length: 8 bytes before the last 32 of the header (one piece: 8+4+4+32+4+16+8+32)
			binary.LittleEndian.PutUint64(b[8+4+4+32+4+16:], 1<<62)
			return b
		})), Exit: 2, Stderr: "its pieces differ from the plan's; rerun: intdim run-task p.json --index 1"},
		{Name: "partial missing", Args: []string{"merge", "p.json"}, Setup: planned(false, "1"), Exit: 2, Stderr: "task 0 of 2: p.parts/task-0000.bin: missing; rerun: intdim run-task p.json --index 0"},
		{Name: "partial is a directory", Args: []string{"merge", "p.json"}, Setup: Setups(planned(false, "0"), File(part+"/x", nil)), Exit: 2, Stderr: "not a regular file"},
		{Name: "input status with a wrong ctime, input changed", Args: []string{"run-task", "p.json", "--index", "0"}, Setup: Setups(planned(false), wrongCtime, edit("a.npy", func(b []byte) []byte {
			b[len(b)-1] ^= 1
			return b
		})), Exit: 2, Stderr: "a.npy: changed since the plan was made (CRC-32C"},
		{Name: "input status with a negative inode", Args: []string{"merge", "p.json"}, Setup: Setups(planned(false, "0", "1"), edit("p.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"crc32c": `), []byte(`"stat": {"inode": -1}, "crc32c": `), 1)
		})), Exit: 2, Stderr: "p.json: "},
		{Name: "input status not an object", Args: []string{"run-task", "p.json", "--index", "0"}, Setup: Setups(planned(false), edit("p.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"crc32c": `), []byte(`"stat": "1 2 3", "crc32c": `), 1)
		})), Exit: 2, Stderr: "p.json: "},
		{Name: "merge with a failed layer", Args: []string{"merge", "p.json", "--format", "json"}, Setup: planned(true, "0", "1"), Exit: 1, Stdout: true, Stderr: "1 of 2 layers failed: layer b"},
	})
}

// wrongCtime records in p.json the status of a.npy (plan.FileStat) with
// its inode and mtime right and its ctime wrong: the CRC-32C must then be
// taken.
func wrongCtime(t *testing.T, dir string) {
	st, err := os.Stat(filepath.Join(dir, "a.npy"))
	if err != nil {
		t.Fatal(err)
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		t.Skip("no inode on this system")
	}
	stat := fmt.Sprintf(`"stat": {"inode": %d, "mtime_ns": %d, "ctime_ns": %d}, "crc32c": `, sys.Ino, st.ModTime().UnixNano(), st.ModTime().UnixNano()-1e9)
	edit("p.json", func(b []byte) []byte {
		if !bytes.Contains(b, []byte(`"crc32c": `)) {
			t.Fatal("no crc32c in the plan")
		}
		return bytes.Replace(b, []byte(`"crc32c": `), []byte(stat), 1)
	})(t, dir)
}
