package kernel

import (
	"fmt"
	"unsafe"
)

// CentreF32 centres and scales float32 values into float32 and sums their
// squares: dst[j] = float32(cⱼ) with cⱼ = (float64(row[j]) − mean[j])·scale,
// and cⱼ² (rounded, not fused) is added into acc, value j into lane
// j mod 32 up to the largest multiple of 32 of len(row), the rest into
// lane 0 in order. Called on consecutive chunks of a row whose starts are
// multiples of 32, the lanes hold the same sums as one call on the whole
// row. AVX-512 where available (eight values per instruction: 2.3 times
// the pace of the Go loop over conv1's rows in the pruned search's
// projection, 0.07 → 0.03 s a search, where reading the rows from memory
// sets the pace), else Go; both give the same bits. The assembly also
// prefetches the 256 values that follow the ones it reads (the row's next
// chunk: the pruned projection and GramChunks centre one chunk of each of
// up to 192 rows in turn, more streams than the hardware prefetcher
// follows; pool1's pruned estimate 139.5 → 136.4 ms of CPU, one thread,
// conv1's 468 → 449 ms, two, medians of 5 and 3 alternating runs).
func CentreF32(dst, row []float32, mean []float64, scale float64, acc *[32]float64) {
	if len(dst) != len(row) || len(mean) != len(row) {
		panic(fmt.Sprintf("kernel: CentreF32 of %d values into %d with %d means", len(row), len(dst), len(mean)))
	}
	m := len(row) &^ 31
	if m > 0 {
		centreBest(&dst[0], &row[0], &mean[0], m, scale, acc)
	}
	for j := m; j < len(row); j++ {
		c := (float64(row[j]) - mean[j]) * scale
		dst[j] = float32(c)
		acc[0] += float64(c * c)
	}
}

// centreBest is the CentreF32 variant in use (centre_amd64.go may set the
// assembly); it takes n, a multiple of 32, values.
var centreBest = centreF32Ptr

// centreF32Ptr is centreF32Go with the assembly's signature.
func centreF32Ptr(dst, row *float32, mean *float64, n int, scale float64, acc *[32]float64) {
	centreF32Go(unsafe.Slice(dst, n), unsafe.Slice(row, n), unsafe.Slice(mean, n), scale, acc)
}

// centreF32Go is CentreF32 for len(row) a multiple of 32.
func centreF32Go(dst, row []float32, mean []float64, scale float64, acc *[32]float64) {
	for i := 0; i+32 <= len(row); i += 32 {
		r, m, o := row[i:i+32:i+32], mean[i:i+32:i+32], dst[i:i+32:i+32]
		for l := range acc {
			c := (float64(r[l]) - m[l]) * scale
			o[l] = float32(c)
			acc[l] += float64(c * c)
		}
	}
}
