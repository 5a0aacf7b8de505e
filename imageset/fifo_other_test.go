//go:build !unix

package imageset

import "testing"

func mkfifo(t *testing.T, path string) string { return "" }
