package plan

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intdim/intdim/knn"
)

// TestCutTasksBalanced: for random layers and task counts, the pieces
// cover every searched row once, in order (check), every task has work,
// and each task's cost, its rows' strips ((m − i)·d for row i), is within
// two of the largest row costs of total/n.
func TestCutTasksBalanced(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		p := &Plan{Kind: Kind, Version: Version, Mem: 1, Inputs: []Input{{Spec: "x"}}}
		rows, total, maxRow := 0, 0.0, 0.0
		for range 1 + r.IntN(5) {
			l := Layer{Rows: 3 + r.IntN(400), Dim: 1 + r.IntN(50), K: 2}
			if r.IntN(5) == 0 {
				l.Rows, l.K = 0, 0 // failed before its search
			}
			p.Layers = append(p.Layers, l)
			rows += l.Rows
			w := float64(l.Rows) * float64(l.Dim) // of its first row
			total += float64(l.Rows) * float64(l.Rows+1) / 2 * float64(l.Dim)
			maxRow = max(maxRow, w)
		}
		if rows == 0 {
			if err := p.cutTasks(1); err != ErrNothing {
				t.Fatalf("no rows: %v", err)
			}
			continue
		}
		n := 1 + r.IntN(min(rows, 40))
		if err := p.cutTasks(n); err != nil {
			t.Fatal(err)
		}
		if err := p.check(); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if len(p.Tasks) != n {
			t.Fatalf("trial %d: %d tasks, want %d", trial, len(p.Tasks), n)
		}
		for i, task := range p.Tasks {
			var c float64
			for _, pc := range task.Pieces {
				l := p.Layers[pc.Layer]
				for i := pc.Rows[0]; i < pc.Rows[1]; i++ {
					c += float64(l.Rows-i) * float64(l.Dim)
				}
			}
			// A task can exceed its share by a row where it ends, and
			// by the rows kept for later tasks when rows are few.
			if c > total/float64(n)+2*maxRow && n < rows/4 {
				t.Errorf("trial %d: task %d costs %g, share %g, a row at most %g", trial, i, c, total/float64(n), maxRow)
			}
		}
	}
	p := &Plan{Layers: []Layer{{Rows: 5, Dim: 1, K: 2}}}
	if err := p.cutTasks(6); err == nil {
		t.Error("6 tasks of 5 rows: no error")
	}
}

// TestPartsDir: the partial files go beside the plan.
func TestPartsDir(t *testing.T) {
	for in, want := range map[string]string{"a/study.json": "a/study.parts", "plan": "plan.parts", "/x/p.v2.json": "/x/p.v2.parts"} {
		if got := PartsDir(in); got != want {
			t.Errorf("PartsDir(%q) = %q, want %q", in, got, want)
		}
	}
	if got := PartPath("a/s.json", 7); got != "a/s.parts/task-0007.bin" {
		t.Errorf("PartPath = %q", got)
	}
}

// TestCutTasksPruned: in pruned layers every row costs the same, and no
// piece is less than a quarter of a task's share: 8 tasks over 4 pruned
// layers of slightly different costs give two single-piece tasks each;
// random mixes of pruned and brute layers still cut validly.
func TestCutTasksPruned(t *testing.T) {
	p := &Plan{Kind: Kind, Version: Version, Mem: 1, Inputs: []Input{{Spec: "x"}}}
	for i, c := range []float64{0.30, 0.36, 0.31, 0.42} {
		p.Layers = append(p.Layers, Layer{Rows: 16000, Dim: 512, K: 2, Search: SearchPruned, cost: c,
			Pruning: &File{Path: pruningName(i), Size: 1, SHA256: strings.Repeat("0", 64)}})
	}
	if err := p.cutTasks(8); err != nil {
		t.Fatal(err)
	}
	if err := p.check(); err != nil {
		t.Fatal(err)
	}
	for i, task := range p.Tasks {
		if len(task.Pieces) != 1 || task.Pieces[0].Layer != i/2 {
			t.Errorf("task %d: pieces %v, want one of layer %d", i, task.Pieces, i/2)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		p := &Plan{Kind: Kind, Version: Version, Mem: 1, Inputs: []Input{{Spec: "x"}}}
		rows := 0
		for i := range 1 + r.IntN(5) {
			l := Layer{Rows: 3 + r.IntN(400), Dim: 1 + r.IntN(50), K: 2}
			if r.IntN(2) == 0 {
				l.Search, l.cost = SearchPruned, 0.1+r.Float64()
				l.Pruning = &File{Path: pruningName(i), Size: 1, SHA256: strings.Repeat("0", 64)}
			}
			p.Layers = append(p.Layers, l)
			rows += l.Rows
		}
		n := 1 + r.IntN(min(rows, 40))
		if err := p.cutTasks(n); err != nil {
			t.Fatal(err)
		}
		if err := p.check(); err != nil || len(p.Tasks) != n {
			t.Fatalf("trial %d: %v, %d tasks of %d", trial, err, len(p.Tasks), n)
		}
	}
}

// TestCutTasksStrips: pruned layers with a strip index are cut into
// strips of about equal cost ((m − i)·d for position i, as brute strips),
// each piece of one layer here (the cuts of 8 tasks over 4 equal layers
// fall on the layers' ends), the first piece of a layer shorter than its
// second; a strip file of the wrong size is refused.
func TestCutTasksStrips(t *testing.T) {
	p := &Plan{Kind: Kind, Version: Version, Mem: 1, Inputs: []Input{{Spec: "x"}}}
	for i := range 4 {
		p.Layers = append(p.Layers, Layer{Rows: 16000, Dim: 512, K: 2, Search: SearchPruned, cost: 0.3,
			Pruning: &File{Path: pruningName(i), Size: 1, SHA256: strings.Repeat("0", 64)},
			Strip:   &File{Path: stripName(i), Size: knn.StripIndexSize(16000, 128), CRC32C: "00000000"}})
	}
	if err := p.cutTasks(8); err != nil {
		t.Fatal(err)
	}
	if err := p.check(); err != nil {
		t.Fatal(err)
	}
	for i, task := range p.Tasks {
		pc := task.Pieces
		if len(pc) != 1 || pc[0].Layer != i/2 {
			t.Fatalf("task %d: pieces %v, want one of layer %d", i, pc, i/2)
		}
		// Strip [0, c) costs c·m − c²/2: half the layer's m²/2 at
		// c = m(1 − 1/√2) ≈ 4686.
		if i%2 == 0 && (pc[0].Rows[1] < 4600 || pc[0].Rows[1] > 4780) {
			t.Errorf("task %d: first strip %v, want about [0, 4686)", i, pc[0].Rows)
		}
	}
	if got := p.pieceRows(p.Tasks[1].Pieces[0]); got != 16000-p.Tasks[1].Pieces[0].Rows[0] {
		t.Errorf("a strip's lists: %d rows", got)
	}
	p.Layers[2].Strip.Size++
	if err := p.check(); err == nil {
		t.Error("a strip file of the wrong size: accepted")
	}
}

// TestVerify: sumFile gives the known SHA-256 and CRC-32C of "123456789";
// Verify refuses a change of one byte (size kept) and of the size, by the
// CRC-32C, and by the SHA-256 in a plan that has no CRC-32C (an earlier
// version's).
func TestVerify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.bin")
	os.WriteFile(path, []byte("123456789"), 0o644)
	f, err := sumFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if f.Size != 9 || f.CRC32C != "e3069283" || f.SHA256 != "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225" {
		t.Fatalf("sumFile = %+v", f)
	}
	legacy := f
	legacy.CRC32C = ""
	for _, want := range []File{f, legacy} {
		p := &Plan{Inputs: []Input{{Spec: path, Files: []File{want}}}}
		if err := p.Verify(nil); err != nil {
			t.Fatalf("unchanged (crc %q): %v", want.CRC32C, err)
		}
		os.WriteFile(path, []byte("123456788"), 0o644)
		if err := p.Verify(nil); err == nil || !strings.Contains(err.Error(), "changed since the plan was made") {
			t.Fatalf("a byte changed (crc %q): %v", want.CRC32C, err)
		}
		os.WriteFile(path, []byte("1234567890"), 0o644)
		if err := p.Verify([]int{0}); err == nil || !strings.Contains(err.Error(), "size 10; the plan has 9") {
			t.Fatalf("longer (crc %q): %v", want.CRC32C, err)
		}
		os.WriteFile(path, []byte("123456789"), 0o644)
	}
}

// TestCheckInputSums: an input file needs a CRC-32C or a SHA-256 (or
// both), each of its length: a plan with neither, or with one of the
// wrong length, is not one Make writes.
func TestCheckInputSums(t *testing.T) {
	sha, crc := strings.Repeat("a", 64), "0123abcd"
	for _, c := range []struct {
		f  File
		ok bool
	}{
		{File{Path: "x", Size: 1, CRC32C: crc}, true},
		{File{Path: "x", Size: 1, SHA256: sha}, true},
		{File{Path: "x", Size: 1, SHA256: sha, CRC32C: crc}, true},
		{File{Path: "x", Size: 1}, false},
		{File{Path: "x", Size: 1, CRC32C: crc[:7]}, false},
		{File{Path: "x", Size: 1, SHA256: sha[:63], CRC32C: crc}, false},
		{File{Path: "x", Size: -1, CRC32C: crc}, false},
	} {
		p := &Plan{Kind: Kind, Version: Version, Mem: 1, Inputs: []Input{{Spec: "x", Files: []File{c.f}}},
			Layers: []Layer{{Rows: 3, Dim: 1, K: 2}}, Tasks: []Task{{Pieces: []Piece{{Layer: 0, Rows: [2]int{0, 3}}}}}}
		if err := p.check(); (err == nil) != c.ok {
			t.Errorf("%+v: check %v, want ok %v", c.f, err, c.ok)
		}
	}
}
