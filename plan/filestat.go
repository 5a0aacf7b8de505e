package plan

import (
	"io/fs"
	"time"
)

// FileStat is what the file system says of an input file besides its
// size, when the plan took its checksums: its inode number and its last
// modification and status change times (ns since 1970, mtime and ctime).
//
// The kernel sets a file's ctime to the current time on every change of
// its data or metadata (write, truncate, a new link, a rename over it, a
// chmod), and no call sets it to a chosen value. So a file whose inode,
// size, mtime and ctime are those the plan recorded has not changed since
// the plan read it — the check of make, rsync and git — provided the
// change came after the ctime's clock tick: Make records the status only
// of a file whose ctime is at least statAge old (and that did not change
// while it was hashed), so any later change gets a later ctime. run-task
// and merge then skip the pass over the file that takes its CRC-32C
// (Verify): each task would otherwise checksum its whole input (64 MB for
// 32,000 × 512 float32), memory-bound, where its search reads some of its
// rows. What it does not see:
// a change made while the system clock was set back by more than statAge
// (or on a file system that keeps no ctime), and changes that no file
// system call makes (a disk's own corruption); the CRC-32C is taken
// whenever the status differs (a copy, a rewrite, a touch).
type FileStat struct {
	Inode uint64 `json:"inode"`
	Mtime int64  `json:"mtime_ns"`
	Ctime int64  `json:"ctime_ns"`
}

// statAge is how old a file's ctime must be for Make to record its
// status: more than the coarsest timestamp granularity of the common file
// systems (FAT's 2 s; ext4, XFS, btrfs, tmpfs, NFS keep ns or µs).
var statAge = 3 * time.Second

// stable returns the status to record of a file whose status was before
// when its hashing started, at start, and after when it ended: nil unless
// the system gives it (statOf), it did not change, and its ctime is at
// least statAge older than start (and not 0).
func stable(before, after fs.FileInfo, start time.Time) *FileStat {
	b, ok := statOf(before)
	if !ok || b.Ctime <= 0 || before.Size() != after.Size() {
		return nil
	}
	if a, ok := statOf(after); !ok || a != b || b.Ctime > start.Add(-statAge).UnixNano() {
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
