package plan

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/intdim/intdim/knn"
)

// fuzzSeedPlan is a plan of the shape Make writes: two brute-force layers
// and a pruned one cut into strips (its strip file with the CRC-32C of
// every piece), an input with CRC-32C, SHA-256 and status (FileStat), cut into three tasks.
func fuzzSeedPlan(t testing.TB) []byte {
	p := &Plan{Kind: Kind, Version: Version, Dir: "/data", Mem: 1 << 30, Args: []string{"--k=2"},
		Inputs: []Input{{Spec: "a.npy", Files: []File{{Path: "/data/a.npy", Size: 4096, CRC32C: "0badf00d",
			SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			Stat:   &FileStat{Inode: 1234567, Mtime: 1764668400123456789, Ctime: 1764668401987654321}}}}}}
	p.Layers = []Layer{
		{Name: "a", Rows: 40, Dim: 8, K: 2},
		{Name: "b", Rows: 30, Dim: 5, K: 2, Search: SearchBrute},
		{Name: "c", Rows: 600, Dim: 64, K: 2, Search: SearchPruned,
			Pruning: &File{Path: pruningName(2), Size: 1000, SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
	}
	strip := &File{Path: stripName(2), Size: knn.StripIndexSize(600, 3), CRC32C: "01234567", Chunk: minChunk}
	for range (strip.Size + minChunk - 1) / minChunk {
		strip.Chunks = append(strip.Chunks, "89abcdef")
	}
	p.Layers[2].Strip = strip
	if err := p.cutTasks(3); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzLoadPlan: Load reads any bytes as a plan without panicking, within
// its size bound; a plan it accepts passes check, and written back as
// JSON it loads again to the same plan (nothing Load accepts is lost or
// changed in a round trip).
func FuzzLoadPlan(f *testing.F) {
	seed := fuzzSeedPlan(f)
	f.Add(seed)
	if !bytes.Contains(seed, []byte(`"stat":{"inode":1234567,`)) {
		f.Fatal("the seed plan has no input status")
	}
	f.Add(bytes.Replace(seed, []byte(`"inode":1234567`), []byte(`"inode":-1`), 1))
	f.Add(bytes.Replace(seed, []byte(`"rows":40`), []byte(`"rows":-1`), 1))
	f.Add(bytes.Replace(seed, []byte(`"tasks":[`), []byte(`"tasks":[{"pieces":[{"layer":9,"rows":[0,1]}]},`), 1))
	f.Add([]byte(`{"kind":"intdim-plan","layers":[{"strip":{"chunk":4096,"crc32c_chunks":["0"]}}]}`))
	f.Add([]byte(`null`))
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "seed.json"), seed, 0o600); err != nil {
		f.Fatal(err)
	}
	if _, err := Load(filepath.Join(dir, "seed.json")); err != nil {
		f.Fatalf("the seed plan does not load: %v", err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "plan.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := Load(path)
		if err != nil {
			if p != nil {
				t.Fatalf("an error (%v) and a plan", err)
			}
			return
		}
		if err := p.check(); err != nil {
			t.Fatalf("Load accepted a plan check refuses: %v", err)
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, again, 0o600); err != nil {
			t.Fatal(err)
		}
		q, err := Load(path)
		if err != nil {
			t.Fatalf("a plan Load accepted does not load again: %v", err)
		}
		if back, _ := json.Marshal(q); !bytes.Equal(back, again) {
			t.Fatalf("round trip changed the plan:\n%s\n%s", again, back)
		}
	})
}
