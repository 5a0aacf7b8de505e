//go:build unix

package tensorio

import (
	"time"
	"unsafe"

	"github.com/intdim/intdim/tensorio/internal/osfile"
	"github.com/intdim/intdim/tensorio/npy"
	"golang.org/x/sys/unix"
)

// mapNPY maps a plain .npy file of little-endian, C-order float32 or
// float64 values into memory instead of reading it (on a little-endian
// machine, with the data aligned): the array's values are then the file's
// own pages, read on first touch and shared with the page cache. The map is
// private and copy-on-write, so a caller writing to the values changes only
// its own copy. ok is false, with a nil error, when the file is not such a
// file (the caller reads it instead); the header and the data length are
// checked by the rule of every reader (Header.CheckDataLen) either way.
func mapNPY(path string) (a *Array, ok bool, err error) {
	f, fsize, err := osfile.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	h, err := npy.ReadHeader(f)
	if err == nil {
		err = h.CheckDataLen(fsize - h.DataOffset)
	}
	if err != nil {
		return nil, false, osfile.PathError(path, err)
	}
	size, n, end, ok := mappable(h)
	if !ok {
		return nil, false, nil
	}
	mem, err := unix.Mmap(int(f.Fd()), 0, int(end), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE)
	if err != nil {
		return nil, false, nil // read it instead
	}
	a = &Array{Shape: h.Shape, Source: path, DType: h.TypeName(), release: func() error { return unix.Munmap(mem) }, file: mem}
	statedAt := time.Now() // before the fstat: MappedFileInfo's moment
	if info, err := f.Stat(); err == nil {
		a.info, a.statedAt = info, statedAt
	}
	p := unsafe.Pointer(&mem[h.DataOffset])
	if size == 4 {
		a.Data32 = unsafe.Slice((*float32)(p), n)
	} else {
		a.Data = unsafe.Slice((*float64)(p), n)
	}
	return a, true, nil
}

// mappable returns, for a checked .npy header, its values' size in
// bytes, their number and the file's end, and whether mapNPY maps such a
// file: little-endian C-order float32 or float64 values on a
// little-endian machine, aligned, not empty, addressable.
func mappable(h *npy.Header) (size, n int, end int64, ok bool) {
	size = map[string]int{"<f4": 4, "<f8": 8}[h.DType]
	n = h.Len()
	if size == 0 || h.Fortran || !littleEndian || n == 0 || h.DataOffset%int64(size) != 0 {
		return 0, 0, 0, false
	}
	end = h.DataOffset + int64(n)*int64(size)
	return size, n, end, end <= int64(^uint(0)>>1)
}

// mayMap reads the header of the .npy file at path and reports whether
// mapNPY would map it (unless the system refuses the map).
func mayMap(path string) bool {
	f, fsize, err := osfile.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	h, err := npy.ReadHeader(f)
	if err != nil || h.CheckDataLen(fsize-h.DataOffset) != nil {
		return false
	}
	_, _, _, ok := mappable(h)
	return ok
}

// littleEndian reports whether this machine stores numbers little-endian.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()
