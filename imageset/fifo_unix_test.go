//go:build unix

package imageset

import (
	"syscall"
	"testing"
)

// mkfifo makes a named pipe at path and returns path, or "" where pipes
// cannot be made.
func mkfifo(t *testing.T, path string) string {
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Logf("mkfifo: %v", err)
		return ""
	}
	return path
}
