package plan

import (
	"hash/crc32"
	"unsafe"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/tensorio"
)

// sumMapped returns the size, CRC-32C and status (stable) of the file an
// array's values are mapped from (tensorio.Array.MappedFile: a plain .npy
// file, its values last), and whether every value is finite, in one pass
// over the file's pages: each hashPiece bytes' CRC-32C, then the
// finiteness of the values in them while they are in the core's cache
// (cloud.AllFinite32, Finite's test). Make takes the plan's checksums so
// where it loads a layer, instead of a pass of sumFile before: the
// layer's finiteness check read the file from memory a second time (≈ 14
// ms per 64 MB here, memory-bound). ok is false, and nothing taken, for an
// array not mapped so; the caller then hashes the file with sumFile.
func sumMapped(a *tensorio.Array, path string) (f File, finite, ok bool) {
	data, mapped := a.MappedFile()
	before, hasInfo := a.MappedFileInfo()
	start, _ := a.MappedFileStatedAt() // before the fstat: sumFile's rule
	if !mapped || !hasInfo || before.Size() != int64(len(data)) {
		return File{}, false, false
	}
	var vals []byte // the values' bytes: the end of data
	switch {
	case a.Data32 != nil:
		vals = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(a.Data32))), 4*len(a.Data32))
	case a.Data != nil:
		vals = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(a.Data))), 8*len(a.Data))
	}
	head := len(data) - len(vals)
	if len(vals) == 0 || head < 0 || unsafe.SliceData(vals) != unsafe.SliceData(data[head:]) {
		return File{}, false, false
	}
	crc := crc32.Update(0, castagnoli, data[:head])
	finite = true
	for off := 0; off < len(vals); off += hashPiece {
		piece := vals[off:min(off+hashPiece, len(vals))]
		crc = crc32.Update(crc, castagnoli, piece)
		if !finite {
			continue
		}
		if a.Data32 != nil {
			finite = cloud.AllFinite32(a.Data32[off/4 : off/4+len(piece)/4])
		} else {
			finite = cloud.AllFinite64(a.Data[off/8 : off/8+len(piece)/8])
		}
	}
	f = File{Path: path, Size: int64(len(data)), CRC32C: crcHex32(crc)}
	if after, err := openStat(path); err == nil && after.Size() == f.Size {
		f.Stat = stable(before, after, start)
	}
	return f, finite, true
}
