package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestFailedWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	boom := errors.New("boom")
	err := WriteFile(p, func(w io.Writer) error {
		w.Write([]byte("half of a file"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("left behind: %v", ents)
	}
	// An existing file is untouched by a failed write, replaced by a good one.
	if err := Write(p, []byte("old")); err != nil {
		t.Fatal(err)
	}
	WriteFile(p, func(w io.Writer) error { w.Write([]byte("new but broken")); return boom })
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("content %q after a failed write", b)
	}
	if err := Write(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("content %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("directory holds %d entries", len(ents))
	}
}

func TestWriteAllIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.png")
	if err := Write(a, []byte("old a")); err != nil {
		t.Fatal(err)
	}
	// The second file cannot be written (its directory does not exist):
	// the first keeps its old content and no temporary file is left.
	err := WriteAll([]File{{a, []byte("new a")}, {filepath.Join(dir, "missing", "b"), []byte("b")}})
	if err == nil {
		t.Fatal("no error")
	}
	if got, _ := os.ReadFile(a); string(got) != "old a" {
		t.Errorf("a is %q after a failed set", got)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
	// A path taken by a directory fails the set before anything is renamed.
	if err := os.Mkdir(b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteAll([]File{{a, []byte("new a")}, {b, []byte("b")}}); err == nil {
		t.Fatal("no error for a directory in the way")
	}
	if got, _ := os.ReadFile(a); string(got) != "old a" {
		t.Errorf("a is %q after a refused set", got)
	}
	os.Remove(b)
	if err := WriteAll([]File{{a, []byte("new a")}, {b, []byte("b")}}); err != nil {
		t.Fatal(err)
	}
	ga, _ := os.ReadFile(a)
	gb, _ := os.ReadFile(b)
	if string(ga) != "new a" || string(gb) != "b" {
		t.Errorf("a %q, b %q", ga, gb)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("files: %v", ents)
	}
}

// sizes records the size of every Write.
type sizes struct {
	bytes.Buffer
	calls []int
}

func (s *sizes) Write(b []byte) (int, error) {
	s.calls = append(s.calls, len(b))
	return s.Buffer.Write(b)
}

// TestChunked: chunked passes every byte, in order, in writes of at most
// MaxWrite bytes; and WriteFile and WriteAll write large data whole.
func TestChunked(t *testing.T) {
	data := make([]byte, 2*MaxWrite+12345)
	for i := range data {
		data[i] = byte(i * 7)
	}
	var s sizes
	n, err := chunked{&s}.Write(data)
	if err != nil || n != len(data) || !bytes.Equal(s.Bytes(), data) {
		t.Fatalf("wrote %d of %d bytes, err %v, equal %v", n, len(data), err, bytes.Equal(s.Bytes(), data))
	}
	if want := []int{MaxWrite, MaxWrite, 12345}; !slices.Equal(s.calls, want) {
		t.Errorf("writes of %v bytes, want %v", s.calls, want)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := Write(a, data); err != nil {
		t.Fatal(err)
	}
	if err := WriteAll([]File{{Path: b, Data: data[1:]}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(a); !bytes.Equal(got, data) {
		t.Errorf("Write: %d bytes read back, not the %d written", len(got), len(data))
	}
	if got, _ := os.ReadFile(b); !bytes.Equal(got, data[1:]) {
		t.Errorf("WriteAll: %d bytes read back, not the %d written", len(got), len(data)-1)
	}
}

// short writes nothing and reports no error.
type short struct{}

func (short) Write([]byte) (int, error) { return 0, nil }

// TestChunkedShortWrite: a writer that takes nothing is an error, not a
// loop.
func TestChunkedShortWrite(t *testing.T) {
	if n, err := (chunked{short{}}).Write([]byte("abc")); n != 0 || !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("Write = %d, %v; want 0, io.ErrShortWrite", n, err)
	}
}
