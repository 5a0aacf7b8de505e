package tensorio

import (
	"fmt"
	"io/fs"
	"math"
	"time"

	"github.com/intdim/intdim/cloud"
	"path/filepath"
	"strings"

	"github.com/intdim/intdim/tensorio/internal/shape"
)

// Array is one array read from a file, row-major, in the element type it
// is kept in (docs/DESIGN.md §7): float32, float16 and bfloat16 arrays as
// float32 in Data32 (exact), every other type as float64 in Data. Exactly
// one of the two is non-nil.
type Array struct {
	// Name is the array's name in its container (the .npz member without
	// ".npy", the safetensors tensor name), or the file's base name without
	// extension for a plain .npy file.
	Name   string
	Shape  []int
	Data   []float64
	Data32 []float32
	// Source is the path of the file the array came from.
	Source string
	// DType is the element type in the file, e.g. "float32", "bfloat16".
	DType string

	points   *cloud.Matrix // made once by Points
	release  func() error  // unmaps a memory-mapped file
	file     []byte        // the mapped file's bytes, header included (MappedFile)
	info     fs.FileInfo   // the mapped file's status when it was mapped (MappedFile)
	statedAt time.Time     // the time just before info was taken
}

// MappedFile returns the bytes of the file the array's values are mapped
// from, all of them (a plain .npy file's header and values: Open maps
// such a file only when its values end it), while the array is open; ok
// is false for an array read into memory. They are the values' own pages:
// a caller may read them (a checksum) but must not write them.
func (a *Array) MappedFile() (data []byte, ok bool) {
	if a.release == nil || a.file == nil {
		return nil, false
	}
	return a.file, true
}

// MappedFileInfo returns the status (fstat) of the file the array's
// values are mapped from, taken on the open file just after it was mapped,
// while the array is open; ok is false for an array read into memory. A
// caller that trusts the file unchanged since it last saw this status
// (same inode, size and times) need not read it to check it.
func (a *Array) MappedFileInfo() (info fs.FileInfo, ok bool) {
	if _, ok := a.MappedFile(); !ok || a.info == nil {
		return nil, false
	}
	return a.info, true
}

// MappedFileStatedAt returns the time taken just before the status
// MappedFileInfo gives was taken: a change to the file after it sets a
// later ctime (plan.FileStat). ok is false where MappedFileInfo's is.
func (a *Array) MappedFileStatedAt() (at time.Time, ok bool) {
	if _, ok := a.MappedFileInfo(); !ok {
		return time.Time{}, false
	}
	return a.statedAt, true
}

// MayMap reports whether Open would map the file at path instead of
// reading it (MappedFile): a plain .npy file of little-endian C-order
// float32 or float64 values, on a system that maps files. Open may still
// read such a file (the system refused the map); a false is final.
func MayMap(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".npy") && mayMap(path)
}

// Prefault maps every page of a mapped array's file into the process at
// once (madvise MADV_POPULATE_READ on Linux 5.14 and later), for a caller
// about to read them all: one call costs less than a page fault per 16
// pages. It does nothing for an array read into memory, or where the
// system cannot.
func (a *Array) Prefault() {
	if data, ok := a.MappedFile(); ok {
		prefault(data)
	}
}

// Len returns the number of elements.
func (a *Array) Len() int {
	if a.Data32 != nil {
		return len(a.Data32)
	}
	return len(a.Data)
}

// Float64 returns the values as float64: Data, or Data32 widened (a copy).
func (a *Array) Float64() []float64 {
	if a.Data32 == nil {
		return a.Data
	}
	out := make([]float64, len(a.Data32))
	for i, v := range a.Data32 {
		out[i] = float64(v)
	}
	return out
}

// Points returns the array as a point cloud of Matrix's shape, viewing the
// array's own values (float32 stays float32); the same matrix on every
// call, so that its checks run once.
func (a *Array) Points() (*cloud.Matrix, error) {
	if a.points != nil {
		return a.points, nil
	}
	n, d, err := a.Matrix()
	if err != nil {
		return nil, err
	}
	var m *cloud.Matrix
	if a.Data32 != nil {
		m, err = cloud.Mapped32(a.Data32, n, d, a.release)
	} else {
		m, err = cloud.Mapped64(a.Data, n, d, a.release)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %d values for shape %s", a.where(), a.Len(), shape.Format(a.Shape))
	}
	a.points = m
	return m, nil
}

// Close releases a memory-mapped array's mapping (Open maps plain
// little-endian .npy files); the array and its Points must not be used
// afterwards. It does nothing for an array read into memory.
func (a *Array) Close() error {
	if a.points != nil {
		a.release = nil
		return a.points.Close()
	}
	if r := a.release; r != nil {
		a.release, a.file = nil, nil
		a.Data, a.Data32 = nil, nil
		return r()
	}
	return nil
}

// where names the array for a message: "x.npy", or `x.npz: array "conv1"`
// when the name does not already follow from the path.
func (a *Array) where() string {
	if a.Source == "" {
		return fmt.Sprintf("array %q", a.Name)
	}
	base := filepath.Base(a.Source)
	if a.Name == strings.TrimSuffix(base, filepath.Ext(base)) {
		return a.Source
	}
	return fmt.Sprintf("%s: array %q", a.Source, a.Name)
}

// Matrix returns the array's shape as a matrix of n points (rows) of
// dimension d: n = Shape[0] and d the product of the other dimensions
// (N×C×H×W → N, C·H·W). Arrays of rank 0 and 1 are not point clouds and
// give an error.
func (a *Array) Matrix() (n, d int, err error) {
	if len(a.Shape) < 2 {
		return 0, 0, fmt.Errorf("%s: rank %d (shape %s), need rank ≥ 2 with points as rows", a.where(), len(a.Shape), shape.Format(a.Shape))
	}
	d = 1
	for _, s := range a.Shape[1:] {
		if s < 0 || (s != 0 && d > math.MaxInt/s) {
			return 0, 0, fmt.Errorf("%s: invalid shape %s", a.where(), shape.Format(a.Shape))
		}
		d *= s
	}
	return a.Shape[0], d, nil
}

// CheckPoints reports whether a is a usable point cloud: rank ≥ 2, at least
// 3 rows, at least one column, n·d values, and every value finite (checked
// once, by a.Points().Finite). The error names the file and, for a bad
// value, its first row and column (counted from 0).
func CheckPoints(a *Array) error {
	n, d, err := a.Matrix()
	if err != nil {
		return err
	}
	if n < 3 {
		return fmt.Errorf("%s: %d rows (shape %s), need at least 3 points", a.where(), n, shape.Format(a.Shape))
	}
	if d < 1 {
		return fmt.Errorf("%s: rows have no columns (shape %s)", a.where(), shape.Format(a.Shape))
	}
	m, err := a.Points()
	if err != nil {
		return err
	}
	if err := m.Finite(); err != nil {
		return fmt.Errorf("%s: %w", a.where(), err)
	}
	return nil
}
