// Package npz reads and writes numpy's .npz archives: a zip file whose
// members are .npy files ("name.npy" holds the array called name), stored
// (numpy.savez) or deflated (numpy.savez_compressed).
//
// Arrays are listed in the zip's member order (the central directory's),
// which is the order numpy wrote them in. Members whose names do not end in
// ".npy" and directories are ignored. A member is read straight from the
// zip stream into its float64 result, in place (see npy.Read), and its CRC
// is verified. Sizes are checked before allocating: a member's compressed
// size must fit in the archive, its size must be no larger than that allows
// (stored: equal; deflate expands at most 1032:1), and its .npy header must
// agree with its size.
//
// Errors are one line without the archive's path: `member "conv1":
// truncated data: ...`; callers prefix the path.
package npz

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/intdim/intdim/tensorio/npy"
)

// Reader gives access to the arrays of an .npz archive.
type Reader struct {
	names []string
	files []*zip.File
	size  int64 // of the archive
}

// NewReader opens the .npz archive of the given size held by r. It reads
// the zip directory only.
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
	return rd, nil
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
func (r *Reader) Read(name string) (*npy.Header, []float64, error) {
	i := r.index(name)
	if i < 0 {
		return nil, nil, r.unknown(name)
	}
	rc, size, err := r.open(i)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	h, data, err := npy.Read(rc, size)
	if err != nil {
		return nil, nil, fmt.Errorf("member %q: %v", name, zipErr(err))
	}
	// Reading past the end makes the zip reader verify the CRC-32.
	var one [1]byte
	if n, err := io.ReadFull(rc, one[:]); n != 0 || err != io.EOF {
		if err == nil || err == io.ErrUnexpectedEOF {
			return nil, nil, fmt.Errorf("member %q: longer than its stated size", name)
		}
		return nil, nil, fmt.Errorf("member %q: %v", name, zipErr(err))
	}
	return h, data, nil
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
