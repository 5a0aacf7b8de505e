package plan

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/intdim/intdim/knn"
)

// A partial file holds the neighbours of the pieces of one task, little
// endian:
//
//	magic    "IDIMPART"
//	version  uint32 (1)
//	task     uint32, the task's index
//	plan     [32]byte, SHA-256 of the plan file
//	pieces   uint32, then per piece: layer, r0, r1, k (uint32 each)
//	payload  uint64, its length in bytes
//	sum      [32]byte, SHA-256 of the payload
//	payload: per piece, the strip of knn.SearchStrip(rows, k, r0, r1):
//	         (N − r0)·k int32 neighbour indices (rows of the layer of N
//	         rows, −1 for padding), then as many float64 distances; in a
//	         pruned layer with a strip index (Layer.Strip), the same for
//	         the strip of positions [r0, r1) of the index's order,
//	         knn.SearchStripPruned, lists by position; in a pruned layer
//	         without (Layer.Search), the lists of the block,
//	         knn.SearchBlock(rows, k, r0, r1, pruning): (r1 − r0)·k
//	         indices, then distances
//
// Every field must agree with the plan; the plan, not the file, gives the
// sizes, so a file cannot make a reader allocate more than the plan says.
const (
	partMagic   = "IDIMPART"
	partVersion = 1
)

// headerSize is the size of the header of a partial of task t.
func headerSize(t Task) int64 { return 8 + 4 + 4 + 32 + 4 + 16*int64(len(t.Pieces)) + 8 + 32 }

// payloadSize is the size of the payload of task t of p.
func (p *Plan) payloadSize(t Task) int64 {
	var s int64
	for _, pc := range t.Pieces {
		s += p.pieceSize(pc)
	}
	return s
}

// pieceSize is the size of the lists of a piece: (N − r0)·k entries for
// a strip, (r1 − r0)·k for a pruned layer's block (pieceRows).
func (p *Plan) pieceSize(pc Piece) int64 {
	return int64(p.pieceRows(pc)) * int64(p.Layers[pc.Layer].K) * 12
}

// header returns the header of task i's partial with the payload's sum.
func (p *Plan) header(i int, sum [32]byte) []byte {
	t := p.Tasks[i]
	var b bytes.Buffer
	b.WriteString(partMagic)
	w := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	w(uint32(partVersion))
	w(uint32(i))
	b.Write(p.sum[:])
	w(uint32(len(t.Pieces)))
	for _, pc := range t.Pieces {
		w([4]uint32{uint32(pc.Layer), uint32(pc.Rows[0]), uint32(pc.Rows[1]), uint32(p.Layers[pc.Layer].K)})
	}
	w(uint64(p.payloadSize(t)))
	b.Write(sum[:])
	return b.Bytes()
}

// encodePayload returns the payload of the graphs of task i's pieces.
func encodePayload(graphs []*knn.Graph) []byte {
	var n int
	for _, g := range graphs {
		n += len(g.Index) * 12
	}
	out := make([]byte, 0, n)
	for _, g := range graphs {
		for _, v := range g.Index {
			out = binary.LittleEndian.AppendUint32(out, uint32(v))
		}
		for _, v := range g.Dist {
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
		}
	}
	return out
}

// PartError says why a task's partial cannot be merged.
type PartError struct {
	Task int
	Path string
	Err  error
}

func (e *PartError) Error() string { return fmt.Sprintf("task %d: %s: %v", e.Task, e.Path, e.Err) }
func (e *PartError) Unwrap() error { return e.Err }

// ErrMissing is wrapped by a PartError for a partial that does not exist.
var ErrMissing = errors.New("missing")

// CheckPart verifies task i's partial beside the plan: present, a regular file of exactly the size the plan
// gives, a header that agrees with the plan, and a payload whose SHA-256 is
// the header's. It reads the file once, in bounded memory.
func (p *Plan) CheckPart(i int) error {
	part := PartPath(p.path, i)
	fail := func(err error) error { return &PartError{Task: i, Path: part, Err: err} }
	f, err := os.Open(part)
	if errors.Is(err, os.ErrNotExist) {
		return fail(ErrMissing)
	}
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if !st.Mode().IsRegular() {
		return fail(errors.New("not a regular file"))
	}
	t := p.Tasks[i]
	hs, ps := headerSize(t), p.payloadSize(t)
	if st.Size() != hs+ps {
		return fail(fmt.Errorf("%d bytes, the plan gives this task %d", st.Size(), hs+ps))
	}
	head := make([]byte, hs)
	if _, err := io.ReadFull(f, head); err != nil {
		return fail(err)
	}
	var sum [32]byte
	copy(sum[:], head[hs-32:])
	want := p.header(i, sum)
	if !bytes.Equal(head, want) {
		return fail(headerDiff(head, want))
	}
	h := sha256.New()
	if _, err := io.Copy(h, bufio.NewReader(f)); err != nil {
		return fail(err)
	}
	if !bytes.Equal(h.Sum(nil), sum[:]) {
		return fail(errors.New("payload checksum mismatch (corrupt)"))
	}
	return nil
}

// headerDiff names the first field in which a header differs from the
// plan's.
func headerDiff(got, want []byte) error {
	switch {
	case !bytes.Equal(got[:8], want[:8]):
		return errors.New("not an intdim partial file")
	case !bytes.Equal(got[8:12], want[8:12]):
		return fmt.Errorf("partial format version %d, want %d", binary.LittleEndian.Uint32(got[8:]), partVersion)
	case !bytes.Equal(got[12:16], want[12:16]):
		return fmt.Errorf("written for task %d", binary.LittleEndian.Uint32(got[12:]))
	case !bytes.Equal(got[16:48], want[16:48]):
		return errors.New("written for another plan (the plan changed since)")
	}
	return errors.New("its pieces differ from the plan's")
}

// readPiece reads the strip of the piece pc of task i from its partial and
// merges it into g, the graph of the piece's layer (knn.Graph.MergeStrip;
// MergeRows with the rows perm[r0:] of a pruned strip's positions, perm
// being the layer's strip index order, nil otherwise), after checking
// that every entry is a row of the layer other than the row itself, or
// padding (−1, +Inf), with distances non-negative and ascending.
func (p *Plan) readPiece(i int, pc Piece, g *knn.Graph, perm []int32) error {
	part := PartPath(p.path, i)
	t := p.Tasks[i]
	off := headerSize(t)
	for _, q := range t.Pieces {
		if q == pc {
			break
		}
		off += p.pieceSize(q)
	}
	f, err := os.Open(part)
	if err != nil {
		return &PartError{Task: i, Path: part, Err: err}
	}
	defer f.Close()
	k, a := g.K, pc.Rows[0]
	n := p.pieceRows(pc)
	buf := make([]byte, int64(n)*int64(k)*12)
	if _, err := f.ReadAt(buf, off); err != nil {
		return &PartError{Task: i, Path: part, Err: err}
	}
	s := &knn.Graph{N: n, K: k, Index: make([]int32, n*k), Dist: make([]float64, n*k)}
	for j := range s.Index {
		s.Index[j] = int32(binary.LittleEndian.Uint32(buf[4*j:]))
	}
	db := buf[4*len(s.Index):]
	for j := range s.Dist {
		s.Dist[j] = math.Float64frombits(binary.LittleEndian.Uint64(db[8*j:]))
	}
	bad := func(row int, why string) error {
		return &PartError{Task: i, Path: part, Err: fmt.Errorf("row %d: %s", row, why)}
	}
	for r := range n {
		row := a + r
		if perm != nil {
			row = int(perm[a+r])
		}
		prev, pad := 0.0, false
		for j := r * k; j < (r+1)*k; j++ {
			v, d := s.Index[j], s.Dist[j]
			switch {
			case v == -1 && math.IsInf(d, 1):
				pad = true
				continue
			case pad || v < 0 || int(v) >= g.N || int(v) == row:
				return bad(row, fmt.Sprintf("neighbour %d is not another row of the layer's %d", v, g.N))
			case !(d >= prev) || math.IsInf(d, 0):
				return bad(row, "distances not finite and ascending")
			}
			prev = d
		}
	}
	if perm != nil {
		g.MergeRows(perm[a:a+n], s)
		return nil
	}
	g.MergeStrip(a, s)
	return nil
}
