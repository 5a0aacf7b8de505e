package geometry

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// gramMin is the number of points with targets from which CountRanks
// computes their distance rows with the blocked kernel (kernel.SqDist,
// 2·N·D flops per point at the kernel's speed) rather than one exact
// distance at a time.
const gramMin = 32

// gramBlockBytes bounds the distance rows held at once by countGram.
var gramBlockBytes = 64 << 20 // a variable for the tests

// float32Safe reports whether x's values survive rounding to float32 with
// kernel.Tau's bound: all finite and of magnitude below 2^100, some above
// 2^−100 (so that the norms the bound is relative to are not made of
// underflowed values).
func float32Safe(x *cloud.Matrix) bool {
	if x.F32() != nil {
		return true
	}
	big := 0.0
	for _, v := range x.F64() {
		big = max(big, math.Abs(v))
	}
	return big < 0x1p100 && big > 0x1p-100
}

// countGram is CountRanks for many points with targets: their squared
// distances to every point come from the blocked kernel, summed over column
// chunks (approximate, with error at most kernel.Tau(d)·(‖xᵢ‖² + ‖xⱼ‖²), as
// kernel.SqDist's); a point j whose approximate
// distance lies within that bound (plus the exact distances' own rounding)
// of the target's exact distance is compared exactly, so that the ranks
// equal the exact count's (countRow) whatever the rounding.
func countGram(x *cloud.Matrix, queries []int, targets [][]int32, ranks [][]int, threads int) {
	n, d := x.N(), x.D()
	x32 := x.F32()
	if x32 == nil {
		x32 = make([]float32, n*d)
		for i, v := range x.F64() {
			x32[i] = float32(v)
		}
	}
	norm := kernel.Norms(x32, n, d)
	// The kernel's bound, widened by 1 % for the float32 rounding of the
	// norms, by the float64 sums across column chunks and by the float64
	// rounding of the exact distances compared.
	tau := 1.01 * (kernel.Tau(d) + float64(d+4)*0x1p-52)
	// Column chunks of w features: the kernel packs a chunk of every row
	// (4·N·w bytes, twice), never a whole copy of the layer.
	w := min(d, max(64, gramBlockBytes/(8*n)))
	block := max(1, min(len(queries), gramBlockBytes/(8*n)))
	yc := make([]float32, n*w)
	xq := make([]float32, block*w)
	dots := make([]float64, block*n)
	rows := make([]float64, block*n)
	for b := 0; b < len(queries); b += block {
		qs := queries[b:min(b+block, len(queries))]
		m := len(qs)
		acc := rows[:m*n]
		clear(acc)
		for c0 := 0; c0 < d; c0 += w {
			c1 := min(c0+w, d)
			cw := c1 - c0
			for j := range n {
				copy(yc[j*cw:(j+1)*cw], x32[j*d+c0:j*d+c1])
			}
			for r, i := range qs {
				copy(xq[r*cw:(r+1)*cw], x32[i*d+c0:i*d+c1])
			}
			kernel.Dots(dots[:m*n], xq[:m*cw], m, yc[:n*cw], n, cw, threads)
			for k, v := range dots[:m*n] {
				acc[k] += v
			}
		}
		for r, i := range qs {
			row := acc[r*n : (r+1)*n]
			for j := range row {
				row[j] = norm[i] + norm[j] - 2*row[j]
			}
		}
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(threads, len(qs)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := int(next.Add(1)) - 1; r < len(qs); r = int(next.Add(1)) - 1 {
					i := qs[r]
					approx := acc[r*n : (r+1)*n]
					dist := rowDist(x, i)
					for s, ts := range targets {
						t := int(ts[i])
						if t < 0 {
							continue
						}
						dt := dist(t)
						rank := 1
						for j, a := range approx {
							if j == i || j == t {
								continue
							}
							tol := tau * (norm[i] + norm[j])
							switch {
							case a+tol < dt:
								rank++
							case a-tol > dt:
							default:
								if e := dist(j); e < dt || (e == dt && j < t) {
									rank++
								}
							}
						}
						ranks[s][i] = rank
					}
				}
			}()
		}
		wg.Wait()
	}
}
