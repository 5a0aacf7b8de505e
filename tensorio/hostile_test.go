//go:build unix

package tensorio

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// layers writes a directory of three valid .npy layers and returns it.
func layers(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"l1.npy", "l2.npy", "l3.npy"} {
		writeNPY(t, filepath.Join(dir, name), []int{3, 2}, seq(6, 1))
	}
	return dir
}

// TestDirectoryUnreadableEntries checks that an entry that looks like an
// input and cannot be read fails the whole directory with its name, rather
// than giving a profile with a layer silently missing; and that a FIFO, as
// an input or inside a directory, is refused without blocking (a test that
// blocks here would hang until go test's timeout).
func TestDirectoryUnreadableEntries(t *testing.T) {
	cases := []struct {
		name string
		make func(p string) error
		want string
	}{
		{"dangling.npy", func(p string) error { return os.Symlink(p+".gone", p) }, "dangling.npy: no such file or directory"},
		{"loop.npz", func(p string) error { return os.Symlink(p, p) }, "loop.npz: too many levels of symbolic links"},
		{"pipe.npy", func(p string) error { return syscall.Mkfifo(p, 0o644) }, "pipe.npy: not a regular file (a named pipe (FIFO))"},
		{"dev.safetensors", func(p string) error { return os.Symlink("/dev/zero", p) }, "dev.safetensors: not a regular file (a character device)"},
	}
	for _, c := range cases {
		dir := layers(t)
		p := filepath.Join(dir, c.name)
		if err := c.make(p); err != nil {
			t.Fatal(err)
		}
		for what, f := range map[string]func(string) error{
			"Open":  func(s string) error { _, err := Open(s); return err },
			"Names": func(s string) error { _, err := Names(s); return err },
			"Open(DIR:NAME)": func(s string) error {
				_, err := Open(s + ":l2")
				return err
			},
		} {
			err := f(dir)
			if err == nil {
				t.Errorf("%s: %s(dir) succeeded with the entry left out", c.name, what)
				continue
			}
			if err.Error() != filepath.Join(dir, c.want) {
				t.Errorf("%s: %s(dir): %v\n\twant %s", c.name, what, err, filepath.Join(dir, c.want))
			}
		}
		// The entry given directly as the input.
		if _, err := Open(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%s): %v, want %q", c.name, err, c.want)
		}
	}
	// A FIFO without a known extension is refused by its extension, and
	// a FIFO whose name ends in .npy through OpenMatrix as well.
	dir := t.TempDir()
	p := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenMatrix(p); err == nil || !strings.Contains(err.Error(), "unsupported file type") {
		t.Errorf("OpenMatrix(fifo): %v", err)
	}
	if err := os.Rename(p, p+".npz"); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenMatrix(p + ".npz:x"); err == nil || err.Error() != p+".npz: not a regular file (a named pipe (FIFO))" {
		t.Errorf("OpenMatrix(fifo.npz:x): %v", err)
	}
}

// TestDirectoryWithoutInputs checks the message for a directory holding
// only files of other types (and subdirectories, which are not read) and
// for an empty one.
func TestDirectoryWithoutInputs(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir); err == nil || err.Error() != dir+": empty directory: no .npy, .npz, .safetensors, .pt or .pth files in it" {
		t.Errorf("empty: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "readme.md"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "acts.csv"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, ".hidden.npy"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "old.npy"), 0o755)
	want := dir + ": no .npy, .npz, .safetensors, .pt or .pth files in it, only 3 other entries: acts.csv, old.npy/, readme.md"
	if _, err := Open(dir); err == nil || err.Error() != want {
		t.Errorf("only other files: %v\n\twant %s", err, want)
	}
	// A symlink to a directory is a subdirectory, not an input.
	writeNPY(t, filepath.Join(dir, "a.npy"), []int{3, 1}, seq(3, 1))
	if err := os.Symlink(filepath.Join(dir, "old.npy"), filepath.Join(dir, "link.npy")); err != nil {
		t.Fatal(err)
	}
	if a, err := Open(dir); err != nil || len(a) != 1 || a[0].Name != "a" {
		t.Errorf("with a subdirectory: %v %v", names(a), err)
	}
}
