package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// stripPlan writes the strip index of a 600-row layer (pieces of chunk
// bytes) beside a plan in a temporary directory and returns the plan, the
// index file and its layout.
func stripPlan(t *testing.T, chunk int64) (p *Plan, path string, coords, order int64) {
	t.Helper()
	n, d, k := 600, 40, 2
	x := cloud.Must64(synth.Hypercube(n, 5, d, 7), n, d)
	pr, err := knn.PlanSearch(x, k, &knn.Options{Search: knn.SearchPruned})
	if err != nil || pr == nil {
		t.Fatalf("PlanSearch forced: %v, %v", pr, err)
	}
	si, err := knn.NewStripIndex(x, k, pr, &knn.Options{})
	if err != nil || si == nil {
		t.Fatalf("NewStripIndex: %v, %v", si, err)
	}
	old := stripChunk
	stripChunk = chunk
	defer func() { stripChunk = old }()
	planPath := filepath.Join(t.TempDir(), "p.json")
	f, err := writeStrip(planPath, 0, si)
	if err != nil {
		t.Fatal(err)
	}
	p = &Plan{path: planPath, Layers: []Layer{{Name: "x", Rows: n, Dim: d, K: k, Search: SearchPruned, Strip: f,
		Pruning: &File{Path: pruningName(0), Size: 1, SHA256: strings.Repeat("0", 64)}}}}
	coords, order = knn.StripIndexLayout(n, p.Layers[0].stripDirs())
	return p, StripPath(planPath, 0), coords, order
}

// TestStripChunks: the plan records the CRC-32C of every piece of a strip
// index file; a strip from position a checks the head, the order and the
// coordinates from a on, and refuses a change there, but not one in the
// coordinates before a, which it does not read (the strips' lists are
// those of the intact file: knn's TestSearchStripPruned); merge's order
// checks the head and the order only. A plan without pieces (an earlier
// version's) checks the whole file.
func TestStripChunks(t *testing.T) {
	p, path, coords, order := stripPlan(t, 4096)
	f := p.Layers[0].Strip
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Chunk != 4096 || int64(len(f.Chunks)) != (f.Size+4095)/4096 || f.Size != int64(len(data)) {
		t.Fatalf("strip file of %d bytes: pieces of %d, %d sums", len(data), f.Chunk, len(f.Chunks))
	}
	for c, sum := range f.Chunks {
		piece := data[c*4096 : min((c+1)*4096, len(data))]
		if got := crcHex(piece); got != sum {
			t.Fatalf("piece %d: CRC-32C %s, the plan has %s", c, got, sum)
		}
	}
	dirs := int64(p.Layers[0].stripDirs())
	from := 300
	// A byte of position 100's coordinates: in a piece of its own, after
	// the head's and before the coordinates from position 300 on.
	at := coords + 8*100*dirs
	if at/4096 <= (coords-1)/4096 || at/4096 >= (coords+8*int64(from)*dirs)/4096 {
		t.Fatalf("layout %d, %d: position 100 not in a piece of its own", coords, order)
	}
	load := func(from int) error {
		si, release, err := p.loadStrip(0, from)
		release()
		if err == nil && si.N() != 600 {
			t.Fatalf("an index of %d rows", si.N())
		}
		return err
	}
	changed := "layer-0000.strip: changed since the plan was made"
	for _, c := range []struct {
		name        string
		at          int64
		from0, from int  // strips from 0 and from `from` accept
		order       bool // merge's order accepts
	}{
		{"none", -1, 1, 1, true},
		{"coordinates before the strip", at, 0, 1, true},
		{"coordinates of the strip", coords + 8*int64(from+50)*dirs, 0, 0, true},
		{"a bound", coords - 16, 0, 0, false},
		{"the order", order + 8, 0, 0, false},
	} {
		bad := append([]byte{}, data...)
		if c.at >= 0 {
			bad[c.at] ^= 1
		}
		if err := os.WriteFile(path, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct {
			what string
			err  error
			ok   bool
		}{{"strip from 0", load(0), c.from0 == 1}, {fmt.Sprintf("strip from %d", from), load(from), c.from == 1}} {
			if (r.err == nil) != r.ok || (r.err != nil && !strings.Contains(r.err.Error(), changed)) {
				t.Errorf("%s changed, %s: %v", c.name, r.what, r.err)
			}
		}
		perm, err := p.loadOrder(0)
		if (err == nil) != c.order || (err != nil && !strings.Contains(err.Error(), changed)) || (err == nil && len(perm) != 600) {
			t.Errorf("%s changed, order: %d rows, %v", c.name, len(perm), err)
		}
	}
	// Without pieces, the whole file.
	p.Layers[0].Strip.Chunk, p.Layers[0].Strip.Chunks = 0, nil
	bad := append([]byte{}, data...)
	bad[at] ^= 1
	os.WriteFile(path, bad, 0o644)
	if err := load(from); err == nil || !strings.Contains(err.Error(), changed) {
		t.Errorf("a plan without pieces, coordinates before the strip changed: %v", err)
	}
	if _, err := p.loadOrder(0); err == nil {
		t.Error("a plan without pieces, order: a changed file accepted")
	}
	os.WriteFile(path, data, 0o644)
	if err := load(from); err != nil {
		t.Errorf("a plan without pieces, intact file: %v", err)
	}
}

// TestStripChunksChecked: a plan whose strip file's pieces do not fit its
// size (a sum more or less, a piece too small or too large, a sum of the
// wrong length), or an input file with pieces, is not one Make writes.
func TestStripChunksChecked(t *testing.T) {
	p, _, _, _ := stripPlan(t, 4096)
	p.Kind, p.Version, p.Mem = Kind, Version, 1
	p.Inputs = []Input{{Spec: "x", Files: []File{{Path: "x", Size: 1, CRC32C: "00000000"}}}}
	p.Tasks = []Task{{Pieces: []Piece{{Layer: 0, Rows: [2]int{0, 600}}}}}
	if err := p.check(); err != nil {
		t.Fatal(err)
	}
	f := p.Layers[0].Strip
	good := *f
	for name, mut := range map[string]func(f *File){
		"a sum more":     func(f *File) { f.Chunks = append(append([]string{}, f.Chunks...), "00000000") },
		"a sum less":     func(f *File) { f.Chunks = f.Chunks[1:] },
		"pieces of 1 KB": func(f *File) { f.Chunk = 1024 },
		"pieces of 2 GB": func(f *File) { f.Chunk = 2 << 30 },
		"no piece size":  func(f *File) { f.Chunk = 0 },
		"a short sum":    func(f *File) { f.Chunks = append([]string{"0"}, f.Chunks[1:]...) },
	} {
		*f = good
		f.Chunks = append([]string{}, good.Chunks...)
		mut(f)
		if err := p.check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	*f = good
	p.Inputs[0].Files[0].Chunk, p.Inputs[0].Files[0].Chunks = 4096, []string{"00000000"}
	if err := p.check(); err == nil {
		t.Error("an input file with pieces: accepted")
	}
}
