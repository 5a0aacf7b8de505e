//go:build unix

package osfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenRefuses checks that every kind of non-regular path is refused by
// name before it is opened: a FIFO would block os.Open forever, so the test
// itself hangs (and go test's timeout fails it) if Open opens one.
func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "x.npy")
	if err := os.WriteFile(reg, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.npy")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := func(name, target string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dangling := link("dangling.npy", filepath.Join(dir, "missing.npy"))
	loop := link("loop.npy", filepath.Join(dir, "loop.npy"))
	toFifo := link("tofifo.npy", fifo)
	toReg := link("toreg.npy", reg)
	cases := []struct{ path, want string }{
		{fifo, fifo + ": not a regular file (a named pipe (FIFO))"},
		{toFifo, toFifo + ": not a regular file (a named pipe (FIFO))"},
		{"/dev/null", "/dev/null: not a regular file (a character device)"},
		{dangling, dangling + ": no such file or directory"},
		{loop, loop + ": too many levels of symbolic links"},
		{dir, dir + ": is a directory"},
	}
	for _, c := range cases {
		f, _, err := Open(c.path)
		if err == nil {
			f.Close()
			t.Errorf("Open(%s) succeeded", c.path)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("Open(%s): %v\n\twant %s", c.path, err, c.want)
		}
		if _, err2 := Stat(c.path); err2 == nil || err2.Error() != err.Error() {
			t.Errorf("Stat(%s): %v, Open said %v", c.path, err2, err)
		}
	}
	for _, p := range []string{reg, toReg} {
		f, size, err := Open(p)
		if err != nil || size != 5 {
			t.Fatalf("Open(%s): size %d, %v", p, size, err)
		}
		f.Close()
	}
	if err := PathError("a.npy", &os.PathError{Op: "open", Path: "/long/a.npy", Err: syscall.EACCES}); err.Error() != "a.npy: permission denied" || strings.Count(err.Error(), "a.npy") != 1 {
		t.Errorf("PathError: %v", err)
	}
}
