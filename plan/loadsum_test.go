package plan

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/intdim/intdim/internal/statage"
	"github.com/intdim/intdim/tensorio"
	"github.com/intdim/intdim/tensorio/npy"
)

// TestSumMapped: sumMapped's size, CRC-32C and status are sumFile's, for
// float32 and float64 files of one piece and of several (the last one
// short), and its finiteness is that of every value: a NaN or ±Inf in the
// first piece, a middle one or the last value is seen (the CRC-32C still
// taken whole). An array read into memory (.npz) is not summed.
func TestSumMapped(t *testing.T) {
	path := agedFile(t, "x.npy", nil)
	for _, n := range []int{6, 3 * hashPiece / 8, hashPiece/2 + 3} {
		for _, bad := range []int{-1, 0, hashPiece/8 + 1, n - 1} {
			if bad >= n {
				continue
			}
			for _, wide := range []bool{false, true} {
				var data any
				v64 := make([]float64, n)
				for i := range v64 {
					v64[i] = float64(i%97) - 48.5
				}
				if bad >= 0 {
					v64[bad] = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[bad%3]
				}
				data = v64
				if !wide {
					v32 := make([]float32, n)
					for i, v := range v64 {
						v32[i] = float32(v)
					}
					data = v32
				}
				var buf bytes.Buffer
				if err := npy.Write(&buf, []int{n, 1}, data); err != nil {
					t.Fatal(err)
				}
				os.WriteFile(path, buf.Bytes(), 0o644)
				want, err := sumFile(path, false)
				if err != nil {
					t.Fatal(err)
				}
				as, err := tensorio.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				got, finite, ok := sumMapped(as[0], path)
				as[0].Close()
				want.Stat, got.Stat = nil, nil // the file is new: neither has one
				if !ok || got.Path != want.Path || got.Size != want.Size || got.CRC32C != want.CRC32C || finite != (bad < 0) {
					t.Fatalf("%d values (float64 %v), bad at %d: %+v, finite %v, ok %v; sumFile %+v", n, wide, bad, got, finite, ok, want)
				}
			}
		}
	}
	last, _ := os.ReadFile(path)
	aged := agedFile(t, "aged.npy", last)
	as, err := tensorio.Open(aged)
	if err != nil {
		t.Fatal(err)
	}
	got, _, ok := sumMapped(as[0], aged)
	as[0].Close()
	want, _ := sumFile(aged, false)
	if !ok || got.CRC32C != want.CRC32C || (got.Stat != nil) != hasStat || (hasStat && *got.Stat != *want.Stat) {
		t.Fatalf("an old file: %+v, want %+v", got, want)
	}
	// Big-endian values are read into memory, not mapped.
	be := bytes.Replace(last, []byte("'<f8'"), []byte("'>f8'"), 1)
	if bytes.Equal(be, last) {
		t.Fatal("no '<f8' in the header")
	}
	os.WriteFile(path, be, 0o644)
	if as, err = tensorio.Open(path); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := sumMapped(as[0], path); ok {
		t.Error("an array read into memory: summed")
	}
}

// TestSumMappedAge: sumMapped judges a file's age at the moment just
// before the file was stat'ed where it was mapped, as sumFile does: a file
// written just before it was mapped has no status recorded, however long
// after the mapping its checksum is taken.
func TestSumMappedAge(t *testing.T) {
	if !hasStat {
		t.Skip("no FileStat on this system")
	}
	statage.Lower(t, 50*time.Millisecond)
	var buf bytes.Buffer
	if err := npy.Write(&buf, []int{3, 2}, []float32{1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.npy")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	arrays, err := tensorio.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer arrays[0].Close()
	at, ok := arrays[0].MappedFileStatedAt()
	if !ok || at.IsZero() || time.Since(at) > time.Minute {
		t.Fatalf("mapped file's stat time %v, %v", at, ok)
	}
	time.Sleep(3 * statage.Min)
	f, _, ok := sumMapped(arrays[0], path)
	if !ok || f.CRC32C == "" || f.Stat != nil {
		t.Fatalf("a file written just before it was mapped: %+v, %v", f, ok)
	}
	// Old enough when it was mapped: recorded.
	arrays2, err := tensorio.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer arrays2[0].Close()
	if g, _, ok := sumMapped(arrays2[0], path); !ok || g.Stat == nil || g.CRC32C != f.CRC32C {
		t.Fatalf("a file mapped %v after it was written: %+v, %v", 3*statage.Min, g, ok)
	}
}
