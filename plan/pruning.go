package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
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
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: changed since the plan was made (not a regular file): make the plan again", path)
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: missing (written by intdim plan with the plan): make the plan again", path)
		}
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() != want.Size {
		// Not the plan's size: refused before a buffer of that size.
		return nil, fmt.Errorf("%s: changed since the plan was made: make the plan again", path)
	}
	// The plan's size, read at once (one buffer, not ReadAll's growing
	// ones), and one byte more to tell a file grown since the Stat.
	data := make([]byte, want.Size+1)
	n, err := io.ReadFull(f, data)
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	data = data[:n]
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

// maxStripBytes bounds a strip index file (knn.StripIndex's binary form:
// 4 + 16 + 8·M bytes a row, M ≤ 256 directions).
const maxStripBytes = 1 << 42

// stripName is the file name of layer i's strip index, in the plan's
// partial directory.
func stripName(i int) string { return fmt.Sprintf("layer-%04d.strip", i) }

// StripPath returns the path of layer i's strip index file of the plan at
// path (PLAN.parts/layer-NNNN.strip).
func StripPath(path string, i int) string {
	return filepath.Join(PartsDir(path), stripName(i))
}

// RemoveStrips removes the strip index files Make wrote beside the plan
// at path (for a plan that could not be written after all).
func (p *Plan) RemoveStrips(path string) {
	for i, l := range p.Layers {
		if l.Strip != nil {
			os.Remove(StripPath(path, i))
		}
	}
}

// stripDirs returns the directions of the layer's strip index, from its
// size; 0 when the size is not that of an index of the layer's rows.
func (l Layer) stripDirs() int {
	if l.Strip == nil || l.Rows < 2 || l.Strip.Size > maxStripBytes {
		return 0
	}
	base := knn.StripIndexSize(l.Rows, 0)
	dirs := (l.Strip.Size - base) / (8 * int64(l.Rows))
	if dirs < 1 || dirs > knn.MaxPruningDims || knn.StripIndexSize(l.Rows, int(dirs)) != l.Strip.Size {
		return 0
	}
	return int(dirs)
}

// writeStrip writes layer i's strip index beside the plan at path,
// atomically, and returns its File (size and CRC-32C).
func writeStrip(path string, i int, si *knn.StripIndex) (*File, error) {
	if err := os.MkdirAll(PartsDir(path), 0o755); err != nil {
		return nil, err
	}
	crc := crc32.New(castagnoli)
	var size int64
	err := atomicfile.WriteFile(StripPath(path, i), func(w io.Writer) error {
		var err error
		size, err = si.WriteTo(io.MultiWriter(w, crc))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &File{Path: stripName(i), Size: size, CRC32C: fmt.Sprintf("%08x", crc.Sum32())}, nil
}

// loadStrip reads layer i's strip index and checks it against the plan's
// size and CRC-32C (see Verify for what that guarantees; the index's
// bounds and coordinates are what the pruned strips' exactness rests on).
// The index is read in place from the file's pages where it can be:
// release (never nil) lets them go once the index is no longer used.
func (p *Plan) loadStrip(i int) (si *knn.StripIndex, release func(), err error) {
	release = func() {}
	want := p.Layers[i].Strip
	path := StripPath(p.path, i)
	changed := fmt.Errorf("%s: changed since the plan was made: make the plan again", path)
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, release, changed // a pipe or device would block the open
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, release, fmt.Errorf("%s: missing (written by intdim plan with the plan): make the plan again", path)
		}
		return nil, release, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, release, err
	}
	if !st.Mode().IsRegular() || st.Size() != want.Size {
		return nil, release, changed
	}
	data, unmap, ok := mapFile(f, want.Size)
	if ok {
		release = unmap
	} else {
		data = make([]byte, want.Size)
		if _, err := io.ReadFull(f, data); err != nil {
			return nil, release, fmt.Errorf("%s: %w", path, err)
		}
	}
	fail := func(err error) (*knn.StripIndex, func(), error) {
		release()
		return nil, func() {}, err
	}
	if fmt.Sprintf("%08x", crc32.Checksum(data, castagnoli)) != want.CRC32C {
		return fail(changed)
	}
	if si, err = knn.ReadStripIndex(data); err != nil {
		return fail(fmt.Errorf("%s: %v", path, err))
	}
	if si.N() != p.Layers[i].Rows {
		return fail(fmt.Errorf("%s: an index of %d rows for a layer of %d", path, si.N(), p.Layers[i].Rows))
	}
	return si, release, nil
}
