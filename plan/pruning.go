package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/knn"
)

// maxPruningBytes bounds a pruning file (knn.Pruning's binary form: the
// centre and m ≤ 128 directions of d coordinates, float64, 8·(m + 1)·d
// bytes and a header; 1 GiB allows d of a million).
const maxPruningBytes = 1 << 30

// pruningName is the file name of layer i's pruning, in the plan's
// partial directory.
func pruningName(i int) string { return fmt.Sprintf("layer-%04d.pruning", i) }

// PruningPath returns the path of layer i's pruning file of the plan at
// path (PLAN.parts/layer-NNNN.pruning).
func PruningPath(path string, i int) string {
	return filepath.Join(PartsDir(path), pruningName(i))
}

// SideFiles returns the files the plan at path needs besides itself, to
// be written with it: the pruning of every pruned layer (Make keeps them).
func (p *Plan) SideFiles(path string) []atomicfile.File {
	var out []atomicfile.File
	for i, l := range p.Layers {
		if data, ok := p.prunings[i]; ok && l.pruned() {
			out = append(out, atomicfile.File{Path: PruningPath(path, i), Data: data})
		}
	}
	return out
}

// setPruning records pr as layer i's pruning.
func (p *Plan) setPruning(i int, pr *knn.Pruning) error {
	data, err := pr.MarshalBinary()
	if err != nil {
		return err
	}
	if len(data) > maxPruningBytes {
		return fmt.Errorf("layer %s: a pruning of %d bytes (at most %d)", p.Layers[i].Name, len(data), maxPruningBytes)
	}
	if p.prunings == nil {
		p.prunings = map[int][]byte{}
	}
	p.prunings[i] = data
	sum := sha256.Sum256(data)
	l := &p.Layers[i]
	l.Search, l.Pruning = SearchPruned, &File{Path: pruningName(i), Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	return nil
}

// loadPruning reads layer i's pruning file and checks it against the
// plan's size and SHA-256. (A pruning only decides which pairs the search
// rules out; knn.Pruning.UnmarshalBinary recomputes what its exactness
// rests on, so even a forged file that passes could only slow a task.)
func (p *Plan) loadPruning(i int) (*knn.Pruning, error) {
	want := p.Layers[i].Pruning
	path := PruningPath(p.path, i)
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: missing (written by intdim plan with the plan): make the plan again", path)
		}
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, want.Size+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sum := sha256.Sum256(data)
	if int64(len(data)) != want.Size || hex.EncodeToString(sum[:]) != want.SHA256 {
		return nil, fmt.Errorf("%s: changed since the plan was made: make the plan again", path)
	}
	var pr knn.Pruning
	if err := pr.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &pr, nil
}
