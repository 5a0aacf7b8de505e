package kernel

import "unsafe"

// transposeInto writes the h×kc row-major block src into dst with stride
// w: dst[k·w + r] = src[r·kc + k] (r < h, k < kc): a chunk of a panel
// (packPanels' layout) from the chunk's rows. Blocks of 8×8 go through
// transpose8Best (AVX where available), the edges through Go.
func transposeInto(dst []float32, w int, src []float32, h, kc int) {
	if h*kc == 0 {
		return
	}
	_ = src[h*kc-1]
	_ = dst[(kc-1)*w+h-1]
	h8, k8 := h&^7, kc&^7
	if h8 > 0 && k8 > 0 {
		transpose8Best(&dst[0], w, &src[0], kc, h8, k8)
	}
	for r := 0; r < h8; r++ {
		for k := k8; k < kc; k++ {
			dst[k*w+r] = src[r*kc+k]
		}
	}
	for r := h8; r < h; r++ {
		for k := 0; k < kc; k++ {
			dst[k*w+r] = src[r*kc+k]
		}
	}
}

// transpose8Best is the transposeInto variant in use for the rows below
// h8 and features below k8 (multiples of 8); transpose_amd64.go may set
// the assembly.
var transpose8Best = transpose8Go

func transpose8Go(dst *float32, w int, src *float32, kc, h8, k8 int) {
	d := unsafe.Slice(dst, (k8-1)*w+h8)
	s := unsafe.Slice(src, (h8-1)*kc+k8)
	for r := 0; r < h8; r++ {
		for k := 0; k < k8; k++ {
			d[k*w+r] = s[r*kc+k]
		}
	}
}
