package plan

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/tensorio"
	"github.com/intdim/intdim/tensorio/npy"
)

// bigEndianNPY returns a .npy file of n×d big-endian float32 values
// (tensorio reads it into memory: it does not map it).
func bigEndianNPY(t *testing.T, n, d int, scale float32) []byte {
	t.Helper()
	v := make([]float32, n*d)
	for i := range v {
		v[i] = scale * float32(math.Sin(float64(i)*1.7+float64(i%d)))
	}
	var buf bytes.Buffer
	if err := npy.Write(&buf, []int{n, d}, v); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	head := len(data) - 4*len(v)
	i := bytes.Index(data[:head], []byte("<f4"))
	if i < 0 {
		t.Fatal("no <f4 in the header")
	}
	data[i] = '>'
	for j, x := range v {
		binary.BigEndian.PutUint32(data[head+4*j:], math.Float32bits(x))
	}
	return data
}

// TestMakeFileChangedDuring: an input read into memory (a big-endian
// .npy) rewritten while the plan is made, after its layer was read, its
// size kept, is not accepted by Verify: the plan's checksum is of the
// bytes its layer came from, taken before they were read.
func TestMakeFileChangedDuring(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "be.npy")
	old, changed := bigEndianNPY(t, 60, 4, 1), bigEndianNPY(t, 60, 4, 2)
	if len(old) != len(changed) || bytes.Equal(old, changed) {
		t.Fatal("the two files should differ with one size")
	}
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	if tensorio.MayMap(path) {
		t.Fatal("a big-endian .npy file is mapped")
	}
	rewrites := 0
	popt := pipeline.Options{Progress: func(done, total int) {
		if err := os.WriteFile(path, changed, 0o644); err != nil {
			t.Error(err)
		}
		rewrites++
	}}
	p, err := Make([]string{path}, popt, MakeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rewrites == 0 {
		t.Fatal("Progress was not called: the file was not changed")
	}
	if err := p.Verify(nil); err == nil || !strings.Contains(err.Error(), path+": changed since the plan was made") {
		t.Fatalf("a file changed while the plan was made: %v", err)
	}
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(nil); err != nil {
		t.Fatalf("the bytes the plan was made from: %v", err)
	}
}
