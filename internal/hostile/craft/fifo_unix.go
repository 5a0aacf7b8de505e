//go:build unix

package craft

import (
	"syscall"
	"testing"
)

// Mkfifo makes a named pipe at path and returns path, or "" (logged)
// where pipes cannot be made.
func Mkfifo(t testing.TB, path string) string {
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Logf("mkfifo: %v", err)
		return ""
	}
	return path
}
