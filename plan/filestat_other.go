//go:build !linux && !darwin

package plan

import "io/fs"

// statOf: no FileStat on this system (run-task and merge take every
// input's CRC-32C).
func statOf(fs.FileInfo) (FileStat, bool) { return FileStat{}, false }
