package imageset

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/intdim/intdim/tensorio"
)

// NaturalLess reports whether a sorts before b in natural order
// ("img2" < "img10"): tensorio.NaturalLess, the order of every intdim
// listing.
func NaturalLess(a, b string) bool { return tensorio.NaturalLess(a, b) }

// IsImage reports whether name has a JPEG or PNG extension (any case).
func IsImage(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".png":
		return true
	}
	return false
}

// List returns the JPEG and PNG files under dir (recursively, so that
// class sub-folders work), in natural order of their paths relative to dir.
// Hidden files and folders are skipped. It is an error if there are none,
// or if an entry with an image's name is not a regular file after following
// links (a FIFO, a device, a dangling link).
func List(dir string) ([]string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	// WalkDir does not follow a link given as the root; "link/" does.
	root := dir
	if lst, err := os.Lstat(dir); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
		root = dir + string(filepath.Separator)
	}
	var rel []string
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && IsImage(d.Name()) {
			// Links are followed; whatever is not a regular file (a
			// FIFO, a device, a dangling link, a link loop) is an error
			// naming it, not an entry skipped or a read that blocks.
			if d.Type() != 0 {
				st, err := os.Stat(p)
				if err != nil {
					var pe *fs.PathError
					if d.Type()&fs.ModeSymlink != 0 && errors.As(err, &pe) {
						return fmt.Errorf("%s: unreadable link: %v", p, pe.Err)
					}
					return err
				}
				if !st.Mode().IsRegular() {
					return fmt.Errorf("%s: not a regular file", p)
				}
			}
			r, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			rel = append(rel, filepath.ToSlash(r))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(rel) == 0 {
		return nil, fmt.Errorf("%s: no .jpg, .jpeg or .png images", dir)
	}
	slices.SortFunc(rel, func(a, b string) int {
		switch {
		case NaturalLess(a, b):
			return -1
		case NaturalLess(b, a):
			return 1
		}
		return 0
	})
	out := make([]string, len(rel))
	for i, r := range rel {
		out[i] = filepath.Join(dir, filepath.FromSlash(r))
	}
	return out, nil
}

// Select picks the images to use from files (in natural order): the first n
// when sample is 0, or sample files drawn without replacement with the
// given seed, kept in natural order. n = 0 means all files. It is an error
// to ask for more files than there are.
func Select(files []string, n, sample int, seed uint64) ([]string, error) {
	if n < 0 || sample < 0 {
		panic("imageset: negative count")
	}
	if n > 0 && sample > 0 {
		return nil, fmt.Errorf("give either a count or a sample size, not both")
	}
	if sample > 0 {
		if sample > len(files) {
			return nil, fmt.Errorf("asked to sample %d images but there are %d", sample, len(files))
		}
		r := rand.New(rand.NewPCG(seed, 0x696d616765736574))
		idx := r.Perm(len(files))[:sample]
		slices.Sort(idx)
		out := make([]string, sample)
		for i, k := range idx {
			out[i] = files[k]
		}
		return out, nil
	}
	if n == 0 {
		return files, nil
	}
	if n > len(files) {
		return nil, fmt.Errorf("asked for %d images but there are %d", n, len(files))
	}
	return files[:n], nil
}
