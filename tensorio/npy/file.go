package npy

import (
	"os"

	"github.com/intdim/intdim/tensorio/internal/osfile"
)

// File is an open .npy file whose header has been read and checked against
// the file's size, for streaming its columns without loading it whole.
type File struct {
	*Header
	Path string
	f    *os.File
}

// Open opens the .npy file at path, reads its header and checks that the
// file holds exactly the data the header calls for, by the rule of Read
// (Header.CheckDataLen): a streamed file is refused whenever a loaded one
// would be. A path that is not a regular file (a FIFO, a device) is
// refused before it is opened. Errors name the file.
func Open(path string) (*File, error) {
	f, size, err := osfile.Open(path)
	if err != nil {
		return nil, err
	}
	h, err := ReadHeader(f)
	if err == nil {
		err = h.CheckDataLen(size - h.DataOffset)
	}
	if err != nil {
		f.Close()
		return nil, osfile.PathError(path, err)
	}
	return &File{Header: h, Path: path, f: f}, nil
}

// ReadColumns reads columns [c0, c1) of every row into dst, as the package
// function ReadColumns does; errors name the file.
func (f *File) ReadColumns(c0, c1 int, dst []float64) error {
	if err := ReadColumns(f.f, f.Header, c0, c1, dst); err != nil {
		return osfile.PathError(f.Path, err)
	}
	return nil
}

// ReadRowColumns reads columns [c0, c1) of the listed rows into dst, as
// the package function ReadRowColumns does; errors name the file.
func (f *File) ReadRowColumns(rows []int, c0, c1 int, dst []float64) error {
	if err := ReadRowColumns(f.f, f.Header, rows, c0, c1, dst); err != nil {
		return osfile.PathError(f.Path, err)
	}
	return nil
}

// ReadAt reads the file's bytes at off, header included (io.ReaderAt), so
// that a File can be given to the package function ReadColumns.
func (f *File) ReadAt(p []byte, off int64) (int, error) { return f.f.ReadAt(p, off) }

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }
