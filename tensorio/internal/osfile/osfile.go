// Package osfile opens the files the tensor readers read, refusing by name
// anything that is not a regular file before opening it: opening a named
// pipe (FIFO) for reading blocks until a writer appears, and a device or
// socket has no size to check a header against.
package osfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// PathError returns err as "path: problem", without an *fs.PathError's own
// operation and path, so that the path appears once.
func PathError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Errorf("%s: %w", path, err)
}

// Stat returns the file information of path, following symbolic links, and
// an error naming path unless it is a regular file: a missing file or a
// dangling link ("no such file or directory"), a link loop ("too many
// levels of symbolic links"), a directory, a named pipe, a device, a socket.
func Stat(path string) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, PathError(path, err)
	}
	if err := Regular(path, fi); err != nil {
		return nil, err
	}
	return fi, nil
}

// Regular returns nil if fi describes a regular file, and otherwise an
// error naming path and what it is.
func Regular(path string, fi fs.FileInfo) error {
	m := fi.Mode()
	if m.IsRegular() {
		return nil
	}
	if m.IsDir() {
		return fmt.Errorf("%s: is a directory", path)
	}
	return fmt.Errorf("%s: not a regular file (%s)", path, Kind(m))
}

// Kind names the type of a file mode for a message: "a named pipe (FIFO)",
// "a character device", "a socket", ….
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsRegular():
		return "a regular file"
	}
	return "an irregular file"
}

// Open opens path for reading and returns it with its size. It checks that
// path (after following links) is a regular file before opening it, so
// that a FIFO or a device is refused instead of blocking, and checks the
// opened file again in case path changed in between. Errors name path.
func Open(path string) (*os.File, int64, error) {
	fi, err := Stat(path)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, PathError(path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, PathError(path, err)
	}
	if err := Regular(path, st); err != nil {
		f.Close()
		return nil, 0, err
	}
	if !os.SameFile(fi, st) {
		f.Close()
		return nil, 0, fmt.Errorf("%s: changed while being opened", path)
	}
	return f, st.Size(), nil
}
