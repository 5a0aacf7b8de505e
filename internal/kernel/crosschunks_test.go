package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCrossChunks: CrossChunks hands fn the blocks Cross hands it for the
// packed rows, bit for bit, with each tile variant, for left operands of
// one and two blocks, rows filling whole, partial and single panels, and
// widths within a kernel block, at a flush and across several; chunk is
// called once for every row and 256 features, each row's in increasing
// order; one Packed lends its buffers to every call.
func TestCrossChunks(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	var y Packed
	limit := 12_000_000
	if testing.Short() {
		limit = 1_000_000
	}
	for _, im := range available {
		useImpl(t, im)
		for _, m := range []int{1, 13, 130, BlockRows + 20} {
			for _, n := range []int{0, 1, 31, 32, 45, BlockRows} {
				for _, d := range []int{0, 1, 255, 257, FlushEvery, 2*FlushEvery + 300} {
					if m*n*d > limit {
						continue
					}
					x, rows := randF32(r, m*d), randF32(r, n*d)
					want := make([]float64, m*n)
					for i := range want {
						want[i] = math.NaN()
					}
					var calls []int
					Cross(Pack(x, m, d), Pack(rows, n, d), 1, func(id, i0, i1, j0, j1 int, g []float64, ld int) {
						calls = append(calls, id, i0, i1, j0, j1)
						for i := i0; i < i1; i++ {
							copy(want[i*n+j0:i*n+j1], g[(i-i0)*ld:(i-i0)*ld+j1-j0])
						}
					})
					got := make([]float64, m*n)
					next := make([]int, n) // each row's next chunk start
					px := Pack(x, m, d)
					y.CrossChunks(px, n, d, func(i, k0 int, dst []float32) {
						if k0 != next[i] || len(dst) != min(256, d-k0) {
							t.Fatalf("%s %d×%d×%d: row %d chunk at %d of %d, want at %d", im.name, m, n, d, i, k0, len(dst), next[i])
						}
						next[i] += len(dst)
						copy(dst, rows[i*d+k0:])
					}, func(id, i0, i1, j0, j1 int, g []float64, ld int) {
						if len(calls) < 5 || calls[0] != id || calls[1] != i0 || calls[2] != i1 || calls[3] != j0 || calls[4] != j1 {
							t.Fatalf("%s %d×%d×%d: block %v, Cross's next %v", im.name, m, n, d, []int{id, i0, i1, j0, j1}, calls)
						}
						calls = calls[5:]
						for i := i0; i < i1; i++ {
							copy(got[i*n+j0:i*n+j1], g[(i-i0)*ld:(i-i0)*ld+j1-j0])
						}
					})
					if len(calls) != 0 {
						t.Fatalf("%s %d×%d×%d: blocks %v not handed", im.name, m, n, d, calls)
					}
					for i, v := range next {
						if v != d {
							t.Fatalf("%s %d×%d×%d: row %d chunked up to %d", im.name, m, n, d, i, v)
						}
					}
					for i := range got {
						if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
							t.Fatalf("%s %d×%d×%d: entry %d = %v, Cross %v", im.name, m, n, d, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
