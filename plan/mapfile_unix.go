//go:build unix

package plan

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps the first size bytes of f read-only (the page cache's own
// pages: no copy), every page at once when populate (populateFlag); ok is
// false when it cannot (the caller reads instead). release unmaps them.
func mapFile(f *os.File, size int64, populate bool) (data []byte, release func(), ok bool) {
	if size <= 0 || size > int64(^uint(0)>>1) {
		return nil, nil, false
	}
	flags := unix.MAP_PRIVATE
	if populate {
		flags |= populateFlag
	}
	mem, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, flags)
	if err != nil {
		return nil, nil, false
	}
	return mem, func() { unix.Munmap(mem) }, true
}
