package npy

import (
	"fmt"
	"os"
)

// File is an open .npy file whose header has been read and checked against
// the file's size, for streaming its columns without loading it whole.
type File struct {
	*Header
	Path string
	f    *os.File
}

// Open opens the .npy file at path, reads its header and checks that the
// file holds exactly the data the header calls for. Errors name the file.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, pathError(path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, pathError(path, err)
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	h, err := ReadHeader(f)
	if err != nil {
		f.Close()
		return nil, pathError(path, err)
	}
	need, ok := h.DataSize()
	if have := st.Size() - h.DataOffset; !ok || need > have {
		f.Close()
		return nil, fmt.Errorf("%s: truncated data: header says %s, file has %d", path, h.describe(), have)
	} else if need < have {
		f.Close()
		return nil, fmt.Errorf("%s: data length mismatch: header says %s, file has %d", path, h.describe(), have)
	}
	return &File{Header: h, Path: path, f: f}, nil
}

// ReadColumns reads columns [c0, c1) of every row into dst, as the package
// function ReadColumns does; errors name the file.
func (f *File) ReadColumns(c0, c1 int, dst []float64) error {
	if err := ReadColumns(f.f, f.Header, c0, c1, dst); err != nil {
		return pathError(f.Path, err)
	}
	return nil
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }
