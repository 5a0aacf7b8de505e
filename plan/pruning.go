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

// stripChunk is the size of the pieces of a strip index file whose
// CRC-32C the plan records (File.Chunks): a reader checks the pieces it
// reads, a strip those of its positions' coordinates and the index's head
// and order (knn.StripIndexLayout), merge the head and the order.
var stripChunk int64 = 1 << 20

// Bounds of File.Chunk in a plan.
const (
	minChunk = 4 << 10
	maxChunk = 1 << 30
)

// chunkSums computes the CRC-32C of every size bytes written to it, and
// the CRC-32C of all of them from the pieces' (crcCombine), without a
// second pass over the bytes.
type chunkSums struct {
	size, n    int64 // piece size, bytes of the current piece so far
	cur, whole uint32
	sums       []string
}

func (c *chunkSums) Write(b []byte) (int, error) {
	m := len(b)
	for len(b) > 0 {
		take := min(int64(len(b)), c.size-c.n)
		c.cur = crc32.Update(c.cur, castagnoli, b[:take])
		c.n += take
		b = b[take:]
		if c.n == c.size {
			c.endPiece()
		}
	}
	return m, nil
}

// endPiece records the current piece's sum and adds it to the whole's.
func (c *chunkSums) endPiece() {
	c.whole = crcCombine(crc32.Castagnoli, c.whole, c.cur, c.n)
	c.sums, c.cur, c.n = append(c.sums, fmt.Sprintf("%08x", c.cur)), 0, 0
}

// done returns the sums, the last piece's included, and the CRC-32C of
// all the bytes written.
func (c *chunkSums) done() ([]string, uint32) {
	if c.n > 0 {
		c.endPiece()
	}
	return c.sums, c.whole
}

// writeStrip writes layer i's strip index beside the plan at path,
// atomically, and returns its File (size, CRC-32C, and the CRC-32C of
// every stripChunk bytes).
func writeStrip(path string, i int, si *knn.StripIndex) (*File, error) {
	if err := os.MkdirAll(PartsDir(path), 0o755); err != nil {
		return nil, err
	}
	chunks := &chunkSums{size: stripChunk}
	var size int64
	err := atomicfile.WriteFile(StripPath(path, i), func(w io.Writer) error {
		var err error
		size, err = si.WriteTo(io.MultiWriter(w, chunks))
		return err
	})
	if err != nil {
		return nil, err
	}
	sums, whole := chunks.done()
	return &File{Path: stripName(i), Size: size, CRC32C: fmt.Sprintf("%08x", whole), Chunk: stripChunk, Chunks: sums}, nil
}

// chunksOK reports whether the strip file's pieces are well formed: a size
// within bounds and one sum of 8 hex digits for every piece (or none, in
// plans of earlier versions).
func (f *File) chunksOK() bool {
	if f.Chunk == 0 && f.Chunks == nil {
		return true
	}
	if f.Chunk < minChunk || f.Chunk > maxChunk || int64(len(f.Chunks)) != (f.Size+f.Chunk-1)/f.Chunk {
		return false
	}
	for _, c := range f.Chunks {
		if len(c) != 8 {
			return false
		}
	}
	return true
}

// checkRanges checks the CRC-32C of the pieces of the strip file's bytes
// data that the byte ranges [r[0], r[1]) touch, against the plan's; the
// whole file's CRC-32C in a plan without pieces.
func (f *File) checkRanges(data []byte, ranges ...[2]int64) bool {
	if f.Chunks == nil {
		return crcHex(data) == f.CRC32C
	}
	checked := make(map[int64]bool)
	for _, r := range ranges {
		if r[0] >= r[1] {
			continue
		}
		for c := r[0] / f.Chunk; c*f.Chunk < r[1]; c++ {
			if checked[c] {
				continue
			}
			end := min((c+1)*f.Chunk, int64(len(data)))
			if crcHex(data[c*f.Chunk:end]) != f.Chunks[c] {
				return false
			}
			checked[c] = true
		}
	}
	return true
}

// openStrip maps layer i's strip index file (all its pages at once when
// populate: the caller reads most of them), or reads it where it cannot,
// once its size is the plan's. release (never nil) lets it go.
func (p *Plan) openStrip(i int, populate bool) (data []byte, release func(), err error) {
	release = func() {}
	want := p.Layers[i].Strip
	path := StripPath(p.path, i)
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, release, p.stripChanged(i) // a pipe or device would block the open
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
		return nil, release, p.stripChanged(i)
	}
	data, unmap, ok := mapFile(f, want.Size, populate)
	if ok {
		return data, unmap, nil
	}
	data = make([]byte, want.Size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, release, fmt.Errorf("%s: %w", path, err)
	}
	return data, release, nil
}

func (p *Plan) stripChanged(i int) error {
	return fmt.Errorf("%s: changed since the plan was made: make the plan again", StripPath(p.path, i))
}

// loadStrip reads layer i's strip index for strips of positions from
// `from` on and checks what they read against the plan: the size, then the
// CRC-32C of the pieces of the file that hold the index's head (header,
// norms, bounds), the coordinates of the positions from `from` on and the
// order (knn.StripIndexLayout: SearchStripPruned from `from` reads no
// other coordinate), or of the whole file in a plan without pieces (see
// Verify for what a CRC-32C guarantees; the index's bounds and coordinates
// are what the pruned strips' exactness rests on). The index is read in
// place from the file's pages where it can be: release (never nil) lets
// them go once the index is no longer used.
func (p *Plan) loadStrip(i, from int) (si *knn.StripIndex, release func(), err error) {
	data, release, err := p.openStrip(i, true)
	if err != nil {
		return nil, release, err
	}
	fail := func(err error) (*knn.StripIndex, func(), error) {
		release()
		return nil, func() {}, err
	}
	l := p.Layers[i]
	coords, order := knn.StripIndexLayout(l.Rows, l.stripDirs())
	from = min(max(from, 0), l.Rows)
	if !l.Strip.checkRanges(data, [2]int64{0, coords}, [2]int64{coords + 8*int64(from)*int64(l.stripDirs()), order}, [2]int64{order, l.Strip.Size}) {
		return fail(p.stripChanged(i))
	}
	if si, err = knn.ReadStripIndex(data); err != nil {
		return fail(fmt.Errorf("%s: %v", StripPath(p.path, i), err))
	}
	if si.N() != l.Rows {
		return fail(fmt.Errorf("%s: an index of %d rows for a layer of %d", StripPath(p.path, i), si.N(), l.Rows))
	}
	return si, release, nil
}

// loadOrder returns the order of layer i's strip index (the row at each
// position: what merge needs of it), checking its header and order as
// loadStrip does (their pieces, not the coordinates').
func (p *Plan) loadOrder(i int) ([]int32, error) {
	data, release, err := p.openStrip(i, false)
	if err != nil {
		return nil, err
	}
	defer release()
	l := p.Layers[i]
	coords, order := knn.StripIndexLayout(l.Rows, l.stripDirs())
	if !l.Strip.checkRanges(data, [2]int64{0, coords}, [2]int64{order, l.Strip.Size}) {
		return nil, p.stripChanged(i)
	}
	perm, err := knn.StripOrder(data) // its own memory, not the file's pages
	if err != nil {
		return nil, fmt.Errorf("%s: %v", StripPath(p.path, i), err)
	}
	if len(perm) != l.Rows {
		return nil, fmt.Errorf("%s: an index of %d rows for a layer of %d", StripPath(p.path, i), len(perm), l.Rows)
	}
	return perm, nil
}
