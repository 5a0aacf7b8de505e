//go:build ort || gomlx

package onnx

import "strings"

// firstLine is the first line of s: the optional backends' errors (ort,
// gomlx) in one line.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
