package plan

import (
	"io/fs"
	"syscall"
)

// statOf returns the FileStat of info, a status from os.Stat or File.Stat.
func statOf(info fs.FileInfo) (FileStat, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return FileStat{}, false
	}
	return FileStat{Inode: uint64(st.Ino), Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano()}, true
}
