package imageset

import "math"

// Resampling in the manner of Pillow's ImagingResample with the bilinear
// (triangle) filter, which torchvision's Resize uses on PIL images: the
// filter support grows with the reduction factor (antialiasing), the
// coefficients are fixed-point with 22 fractional bits, and the horizontal
// pass, rounded to 8 bits, runs before the vertical one.

const precisionBits = 32 - 8 - 2

// coeffs returns, for each output position, the first input index and the
// fixed-point weights of the inputs that contribute.
func coeffs(inSize, outSize int) (start []int, weights [][]int32) {
	scale := float64(inSize) / float64(outSize)
	filterScale := math.Max(scale, 1)
	support := 1.0 * filterScale
	start = make([]int, outSize)
	weights = make([][]int32, outSize)
	k := make([]float64, int(math.Ceil(support))*2+1)
	for xx := 0; xx < outSize; xx++ {
		center := (float64(xx) + 0.5) * scale
		ss := 1 / filterScale
		xmin := int(center - support + 0.5)
		if xmin < 0 {
			xmin = 0
		}
		xmax := int(center + support + 0.5)
		if xmax > inSize {
			xmax = inSize
		}
		xmax -= xmin
		ww := 0.0
		for x := 0; x < xmax; x++ {
			w := triangle((float64(x+xmin) - center + 0.5) * ss)
			k[x] = w
			ww += w
		}
		wi := make([]int32, xmax)
		for x := 0; x < xmax; x++ {
			v := k[x]
			if ww != 0 {
				v /= ww
			}
			if v < 0 {
				wi[x] = int32(-0.5 + v*(1<<precisionBits))
			} else {
				wi[x] = int32(0.5 + v*(1<<precisionBits))
			}
		}
		start[xx] = xmin
		weights[xx] = wi
	}
	return start, weights
}

func triangle(x float64) float64 {
	if x < 0 {
		x = -x
	}
	if x < 1 {
		return 1 - x
	}
	return 0
}

func clip8(v int64) uint8 {
	v >>= precisionBits
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// Resize returns img resampled to w × h with Pillow's antialiased bilinear
// filter. A pass whose size does not change is skipped, as in Pillow.
func Resize(img *RGB, w, h int) *RGB {
	if w <= 0 || h <= 0 {
		panic("imageset: non-positive size")
	}
	cur := img
	if w != cur.W {
		start, wts := coeffs(cur.W, w)
		out := &RGB{W: w, H: cur.H, Pix: make([]uint8, 3*w*cur.H)}
		for y := 0; y < cur.H; y++ {
			in := cur.Pix[3*y*cur.W:]
			o := out.Pix[3*y*w:]
			for x := 0; x < w; x++ {
				for c := 0; c < 3; c++ {
					ss := int64(1) << (precisionBits - 1)
					for j, k := range wts[x] {
						ss += int64(in[3*(start[x]+j)+c]) * int64(k)
					}
					o[3*x+c] = clip8(ss)
				}
			}
		}
		cur = out
	}
	if h != cur.H {
		start, wts := coeffs(cur.H, h)
		out := &RGB{W: cur.W, H: h, Pix: make([]uint8, 3*cur.W*h)}
		rowLen := 3 * cur.W
		for y := 0; y < h; y++ {
			o := out.Pix[y*rowLen:]
			for i := 0; i < rowLen; i++ {
				ss := int64(1) << (precisionBits - 1)
				for j, k := range wts[y] {
					ss += int64(cur.Pix[(start[y]+j)*rowLen+i]) * int64(k)
				}
				o[i] = clip8(ss)
			}
		}
		cur = out
	}
	if cur == img {
		cp := *img
		cp.Pix = append([]uint8(nil), img.Pix...)
		return &cp
	}
	return cur
}

// ResizeShort resizes img so that its shorter side is size and the longer
// one is scaled in proportion, truncated (torchvision's Resize(size)).
func ResizeShort(img *RGB, size int) *RGB {
	w, h := resizedShort(img.W, img.H, size)
	return Resize(img, w, h)
}

// resizedShort is the size of a w × h image resized by ResizeShort.
func resizedShort(w, h, size int) (int, int) {
	if w <= h {
		if w == size {
			return w, h
		}
		return size, int(float64(size) * float64(h) / float64(w))
	}
	if h == size {
		return w, h
	}
	return int(float64(size) * float64(w) / float64(h)), size
}

// CenterCrop cuts the central w × h window out of img, placed as
// torchvision's CenterCrop does (offsets rounded half to even). The image
// must be at least w × h.
func CenterCrop(img *RGB, w, h int) *RGB {
	if w > img.W || h > img.H {
		panic("imageset: crop larger than image")
	}
	top := int(math.RoundToEven(float64(img.H-h) / 2))
	left := int(math.RoundToEven(float64(img.W-w) / 2))
	out := &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h)}
	for y := 0; y < h; y++ {
		copy(out.Pix[3*y*w:3*(y+1)*w], img.Pix[3*((top+y)*img.W+left):])
	}
	return out
}
