package tensorio

import "golang.org/x/sys/unix"

// prefault asks the kernel to map every page of b at once, read-only
// (a private mapping's pages stay shared with the page cache until
// written); an error (a kernel before 5.14) leaves them to be faulted in.
func prefault(b []byte) {
	if len(b) > 0 {
		unix.Madvise(b, unix.MADV_POPULATE_READ)
	}
}
