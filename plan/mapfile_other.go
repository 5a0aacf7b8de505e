//go:build !unix

package plan

import "os"

// mapFile is not available here: the caller reads the file.
func mapFile(f *os.File, size int64, populate bool) (data []byte, release func(), ok bool) {
	return nil, nil, false
}
