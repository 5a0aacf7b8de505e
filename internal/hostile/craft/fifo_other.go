//go:build !unix

package craft

import "testing"

// Mkfifo returns "": named pipes are not made on this system.
func Mkfifo(t testing.TB, path string) string { return "" }
