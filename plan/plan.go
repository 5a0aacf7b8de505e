// Package plan cuts the exact neighbour search of a profile into
// independent tasks that a cluster scheduler runs (a Slurm job array, a
// Kubernetes Indexed Job), and merges their partial results into exactly
// the profile one machine gives (docs/DESIGN.md §7).
//
// A task is a list of pieces, each a block of rows [r0, r1) of one layer:
// the task computes, with knn.SearchStrip, the strip of the block, the
// nearest neighbours of its rows among the rows from r0 on and of the later
// rows among the block's, so that every pair of rows is computed once, as
// in the layer's one search (estimate.Prepare gives the rows: rescaled,
// normalised, duplicates collapsed). The strips of a layer merge
// (knn.Graph.MergeStrip) into knn.Search's graph bit for bit, so the
// profile (pipeline.Profile with Options.Search reading the pieces) is the
// profile. Where profile's search would prune (knn.PlanSearch under the
// options' --search), plan chooses the projection once (on fewer
// directions than profile may: stripDirections) and writes it beside
// the plan with the layer's strip index (knn.NewStripIndex: the rows'
// coordinates, tree order and seeding bounds, what the one pruned search
// computes once), and a piece is a strip of positions in that order
// (knn.SearchStripPruned, each pair once, merged with knn.Graph.MergeRows);
// a plan made without the index (MakeOptions.Out empty) searches a pruned
// piece's block of rows against all rows (knn.SearchBlock);
// where it would use the k-d tree, a piece is its block searched with the
// tree of all rows (knn.SearchBlockTree). knn.ChooseSearch decides as
// knn.Search does.
//
// Files: the plan is JSON (kind "intdim-plan"); each task writes its
// partial, PLAN.parts/task-NNNN.bin (see Partial), atomically. A partial
// names the SHA-256 of the plan it belongs to, so a partial of another plan
// is never merged.
package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/intdim/intdim/tensorio"
)

// Kind and Version identify a plan document.
const (
	Kind    = "intdim-plan"
	Version = 1
)

// MaxPlanBytes bounds the size of a plan file read by Load.
const MaxPlanBytes = 64 << 20

// Plan is a profile cut into tasks.
type Plan struct {
	Kind    string `json:"kind"`
	Version int    `json:"version"`
	// Dir is the working directory the plan was made in: relative INPUT
	// specs are read from it.
	Dir string `json:"dir"`
	// Inputs are the profile's INPUT specs, in order, with the files
	// they read and their checksums.
	Inputs []Input `json:"inputs"`
	// Args are the options of 'intdim profile' the profile is made with
	// (--name=value); Mem the memory budget in bytes (--mem).
	Args []string `json:"args"`
	Mem  int64    `json:"mem"`
	// Layers are the profile's layers, in order.
	Layers []Layer `json:"layers"`
	Tasks  []Task  `json:"tasks"`

	path     string         // the file Load read
	sum      [32]byte       // SHA-256 of its bytes
	prunings map[int][]byte // Make: the pruning files of the layers (SideFiles)
}

// Path returns the path the plan was loaded from.
func (p *Plan) Path() string { return p.path }

// Input is one INPUT spec and the files it reads.
type Input struct {
	Spec  string `json:"spec"`
	Files []File `json:"files"`
}

// File is an input file with its size, CRC-32C and, when the plan was
// made with MakeOptions.SHA256 (intdim plan --sha256), SHA-256 (hex). The
// SHA-256 names the file's contents (sha256sum gives the same); run-task
// and merge check the size and the CRC-32C (Verify), or the SHA-256 in a
// plan of an earlier version, which has no CRC-32C. A file has at least
// one of the two.
//
// An input file also has its FileStat where the system gives one and the
// file was last changed at least statage.Min (60 s) before the plan: a file whose
// status is still that one has not changed, and run-task and merge do not
// read it to check it (Verify).
//
// A strip index file also has the CRC-32C of every Chunk bytes of it (the
// last piece shorter), Chunks, so that a reader checks the pieces it
// reads (loadStrip, loadOrder); plans of earlier versions have none, and
// their strip files are checked whole.
type File struct {
	Path   string    `json:"path"`
	Size   int64     `json:"size"`
	SHA256 string    `json:"sha256,omitempty"`
	CRC32C string    `json:"crc32c,omitempty"`
	Chunk  int64     `json:"chunk,omitempty"`
	Chunks []string  `json:"crc32c_chunks,omitempty"`
	Stat   *FileStat `json:"stat,omitempty"`
}

// Layer is one layer of the profile. Rows is the number of rows searched
// (the points left once duplicates are collapsed) and K the neighbours
// each needs; both are 0 when the layer needs no search (it fails before
// it, or its method needs none).
//
// Search is how the tasks search the layer, as profile would
// (knn.PlanSearch under the plan's --search): "brute" (or empty, in plans
// of earlier versions), a piece is the strip of its block
// (knn.SearchStrip, each pair of rows once); "pruned", a piece is its
// block of rows searched against all rows (knn.SearchBlock) with the
// projection profile's pruned search would choose, written once by plan
// to the file Pruning (in PLAN.parts, with its size and SHA-256); "tree",
// its block searched against all rows with the k-d tree
// (knn.SearchBlockTree). A pruned layer with a Strip file (the
// knn.StripIndex plan computed: the rows' coordinates, their order in the
// seeding tree and their seeding bounds, with its size and CRC-32C) is cut
// into strips of positions in that order instead (knn.SearchStripPruned,
// each pair of rows once, no row projected again): a piece's rows are
// positions, and its lists those of the positions from its first on.
type Layer struct {
	Name    string `json:"name"`
	Input   int    `json:"input"` // index in Plan.Inputs
	Rows    int    `json:"rows"`
	Dim     int    `json:"dim"`
	K       int    `json:"k"`
	Search  string `json:"search,omitempty"`
	Pruning *File  `json:"pruning,omitempty"`
	Strip   *File  `json:"strip,omitempty"`
	// Checked says the layer's rows passed every check when the plan was
	// made (finite; no duplicate to collapse): run-task and merge, once
	// the input's checksum is verified, do not check them again
	// (pipeline.Options.Checked).
	Checked bool `json:"checked,omitempty"`

	cost float64 // Make: pruned search time relative to brute force
}

// Search modes of a Layer.
const (
	SearchBrute  = "brute"
	SearchPruned = "pruned"
	SearchTree   = "tree"
)

// pruned reports whether the layer's pieces are blocks searched against
// all rows with a projection (Layer.Search).
func (l Layer) pruned() bool { return l.Search == SearchPruned }

// blocks reports whether the layer's pieces are blocks searched against
// all rows (pruned without a strip index, or with the k-d tree), not
// strips.
func (l Layer) blocks() bool { return (l.pruned() && l.Strip == nil) || l.Search == SearchTree }

// strips reports whether the layer's pieces are pruned strips of
// positions (Layer.Strip).
func (l Layer) strips() bool { return l.pruned() && l.Strip != nil }

// pieceRows returns the rows of the lists a piece computes: its block's
// when searched in blocks, else its strip's (the rows from its first on).
func (p *Plan) pieceRows(pc Piece) int {
	if l := p.Layers[pc.Layer]; !l.blocks() {
		return l.Rows - pc.Rows[0]
	}
	return pc.N()
}

// Task is a list of pieces.
type Task struct {
	Pieces []Piece `json:"pieces"`
}

// Piece is the block of rows [Rows[0], Rows[1]) of a layer: its task
// computes the strip of the block (knn.SearchStrip), the neighbours of
// the block's rows among the rows from Rows[0] on, and of the later rows
// among the block's, so that every pair of rows is computed once; in a
// pruned layer with a strip index (Layer.Strip) the same for the
// positions [Rows[0], Rows[1]) of the index's order
// (knn.SearchStripPruned); in a pruned layer without one (Layer.Search),
// the neighbours of the block's rows among all rows (knn.SearchBlock).
type Piece struct {
	Layer int    `json:"layer"`
	Rows  [2]int `json:"rows"`
}

// N returns the number of query rows of the piece.
func (p Piece) N() int { return p.Rows[1] - p.Rows[0] }

// Load reads and checks the plan at path. Errors name the file.
func Load(path string) (*Plan, error) {
	p, _, err := load(path)
	return p, err
}

func load(path string) (*Plan, [32]byte, error) {
	var sum [32]byte
	st, err := os.Stat(path)
	if err != nil {
		return nil, sum, err
	}
	if !st.Mode().IsRegular() {
		return nil, sum, fmt.Errorf("%s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, sum, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxPlanBytes+1))
	if err != nil {
		return nil, sum, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxPlanBytes {
		return nil, sum, fmt.Errorf("%s: larger than %d MiB: not a plan", path, MaxPlanBytes>>20)
	}
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, sum, fmt.Errorf("%s: not an intdim plan: %v", path, err)
	}
	if err := p.check(); err != nil {
		return nil, sum, fmt.Errorf("%s: %w", path, err)
	}
	p.path, p.sum = path, sha256.Sum256(data)
	return &p, p.sum, nil
}

// maxRows bounds a layer's rows and maxK its neighbours in a plan: beyond
// them a plan is not one intdim writes.
const (
	maxRows = 1<<31 - 1 // neighbour indices are stored as int32
	maxK    = 1 << 20
	// maxPartBytes bounds the partial file of one task (1 PiB).
	maxPartBytes = 1 << 50
)

// check verifies that the plan is one Make could have written: known kind
// and version, pieces covering the rows of every searched layer exactly
// once, in order.
func (p *Plan) check() error {
	if p.Kind != Kind {
		return fmt.Errorf("kind %q: not an intdim plan", p.Kind)
	}
	if p.Version != Version {
		return fmt.Errorf("plan version %d: this intdim reads version %d", p.Version, Version)
	}
	if len(p.Tasks) == 0 {
		return errors.New("no tasks")
	}
	if p.Mem <= 0 {
		return fmt.Errorf("memory budget %d: not positive", p.Mem)
	}
	for i, in := range p.Inputs {
		for _, f := range in.Files {
			if (f.SHA256 != "" && len(f.SHA256) != 64) || (f.CRC32C != "" && len(f.CRC32C) != 8) ||
				(f.SHA256 == "" && f.CRC32C == "") || f.Size < 0 || f.Chunk != 0 || f.Chunks != nil {
				return fmt.Errorf("input %d (%s): bad checksum or size for %s", i, in.Spec, f.Path)
			}
		}
	}
	next := make([]int, len(p.Layers)) // next row expected of each layer
	for i, l := range p.Layers {
		if l.Input < 0 || l.Input >= len(p.Inputs) {
			return fmt.Errorf("layer %d: input %d out of range", i, l.Input)
		}
		if l.Rows < 0 || l.Rows > maxRows || l.K < 0 || l.K > maxK || (l.K > 0 && l.K >= l.Rows) || l.Dim < 0 {
			return fmt.Errorf("layer %d: %d rows, %d neighbours: impossible", i, l.Rows, l.K)
		}
		switch {
		case l.Search != "" && l.Search != SearchBrute && l.Search != SearchPruned && l.Search != SearchTree:
			return fmt.Errorf("layer %d: search %q (want %s, %s or %s)", i, l.Search, SearchBrute, SearchPruned, SearchTree)
		case l.pruned() != (l.Pruning != nil):
			return fmt.Errorf("layer %d: a pruned search names its pruning file, and only it", i)
		case l.Pruning != nil && (l.Pruning.Path != pruningName(i) || len(l.Pruning.SHA256) != 64 || l.Pruning.Size <= 0 || l.Pruning.Size > maxPruningBytes):
			return fmt.Errorf("layer %d: bad pruning file, checksum or size", i)
		case l.Strip != nil && (!l.pruned() || l.Strip.Path != stripName(i) || len(l.Strip.CRC32C) != 8 || l.stripDirs() < 1 || !l.Strip.chunksOK()):
			return fmt.Errorf("layer %d: bad strip file, checksum or size", i)
		case l.pruned() && l.K == 0, l.blocks() && l.K == 0:
			return fmt.Errorf("layer %d: %s, but not searched", i, l.Search)
		}
	}
	for t, task := range p.Tasks {
		if len(task.Pieces) == 0 {
			return fmt.Errorf("task %d: no pieces", t)
		}
		var bytes float64 // of the task's partial
		for _, pc := range task.Pieces {
			if pc.Layer >= 0 && pc.Layer < len(p.Layers) {
				l := p.Layers[pc.Layer]
				rows := l.Rows - pc.Rows[0]
				if l.blocks() {
					rows = pc.N()
				}
				bytes += float64(rows) * float64(l.K) * 12
			}
		}
		if bytes > maxPartBytes {
			return fmt.Errorf("task %d: a partial of %.3g bytes: impossible", t, bytes)
		}
		for _, pc := range task.Pieces {
			if pc.Layer < 0 || pc.Layer >= len(p.Layers) {
				return fmt.Errorf("task %d: layer %d out of range", t, pc.Layer)
			}
			l := p.Layers[pc.Layer]
			if l.K == 0 || pc.Rows[0] != next[pc.Layer] || pc.Rows[1] <= pc.Rows[0] || pc.Rows[1] > l.Rows {
				return fmt.Errorf("task %d: piece rows [%d, %d) of layer %d do not follow the layer's previous piece", t, pc.Rows[0], pc.Rows[1], pc.Layer)
			}
			next[pc.Layer] = pc.Rows[1]
		}
	}
	for i, l := range p.Layers {
		if next[i] != l.Rows && l.K > 0 {
			return fmt.Errorf("layer %d: the tasks cover %d of its %d rows", i, next[i], l.Rows)
		}
	}
	return nil
}

// PartsDir returns the directory of the partial files of the plan at
// path: PLAN.parts beside it (PLAN without its .json extension).
func PartsDir(path string) string {
	base := strings.TrimSuffix(path, filepath.Ext(path))
	if base == path || filepath.Base(base) == "" {
		base = path
	}
	return base + ".parts"
}

// PartPath returns the path of task i's partial file.
func PartPath(path string, i int) string {
	return filepath.Join(PartsDir(path), fmt.Sprintf("task-%04d.bin", i))
}

// Encode writes the plan as indented JSON.
func (p *Plan) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// castagnoli is the CRC-32C table (hardware CRC32 instructions where the
// CPU has them).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crcHex is the CRC-32C of b as a plan records it: 8 hex digits.
func crcHex(b []byte) string { return crcHex32(crc32.Checksum(b, castagnoli)) }

// crcHex32 is a CRC-32C as a plan records it.
func crcHex32(c uint32) string { return fmt.Sprintf("%08x", c) }

// hashPiece is the bytes sumFile gives its hashes at a time: small
// enough to stay in the core's cache between them.
const hashPiece = 128 << 10

// sumFile returns the size and CRC-32C (hex) of the file at path, and its
// SHA-256 when withSHA, read once.
func sumFile(path string, withSHA bool) (File, error) {
	// A named pipe or device would block the open: refuse it first.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return File{}, fmt.Errorf("%s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	start := time.Now()
	st, err := f.Stat()
	if err != nil {
		return File{}, err
	}
	if !st.Mode().IsRegular() {
		return File{}, fmt.Errorf("%s: not a regular file", path)
	}
	c := crc32.New(castagnoli)
	var w io.Writer = c
	h := sha256.New()
	if withSHA {
		w = io.MultiWriter(h, c)
	}
	var n int64
	if data, release, ok := mapFile(f, st.Size(), true); ok {
		// The page cache's pages, not a copy of them, a cache-sized
		// piece at a time: the CRC-32C reads each piece from the cache
		// after the SHA-256 (one pass over memory, not two: 45 against
		// 67 CPU ms for both sums of a 64 MiB file here).
		for len(data[n:]) > 0 {
			c := min(len(data[n:]), hashPiece)
			w.Write(data[n : n+int64(c)])
			n += int64(c)
		}
		release()
	} else if n, err = io.CopyBuffer(w, f, make([]byte, hashPiece)); err != nil {
		return File{}, fmt.Errorf("%s: %w", path, err)
	}
	out := File{Path: path, Size: n, CRC32C: crcHex32(c.Sum32())}
	if after, err := f.Stat(); err == nil && after.Size() == n {
		out.Stat = stable(st, after, start)
	}
	if withSHA {
		out.SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	return out, nil
}

// Verify checks the checksums of the files of the inputs listed (all of
// them when inputs is nil): a file changed since the plan was made is an
// error that names it.
//
// The check is the size and the CRC-32C, not the SHA-256: every task and
// the merge read their inputs again, and SHA-256 (≈ 1.3 GB per CPU second
// here) cost each of them as much as reading and preparing the layer,
// CRC-32C (hardware instructions, ≈ 10 GB/s) a tenth of it. What it
// guarantees: a change that keeps the size is missed with probability
// 2⁻³² if it is random (a file regenerated, overwritten, truncated and
// padded), and never if it is a burst of at most 32 bits (a flipped byte).
// It is no defence against a deliberate forgery — but whoever can rewrite
// the inputs can rewrite the plan and its checksums too. A plan of an
// earlier version, with no CRC-32C, is checked by its SHA-256. A file
// whose status is the one the plan recorded (File.Stat: inode, size,
// mtime and ctime) has not changed since its checksums were taken and is
// not read (FileStat says what that check sees).
func (p *Plan) Verify(inputs []int) error { return p.verify(inputs, nil) }

// verify is Verify without the files in done (checked already, loadCheck).
func (p *Plan) verify(inputs []int, done map[string]bool) error {
	if inputs == nil {
		for i := range p.Inputs {
			inputs = append(inputs, i)
		}
	}
	for _, i := range inputs {
		for _, want := range p.Inputs[i].Files {
			if done[want.Path] {
				continue
			}
			if st, err := openStat(want.Path); err == nil && st.Mode().IsRegular() && st.Size() != want.Size {
				return fmt.Errorf("%s: changed since the plan was made (size %d; the plan has %d): make the plan again",
					want.Path, st.Size(), want.Size)
			} else if err == nil && unchanged(want, st) {
				continue
			}
			got, err := sumFile(want.Path, want.CRC32C == "")
			if err != nil {
				return fmt.Errorf("input %s: %w", p.Inputs[i].Spec, err)
			}
			switch {
			case got.Size != want.Size:
				return sizeChanged(want, got.Size)
			case want.CRC32C != "" && got.CRC32C != want.CRC32C:
				return crcChanged(want, got.CRC32C)
			case want.CRC32C == "" && got.SHA256 != want.SHA256:
				return fmt.Errorf("%s: changed since the plan was made (SHA-256 %.12s…; the plan has %.12s…): make the plan again",
					want.Path, got.SHA256, want.SHA256)
			}
		}
	}
	return nil
}

// openStat returns the status of the regular file at path as the open
// file gives it (fstat), not os.Stat's: NFS may answer a stat from its
// attribute cache, while an open revalidates it (close-to-open
// consistency). A file that is not regular (a pipe would block the open)
// has os.Stat's status.
func openStat(path string) (fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return st, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}

func sizeChanged(want File, size int64) error {
	return fmt.Errorf("%s: changed since the plan was made (size %d; the plan has %d): make the plan again", want.Path, size, want.Size)
}

func crcChanged(want File, crc string) error {
	return fmt.Errorf("%s: changed since the plan was made (CRC-32C %s; the plan has %s): make the plan again", want.Path, crc, want.CRC32C)
}

// loadCheck returns a pipeline.Options.Loaded for run-task and merge: the
// size and CRC-32C of a layer's input file (Verify's check) taken on the
// pages the layer is then read from, where tensorio maps the file
// (tensorio.Array.MappedFile), all mapped at once first (pipeline.Profile
// calls Prefault): the file is mapped once, not once for the check and
// again for the layer.
// A file whose status when mapped (MappedFileInfo) is the one the plan
// recorded is not read to check it (Verify).
// The files and layers it checked are added to files and layers; the
// caller checks the other files (verify) and lets Checked skip the
// finiteness and duplicate checks of checked layers only.
func (p *Plan) loadCheck(files map[string]bool, layers map[int]bool) func(int, *tensorio.Array) error {
	return func(layer int, a *tensorio.Array) error {
		data, ok := a.MappedFile()
		if !ok || layer >= len(p.Layers) {
			return nil
		}
		path, err := filepath.Abs(a.Source)
		if err != nil {
			return nil
		}
		for _, want := range p.Inputs[p.Layers[layer].Input].Files {
			if want.Path != path || want.CRC32C == "" {
				continue
			}
			if int64(len(data)) != want.Size {
				return sizeChanged(want, int64(len(data)))
			}
			if info, ok := a.MappedFileInfo(); ok && unchanged(want, info) {
				files[want.Path], layers[layer] = true, true
				continue
			}
			if got := crcHex(data); got != want.CRC32C {
				return crcChanged(want, got)
			}
			files[want.Path], layers[layer] = true, true
		}
		return nil
	}
}
