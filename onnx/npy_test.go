package onnx

import (
	"testing"

	"github.com/intdim/intdim/tensorio/npy"
)

// readNpy reads a reference .npy file written by scripts/export_onnx.py.
func readNpy(t *testing.T, path string) (shape []int, data []float64) {
	t.Helper()
	h, data, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return h.Shape, data
}
