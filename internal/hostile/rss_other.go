//go:build !linux

package hostile

import "os"

// vmRSS is not measured outside Linux.
func vmRSS(pid int) int64 { return 0 }

// maxRSS is not measured outside Linux.
func maxRSS(ps *os.ProcessState) int64 { return 0 }
