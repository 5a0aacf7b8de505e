//go:build amd64 && !purego

package kernel

// covCentreAVX512 implements covImpl.centre: byte z of masks selects the
// lanes of zmm z that hold a row's values (d − 8z of them, at most 8).
//
//go:noescape
func covCentreAVX512(dst *float64, ldc int, src *float64, d, rows int, shift *float64, masks uint64)

// covTileAVX512 implements covImpl.tile.
//
//go:noescape
func covTileAVX512(c *float64, ldc, kc, nz int, out *float64, h int, acc bool)

// colSumsAVX512 implements covImpl.sums, masks as covCentreAVX512's.
//
//go:noescape
func colSumsAVX512(src *float64, d, rows int, out *float64, masks uint64)

// maxAbsBitsAVX512 implements maxAbsBest.
//
//go:noescape
func maxAbsBitsAVX512(p *float64, n int, out *[8]uint64)

// covMasks returns byte z: the lanes of vector z (of 8) that hold one of d
// values.
func covMasks(d int) uint64 {
	var masks uint64
	for z := range 3 {
		lanes := min(max(d-8*z, 0), 8)
		masks |= uint64(1<<lanes-1) << (8 * z)
	}
	return masks
}

// covAVX512 is the AVX-512F covImpl.
var covAVX512 = covImpl{name: "avx512",
	centre: func(dst *float64, ldc int, src *float64, d, rows int, shift *float64) {
		covCentreAVX512(dst, ldc, src, d, rows, shift, covMasks(d))
	},
	sums: func(src *float64, d, rows int, out *float64) {
		colSumsAVX512(src, d, rows, out, covMasks(d))
	},
	tile: covTileAVX512,
}
