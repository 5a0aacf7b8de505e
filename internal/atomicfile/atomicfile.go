// Package atomicfile writes files so that readers never see a half-written
// one: data goes to a temporary file in the same directory, which is renamed
// over the destination only when everything was written and synced.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes the output of write to path atomically. If write returns
// an error, no file is left behind and path is untouched.
func WriteFile(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Write writes data to path atomically.
func Write(path string, data []byte) error {
	return WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
