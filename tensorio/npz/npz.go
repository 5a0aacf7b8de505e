// Package npz reads and writes numpy's .npz archives: a zip file whose
// members are .npy files ("name.npy" holds the array called name), stored
// (numpy.savez) or deflated (numpy.savez_compressed).
//
// Arrays are listed in the zip's member order (the central directory's),
// which is the order numpy wrote them in. Members whose names do not end in
// ".npy" and directories are ignored. A member is read straight from the
// zip stream into its float64 result, in place (see npy.Read), and its CRC
// is verified. Sizes are checked before allocating: a member's compressed
// size must fit in the archive, and no two members may share bytes; its
// size must be no larger than that allows (stored: equal; deflate expands
// at most 1032:1), and its .npy header must agree with its size exactly. A
// deflated member's array must also fit in the Reader's memory budget
// (MaxBytes), and one that expands far beyond its compressed size is
// decompressed once without being kept, to verify it, before its array is
// allocated (see Reader.Read): a header's claim never costs more memory
// than the data behind it.
//
// Errors are one line without the archive's path: `member "conv1":
// truncated data: ...`; callers prefix the path.
package npz

import (
	"archive/zip"
	"cmp"
	"errors"
	"fmt"
	"github.com/intdim/intdim/internal/bytesize"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/intdim/intdim/internal/sysmem"
	"github.com/intdim/intdim/tensorio/internal/shape"
	"github.com/intdim/intdim/tensorio/npy"
)

// Reader gives access to the arrays of an .npz archive.
type Reader struct {
	// MaxBytes bounds the memory of the arrays read from deflated members
	// (4 bytes per element kept as float32 by ReadValues, 8 otherwise),
	// whose sizes the archive's own
	// size does not bound, in total: 0 means half the physical memory, a
	// negative value no bound. Used is the part already taken (Read adds
	// to it); a caller reading several archives under one budget carries
	// it from one Reader to the next.
	MaxBytes, Used int64

	names []string
	files []*zip.File
	size  int64 // of the archive
}

// NewReader opens the .npz archive of the given size held by r. It reads
// the zip directory and the members' local headers, and checks that no
// two members share bytes: an archive whose directory points many times
// at one member would otherwise give many arrays from the bytes of one.
func NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			return nil, errors.New("not a .npz file: not a valid zip archive")
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, errors.New("not a .npz file: truncated zip archive")
		}
		return nil, fmt.Errorf("not a .npz file: %v", err)
	}
	rd := &Reader{size: size}
	seen := map[string]bool{}
	for _, f := range z.File {
		if !strings.HasSuffix(f.Name, ".npy") || strings.HasSuffix(f.Name, "/") {
			continue
		}
		name := strings.TrimSuffix(f.Name, ".npy")
		if seen[name] {
			return nil, fmt.Errorf("duplicate member %q", f.Name)
		}
		seen[name] = true
		rd.names = append(rd.names, name)
		rd.files = append(rd.files, f)
	}
	if err := rd.disjoint(); err != nil {
		return nil, err
	}
	return rd, nil
}

// disjoint checks that the members' compressed data do not overlap, so
// that their compressed sizes add up to at most the archive's size.
func (r *Reader) disjoint() error {
	type span struct {
		begin, end int64
		i          int
	}
	spans := make([]span, len(r.files))
	for i, f := range r.files {
		off, err := f.DataOffset()
		if err != nil {
			return fmt.Errorf("member %q: %v", r.names[i], zipErr(err))
		}
		if f.CompressedSize64 > uint64(r.size) || off > r.size-int64(f.CompressedSize64) {
			return fmt.Errorf("member %q: implausible size %d for %d compressed bytes", r.names[i], f.UncompressedSize64, f.CompressedSize64)
		}
		spans[i] = span{off, off + int64(f.CompressedSize64), i}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.begin, b.begin) })
	for k := 1; k < len(spans); k++ {
		if a, b := spans[k-1], spans[k]; b.begin < a.end {
			return fmt.Errorf("member %q: its data overlap those of member %q (bytes %d–%d of the archive); not a valid .npz file", r.names[b.i], r.names[a.i], b.begin, a.end)
		}
	}
	return nil
}

// Names returns the arrays' names (member names without ".npy"), in
// member order.
func (r *Reader) Names() []string { return append([]string(nil), r.names...) }

// Len returns the number of arrays.
func (r *Reader) Len() int { return len(r.names) }

// index returns the position of name, or −1.
func (r *Reader) index(name string) int {
	for i, n := range r.names {
		if n == name {
			return i
		}
	}
	return -1
}

// open opens member i and returns it with its uncompressed size.
func (r *Reader) open(i int) (io.ReadCloser, int64, error) {
	f := r.files[i]
	size := f.UncompressedSize64
	limit := f.CompressedSize64
	if f.Method == zip.Deflate {
		limit = f.CompressedSize64*1032 + 1024
		if f.CompressedSize64 > math.MaxInt64/1032 {
			limit = math.MaxInt64
		}
	}
	if f.CompressedSize64 > uint64(r.size) || size > math.MaxInt64 || size > limit {
		return nil, 0, fmt.Errorf("member %q: implausible size %d for %d compressed bytes", r.names[i], size, f.CompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) {
			return nil, 0, fmt.Errorf("member %q: unsupported compression method %d (want stored or deflated)", r.names[i], f.Method)
		}
		return nil, 0, fmt.Errorf("member %q: %v", r.names[i], zipErr(err))
	}
	return rc, int64(size), nil
}

// Header reads the .npy header of the array called name.
func (r *Reader) Header(name string) (*npy.Header, error) {
	i := r.index(name)
	if i < 0 {
		return nil, r.unknown(name)
	}
	rc, _, err := r.open(i)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	h, err := npy.ReadHeader(rc)
	if err != nil {
		return nil, fmt.Errorf("member %q: %v", name, zipErr(err))
	}
	return h, nil
}

// Read reads the array called name, as npy.Read does (row-major float64).
//
// Nothing is allocated on the strength of a size that is not known to be
// true. The member's .npy header must agree exactly with the size the zip
// directory declares for the member (a lying header is refused, naming the
// member), and the member is never read past that size. A stored member's
// bytes lie in the archive, whose size bounds them. A deflated member's do
// not: it may expand up to 1032-fold, so its array must fit in MaxBytes,
// and when it would take more than max(64 MiB, 16 × its compressed size) —
// far beyond what real floating-point data compress to — the member is
// first decompressed without being kept, to verify its length and CRC,
// before the array is allocated.
func (r *Reader) Read(name string) (*npy.Header, []float64, error) {
	h, v, err := r.read(name, false)
	return h, v.F64, err
}

// ReadValues reads the array called name as Read does, keeping float32,
// float16 and bfloat16 arrays as float32 (npy.ReadDataValues).
func (r *Reader) ReadValues(name string) (*npy.Header, npy.Values, error) {
	return r.read(name, true)
}

func (r *Reader) read(name string, typed bool) (*npy.Header, npy.Values, error) {
	i := r.index(name)
	if i < 0 {
		return nil, npy.Values{}, r.unknown(name)
	}
	rc, size, err := r.open(i)
	if err != nil {
		return nil, npy.Values{}, err
	}
	defer func() { rc.Close() }()
	h, err := npy.ReadHeader(rc)
	if err == nil {
		err = h.CheckDataLen(size - h.DataOffset)
	}
	if err != nil {
		return nil, npy.Values{}, fmt.Errorf("member %q: %v", name, zipErr(err))
	}
	dataLen := size - h.DataOffset
	if f := r.files[i]; f.Method != zip.Store {
		per := int64(8) // float64
		if typed && h.Narrow() {
			per = 4 // kept as float32
		}
		mem := int64(h.Len()) * per
		if budget := r.budget(); mem > budget-r.Used {
			over := "the budget of " + bytesize.Format(float64(budget))
			if r.Used > 0 {
				over = fmt.Sprintf("the %s left of the budget of %s", bytesize.Format(float64(max(budget-r.Used, 0))), bytesize.Format(float64(budget)))
			}
			return nil, npy.Values{}, fmt.Errorf("member %q: %s %s expands to %s in memory, more than %s (from %s compressed)",
				name, shape.Format(h.Shape), h.TypeName(), bytesize.Format(float64(mem)), over, bytesize.Format(float64(int64(f.CompressedSize64))))
		}
		r.Used += mem
		if mem > max(verifyBytes, 16*int64(f.CompressedSize64)) {
			if err := verify(rc, size-h.DataOffset); err != nil {
				return nil, npy.Values{}, fmt.Errorf("member %q: %v", name, zipErr(err))
			}
			rc.Close()
			if rc, _, err = r.open(i); err != nil {
				return nil, npy.Values{}, err
			}
			if _, err := npy.ReadHeader(rc); err != nil {
				return nil, npy.Values{}, fmt.Errorf("member %q: %v", name, zipErr(err))
			}
		}
	}
	var data npy.Values
	if typed {
		data, err = npy.ReadDataValues(io.LimitReader(rc, dataLen), h, dataLen)
	} else {
		data.F64, err = npy.ReadData(io.LimitReader(rc, dataLen), h, dataLen)
	}
	if err != nil {
		return nil, npy.Values{}, fmt.Errorf("member %q: %v", name, zipErr(err))
	}
	// Reading past the end makes the zip reader verify the CRC-32.
	if err := atEOF(rc); err != nil {
		return nil, npy.Values{}, fmt.Errorf("member %q: %v", name, err)
	}
	return h, data, nil
}

// verifyBytes is the size of result up to which a deflated member is read
// straight into its allocation (see Reader.Read); a variable for the tests.
var verifyBytes int64 = 64 << 20

// budget returns r.MaxBytes, or its default.
func (r *Reader) budget() int64 {
	switch {
	case r.MaxBytes > 0:
		return r.MaxBytes
	case r.MaxBytes < 0:
		return math.MaxInt64
	}
	return sysmem.Budget()
}

// verify reads the n data bytes left in rc without keeping them, and
// checks that the member ends there with a good CRC.
func verify(rc io.Reader, n int64) error {
	var buf [64 << 10]byte
	got, err := io.CopyBuffer(io.Discard, io.LimitReader(rc, n), buf[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	if got < n {
		return fmt.Errorf("truncated data: the zip entry declares %d data bytes, its compressed stream ends before", n)
	}
	return atEOF(rc)
}

// atEOF checks that rc has no byte left, which also makes the zip reader
// verify the member's CRC-32.
func atEOF(rc io.Reader) error {
	var one [1]byte
	if n, err := io.ReadFull(rc, one[:]); n != 0 || err != io.EOF {
		if err == nil || err == io.ErrUnexpectedEOF {
			return errors.New("longer than its stated size")
		}
		return zipErr(err)
	}
	return nil
}

func (r *Reader) unknown(name string) error {
	return fmt.Errorf("no array %q; the archive holds: %s", name, strings.Join(r.names, ", "))
}

// zipErr rewords archive/zip's errors.
func zipErr(err error) error {
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return errors.New("checksum mismatch: corrupt archive")
	case errors.Is(err, zip.ErrFormat):
		return errors.New("corrupt zip member")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated or corrupt zip member")
	}
	if strings.HasPrefix(err.Error(), "flate: ") {
		return fmt.Errorf("corrupt compressed data (%v)", err)
	}
	return err
}
