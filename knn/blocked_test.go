package knn

import (
	"testing"

	"github.com/intdim/intdim/cloud"
)

// TestKernelSearchBlocked: packing blocks of rows in turn (collectBlocked)
// gives the brute-force graph bit for bit, with duplicates, ties across
// blocks and float32 rows.
func TestKernelSearchBlocked(t *testing.T) {
	oldLimit, oldBytes := packLimit, blockBytes
	packLimit, blockBytes = 0, 1 // blocks of 2·BlockRows = 384 rows
	defer func() { packLimit, blockBytes = oldLimit, oldBytes }()
	n, d := 1000, 12
	x := randMatrix(n, d, 21)
	copy(x[900*d:901*d], x[3*d:4*d]) // duplicates in different blocks
	copy(x[500*d:501*d], x[3*d:4*d])
	for j := 0; j < d; j++ { // a tie across blocks
		x[950*d+j] = 2*x[10*d+j] - x[400*d+j]
	}
	checkExact(t, "blocked", x, n, d, 6)
	x32 := make([]float32, len(x))
	for i, v := range x {
		x32[i] = float32(v)
		x[i] = float64(x32[i])
	}
	got := kernelSearch(view(cloud.Must32(x32, n, d)), 4, 2)
	sameGraph(t, got, bruteF(x, n, d, 4, 1))
}
