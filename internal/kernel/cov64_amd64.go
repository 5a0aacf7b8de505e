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

// hashRowsAVX512 implements hashRowsBest.
//
//go:noescape
func hashRowsAVX512(src *float64, d, rows int, keys *uint64, consts *[covMaxD]uint64, masks uint64)

// covAVX512 is the AVX-512F covImpl.
var covAVX512 = covImpl{name: "avx512",
	centre: func(dst *float64, ldc int, src *float64, d, rows int, shift *float64) {
		covCentreAVX512(dst, ldc, src, d, rows, shift, covMasksGo(d))
	},
	sums: func(src *float64, d, rows int, out *float64) {
		colSumsAVX512(src, d, rows, out, covMasksGo(d))
	},
	tile: covTileAVX512,
}
