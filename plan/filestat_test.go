package plan

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/intdim/intdim/internal/statage"
	"github.com/intdim/intdim/tensorio"
	"github.com/intdim/intdim/tensorio/npy"
)

// hasStat reports whether this system gives a FileStat (statOf).
var hasStat = runtime.GOOS == "linux" || runtime.GOOS == "darwin"

// agedFile writes data to a new file and waits until it is older than
// statage.Min, set to 20 ms for the test.
func agedFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	statage.Lower(t, 20*time.Millisecond)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * statage.Min)
	return path
}

// TestFileStat: sumFile records the status of a file last changed more
// than statage.Min ago (not of one just written); a file whose status is the
// recorded one is not read by Verify (a wrong CRC-32C in the plan goes
// unseen, as it is not taken), and one changed in place, its size kept,
// is read and refused by its CRC-32C; restored, its CRC-32C passes.
func TestFileStat(t *testing.T) {
	data := []byte("123456789")
	young := filepath.Join(t.TempDir(), "young.bin")
	if err := os.WriteFile(young, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err := sumFile(young, false); err != nil || f.Stat != nil || f.CRC32C != "e3069283" {
		t.Fatalf("a file younger than statage.Min: %+v, %v", f, err)
	}
	path := agedFile(t, "in.bin", data)
	f, err := sumFile(path, false)
	if err != nil || f.CRC32C != "e3069283" || (f.Stat != nil) != hasStat {
		t.Fatalf("an old file: %+v, %v (status on this system: %v)", f, err, hasStat)
	}
	if !hasStat {
		return
	}
	st, _ := os.Stat(path)
	if want, _ := statOf(st); *f.Stat != want || want.Ctime <= 0 || want.Inode == 0 {
		t.Fatalf("recorded %+v, os.Stat gives %+v", *f.Stat, want)
	}
	wrong := f
	wrong.CRC32C = "00000000"
	p := &Plan{Inputs: []Input{{Spec: path, Files: []File{wrong}}}}
	if err := p.Verify(nil); err != nil {
		t.Fatalf("unchanged status: the file was read (%v)", err)
	}
	wrong.Stat = nil
	p.Inputs[0].Files[0] = wrong
	if err := p.Verify(nil); err == nil || !strings.Contains(err.Error(), "the plan has 00000000") {
		t.Fatalf("no status: the CRC-32C was not taken (%v)", err)
	}
	p.Inputs[0].Files[0] = f
	if err := os.WriteFile(path, []byte("123456788"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(nil); err == nil || !strings.Contains(err.Error(), "changed since the plan was made (CRC-32C") {
		t.Fatalf("a byte changed in place: %v", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(nil); err != nil {
		t.Fatalf("restored: %v", err)
	}
}

// TestStable: stable records nothing for two different files' statuses
// (a file replaced while it was hashed) or a ctime less than statage.Min
// before the start, and the status itself otherwise.
func TestStable(t *testing.T) {
	if !hasStat {
		t.Skip("no FileStat on this system")
	}
	a := agedFile(t, "a.bin", []byte("a"))
	b := filepath.Join(filepath.Dir(a), "b.bin")
	now := time.Now() // before b is written: its ctime is not older
	if err := os.WriteFile(b, []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	sa, _ := os.Stat(a)
	sb, _ := os.Stat(b)
	if got := stable(sa, sb, now.Add(time.Hour)); got != nil {
		t.Errorf("two files: %+v", got)
	}
	if got := stable(sb, sb, now); got != nil {
		t.Errorf("a file just written: %+v", got)
	}
	want, _ := statOf(sa)
	if got := stable(sa, sa, now); got == nil || *got != want {
		t.Errorf("an old file: %+v, want %+v", got, want)
	}
	if !unchanged(File{Size: 1, Stat: &want}, sa) || unchanged(File{Size: 2, Stat: &want}, sa) || unchanged(File{Size: 1}, sa) {
		t.Error("unchanged: wrong for the size or a missing status")
	}
}

// TestLoadCheckStat: a mapped input whose status is the recorded one is
// taken as checked without its CRC-32C (a wrong one in the plan goes
// unseen); changed in place, its size kept, it is refused by the
// CRC-32C, naming it.
func TestLoadCheckStat(t *testing.T) {
	if !hasStat {
		t.Skip("no FileStat on this system")
	}
	var buf bytes.Buffer
	if err := npy.Write(&buf, []int{3, 2}, []float32{1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	path := agedFile(t, "x.npy", data)
	f, err := sumFile(path, false)
	if err != nil || f.Stat == nil {
		t.Fatalf("sumFile: %+v, %v", f, err)
	}
	right := f.CRC32C
	f.CRC32C = "00000000"
	p := &Plan{Inputs: []Input{{Spec: path, Files: []File{f}}}, Layers: []Layer{{Input: 0}}}
	check := func() (error, bool) {
		arrays, err := tensorio.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer arrays[0].Close()
		if _, ok := arrays[0].MappedFileInfo(); !ok {
			t.Fatal("not mapped")
		}
		files, layers := map[string]bool{}, map[int]bool{}
		err = p.loadCheck(files, layers)(0, arrays[0])
		return err, files[path] && layers[0]
	}
	if err, done := check(); err != nil || !done {
		t.Fatalf("unchanged status: %v, checked %v", err, done)
	}
	p.Inputs[0].Files[0].CRC32C = right
	data[len(data)-1] ^= 1
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err, done := check(); err == nil || done || !strings.Contains(err.Error(), path+": changed since the plan was made (CRC-32C") {
		t.Fatalf("changed in place: %v, checked %v", err, done)
	}
}
