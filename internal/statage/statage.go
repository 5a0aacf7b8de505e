// Package statage holds how old an input file's last status change
// (ctime) must be for a plan to record the file's status (plan.FileStat):
// one variable, so that the tests of package plan and of the command
// line can lower it instead of waiting a minute.
package statage

import "time"

// Min is how old a file's ctime must be, when the plan takes its
// checksums, for the plan to record its status; 60 s is above the
// default lifetime of a dirty page on Linux (vm.dirty_expire_centisecs,
// 30 s, plus the writeback interval, 5 s), as the kernel updates a
// file's times only on the first write to a clean page of a shared
// mapping (plan.FileStat says why this matters).
var Min = 60 * time.Second

// Lower sets Min to d until the end of the test t (t.Cleanup restores
// it). For tests only: they must not run in parallel with another that
// depends on Min.
func Lower(t interface{ Cleanup(func()) }, d time.Duration) {
	old := Min
	Min = d
	t.Cleanup(func() { Min = old })
}
