package knn

import (
	"testing"

	"github.com/intdim/intdim/internal/kernel"
)

// TestBlockSample: the float32 plan's sample is cut to whole kernel blocks
// only where that leaves out at most an eighth of it.
func TestBlockSample(t *testing.T) {
	b := kernel.BlockRows
	for _, c := range [][2]int{{64, 64}, {b - 1, b - 1}, {b, b}, {b + 8, b}, {b + b/7, b}, {b + b/7 + 1, b + b/7 + 1},
		{256, 256}, {2 * b, 2 * b}, {2*b + 40, 2 * b}} {
		if got := blockSample(c[0]); got != c[1] {
			t.Errorf("blockSample(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}
