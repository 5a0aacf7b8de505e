package plan

import (
	"io/fs"
	"time"

	"github.com/intdim/intdim/internal/statage"
)

// FileStat is what the file system says of an input file besides its
// size, when the plan took its checksums: its inode number and its last
// modification and status change times (ns since 1970, mtime and ctime).
//
// The rule: Make records the status only of a file whose ctime is at
// least statage.Min (60 s) older than the moment just before the file
// was stat'ed for hashing, and that did not change while it was hashed;
// run-task and merge (Verify) then skip the pass that takes the file's
// CRC-32C while its inode, size, mtime and ctime are still the recorded
// ones, and take the CRC-32C whenever they differ. Why that holds: every
// later change through a system call (write, truncate, a new link, a
// rename over it, a chmod) sets the ctime to the current time, and no
// call sets it to a chosen value; a write through a shared memory map
// (np.memmap) sets mtime and ctime only on the first write to a clean
// page, but a page dirtied before the plan's moment, and still dirty at
// it, would have set the ctime less than 60 s before (Linux writes a
// dirty page back within vm.dirty_expire_centisecs, 30 s by default,
// plus the writeback interval, 5 s; a page written back is clean, and
// its next write sets the times again). Each task would otherwise
// checksum its whole input (64 MB for 32,000 × 512 float32),
// memory-bound, where its search reads some of its rows.
//
// What it cannot see: writes through a mapping when dirty pages live
// longer than 60 s (vm.dirty_expire_centisecs or dirty_writeback raised,
// laptop mode); a change made while the system clock was set back; file
// systems that keep no real ctime (some FUSE file systems, sshfs among
// them, make it up from the mtime); changes no file system call makes
// (a disk's own corruption). To have the CRC-32C taken always, drop the
// "stat" fields from the plan before its tasks run (a file without one
// is checked by its CRC-32C).
type FileStat struct {
	Inode uint64 `json:"inode"`
	Mtime int64  `json:"mtime_ns"`
	Ctime int64  `json:"ctime_ns"`
}

// stable returns the status to record of a file whose status was before
// when its hashing started, at start, and after when it ended: nil unless
// the system gives it (statOf), it did not change, and its ctime is at
// least statage.Min older than start (and not 0).
func stable(before, after fs.FileInfo, start time.Time) *FileStat {
	b, ok := statOf(before)
	if !ok || b.Ctime <= 0 || before.Size() != after.Size() {
		return nil
	}
	if a, ok := statOf(after); !ok || a != b || b.Ctime > start.Add(-statage.Min).UnixNano() {
		return nil
	}
	return &b
}

// unchanged reports whether info is the status want records (FileStat)
// of a file of want's size: the file has not changed since the plan took
// its checksums.
func unchanged(want File, info fs.FileInfo) bool {
	if want.Stat == nil || info == nil || !info.Mode().IsRegular() || info.Size() != want.Size {
		return false
	}
	st, ok := statOf(info)
	return ok && st == *want.Stat
}
