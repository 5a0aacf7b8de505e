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
	if err = write(chunked{f}); err != nil {
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
		_, err = chunked{t}.Write(f.Data)
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

// MaxWrite is the most bytes passed to one write(2) of a file written
// here: larger writes are cut (chunked). On the VM this project is
// measured on, a write(2) of 1–16 MiB into new page-cache pages cost,
// in 40–60 % of the tries once the memory freed by earlier files had
// been handed back (a pause of 2.5 s), 0.1–0.8 s of system time instead
// of 20 ms, all of it in the kernel's copy into the new pages; writes of
// 64 KiB cost 20–27 ms in every try (BENCHMARKS.md, issue 15: intdim
// plan's strip indexes, 4 × 16 MiB, made plan's CPU time vary by 0.5 s
// between identical runs). Cutting costs a system call per 64 KiB.
const MaxWrite = 64 << 10

// chunked passes what is written to w in writes of at most MaxWrite
// bytes.
type chunked struct{ w io.Writer }

func (c chunked) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		m, err := c.w.Write(b[:min(len(b), MaxWrite)])
		n += m
		if err != nil {
			return n, err
		}
		if m == 0 {
			return n, io.ErrShortWrite
		}
		b = b[m:]
	}
	return n, nil
}
