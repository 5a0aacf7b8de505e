// Package atomicfile writes files so that readers never see a half-written
// one: data goes to a temporary file in the same directory, which is renamed
// over the destination only when everything was written and synced. A
// failed write, or an interrupt (SIGINT, SIGTERM) while a file is being
// written, leaves no temporary file behind.
package atomicfile

import (
	"fmt"
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
	track(tmp)
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
		untrack(tmp)
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

// File is one file of a set written by WriteAll.
type File struct {
	Path string
	Data []byte
}

// WriteAll writes every file, all or nothing: each goes to a temporary
// file next to its path first, and only when every one is written and
// synced, and no path is taken by something other than a regular file, are
// they renamed into place. On error the temporary files are removed and no
// path is touched (a rename failing half-way through the set, which needs
// the file system to fail between two renames in one directory, leaves the
// renamed ones).
func WriteAll(files []File) (err error) {
	for _, f := range files {
		if st, err := os.Lstat(f.Path); err == nil && !st.Mode().IsRegular() {
			return fmt.Errorf("%s: exists and is not a regular file", f.Path)
		}
	}
	tmps := make([]string, 0, len(files))
	defer func() {
		if err != nil {
			for _, t := range tmps {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		t, err := os.CreateTemp(filepath.Dir(f.Path), "."+filepath.Base(f.Path)+".tmp*")
		if err != nil {
			return err
		}
		tmps = append(tmps, t.Name())
		_, err = t.Write(f.Data)
		if err == nil {
			err = t.Sync()
		}
		if cerr := t.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(t.Name(), 0o644)
		}
		if err != nil {
			return err
		}
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], f.Path); err != nil {
			return err
		}
	}
	return nil
}
