//go:build amd64 && !purego

package kernel

// covCentreAVX512 implements covImpl.centre: byte z of masks selects the
// lanes of zmm z that hold a row's values (d − 8z of them, at most 8).
//
//go:noescape
func covCentreAVX512(dst *float64, ldc int, src *float64, d, rows int, shift *float64, masks uint64)

// covTileAVX512 implements covImpl.tile for nz = 1, 2 or 3.
//
//go:noescape
func covTileAVX512(c *float64, ldc, kc, nz int, out *float64, acc bool)

// covAVX512 is the AVX-512F covImpl.
var covAVX512 = covImpl{name: "avx512",
	centre: func(dst *float64, ldc int, src *float64, d, rows int, shift *float64) {
		var masks uint64
		for z := range 3 {
			lanes := min(max(d-8*z, 0), 8)
			masks |= uint64(1<<lanes-1) << (8 * z)
		}
		covCentreAVX512(dst, ldc, src, d, rows, shift, masks)
	},
	tile: covTileAVX512,
}
