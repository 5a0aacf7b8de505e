package npz

import (
	"archive/zip"
	"fmt"
	"io"

	"github.com/intdim/intdim/tensorio/npy"
)

// Writer writes an .npz archive, one array at a time.
type Writer struct {
	// Deflate compresses the members (as numpy.savez_compressed); the
	// default stores them (as numpy.savez). Set it before the first Add.
	Deflate bool

	z    *zip.Writer
	seen map[string]bool
}

// NewWriter returns a Writer that writes an archive to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{z: zip.NewWriter(w), seen: map[string]bool{}}
}

// Add writes data ([]float32, []float64 or []int64) with the given shape as the
// member name + ".npy" (see npy.Write).
func (w *Writer) Add(name string, shape []int, data any) error {
	if name == "" || w.seen[name] {
		return fmt.Errorf("npz: Add: empty or duplicate array name %q", name)
	}
	w.seen[name] = true
	method := zip.Store
	if w.Deflate {
		method = zip.Deflate
	}
	m, err := w.z.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: method})
	if err != nil {
		return err
	}
	return npy.Write(m, shape, data)
}

// Close finishes the archive (it does not close the underlying writer).
func (w *Writer) Close() error { return w.z.Close() }
