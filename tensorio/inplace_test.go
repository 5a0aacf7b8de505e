package tensorio

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/intdim/intdim/tensorio/safetensors"
)

// TestReadInPlace checks that reading allocates the float64 result and
// little else: no whole-file byte buffer, no conversion copy.
func TestReadInPlace(t *testing.T) {
	const n = 1 << 18 // rows of 4 → 1 Mi values, 8 MiB of float64
	dir := t.TempDir()
	f32 := make([]float32, 4*n)
	f64 := make([]float64, 4*n)
	for i := range f32 {
		f32[i] = float32(i % 1000)
		f64[i] = float64(i % 1000)
	}
	writeNPY(t, filepath.Join(dir, "f8.npy"), []int{n, 4}, f64)
	writeNPY(t, filepath.Join(dir, "f4.npy"), []int{n, 4}, f32)
	writeST(t, filepath.Join(dir, "f4.safetensors"), safetensors.F32("x", []int{n, 4}, f32))
	writeNPZ(t, filepath.Join(dir, "f8.npz"), false, []string{"x"}, []int{n, 4})
	writeNPZ(t, filepath.Join(dir, "f8d.npz"), true, []string{"x"}, []int{n, 4})
	f32 = nil
	f64 = nil
	result := uint64(8 * 4 * n)
	for _, name := range []string{"f8.npy", "f4.npy", "f4.safetensors", "f8.npz", "f8d.npz"} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		a, err := Open(filepath.Join(dir, name))
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if a[0].Len() != 4*n {
			t.Fatalf("%s: %d values", name, a[0].Len())
		}
		t.Logf("%s: %d bytes allocated", name, after.TotalAlloc-before.TotalAlloc)
		if got := after.TotalAlloc - before.TotalAlloc; got > result+result/8 {
			t.Errorf("%s: allocated %d bytes for a %d-byte result", name, got, result)
		}
	}
	os.RemoveAll(dir)
}

// TestMappedFile: a plain little-endian .npy file is mapped, and
// MappedFile gives all its bytes (header and values: what a checksum of
// the file reads) and MappedFileInfo the status of that file (os.SameFile,
// its size); Prefault leaves the values as they are; an array read into
// memory (.npz), or closed, has neither.
func TestMappedFile(t *testing.T) {
	dir := t.TempDir()
	vals := make([]float32, 3000)
	for i := range vals {
		vals[i] = float32(i) / 7
	}
	path := filepath.Join(dir, "a.npy")
	writeNPY(t, path, []int{1000, 3}, vals)
	writeNPZ(t, filepath.Join(dir, "b.npz"), false, []string{"x"}, []int{10, 4})
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	as, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a := as[0]
	data, ok := a.MappedFile()
	if !ok || string(data) != string(want) {
		t.Fatalf("MappedFile: %d bytes, ok %v; the file has %d", len(data), ok, len(want))
	}
	info, ok := a.MappedFileInfo()
	if st, err := os.Stat(path); !ok || err != nil || !os.SameFile(info, st) || info.Size() != int64(len(want)) || !info.ModTime().Equal(st.ModTime()) {
		t.Fatalf("MappedFileInfo: %v, ok %v; the file: %v", info, ok, st)
	}
	a.Prefault()
	for i, v := range a.Data32 {
		if v != vals[i] {
			t.Fatalf("value %d after Prefault: %v, want %v", i, v, vals[i])
		}
	}
	a.Close()
	if _, ok := a.MappedFile(); ok {
		t.Error("a closed array still gives its file")
	}
	if _, ok := a.MappedFileInfo(); ok {
		t.Error("a closed array still gives its file's status")
	}
	bs, err := Open(filepath.Join(dir, "b.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := bs[0].MappedFile(); ok {
		t.Error(".npz member: MappedFile ok")
	}
	if _, ok := bs[0].MappedFileInfo(); ok {
		t.Error(".npz member: MappedFileInfo ok")
	}
	bs[0].Prefault() // nothing to do
}
