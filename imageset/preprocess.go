package imageset

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ImageNet channel statistics (torchvision's model zoo).
var (
	ImageNetMean = [3]float64{0.485, 0.456, 0.406}
	ImageNetStd  = [3]float64{0.229, 0.224, 0.225}
)

// Preprocess says how images become network inputs. The zero value is the
// "imagenet" pipeline: short side resized to 256, centre crop 224, scaled
// to [0, 1], normalised with ImageNetMean and ImageNetStd.
//
// Images become C × H × W tensors with C = 3 (RGB) or C = 1 (grey), as
// the model takes them. Grey inputs are the luminance of the resized and
// cropped RGB image, L = (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16 on
// 8-bit values, as PIL's convert("L") (ITU-R 601-2) and hence
// torchvision's Grayscale compute it; a grey image file is taken as is.
type Preprocess struct {
	Mode   string // "imagenet" (default, also "") or "none"
	Resize int    // imagenet: short side after resizing; 0 means 256
	Crop   int    // imagenet: side of the centre crop; 0 means 224
	// Mean is the per-channel mean subtracted after scaling to [0, 1] and
	// Std the divisor; grey inputs use the first entry. Nil means
	// ImageNetMean and ImageNetStd for RGB inputs under "imagenet", and no
	// normalisation (0 and 1) under "none" or for grey inputs.
	Mean *[3]float64
	Std  *[3]float64
	// MaxPixels is the largest width × height of an image read; larger
	// ones are refused from their header. 0 means DefaultMaxPixels.
	MaxPixels int64
}

// params returns the settings with their defaults, for c input channels.
func (p *Preprocess) params(c int) (mode string, resize, crop int, mean, std [3]float64, maxPixels int64) {
	var q Preprocess
	if p != nil {
		q = *p
	}
	mode, resize, crop, maxPixels = q.Mode, q.Resize, q.Crop, q.MaxPixels
	if mode == "" {
		mode = "imagenet"
	}
	if resize == 0 {
		resize = 256
	}
	if crop == 0 {
		crop = 224
	}
	if maxPixels == 0 {
		maxPixels = DefaultMaxPixels
	}
	mean, std = [3]float64{}, [3]float64{1, 1, 1}
	if mode == "imagenet" && c == 3 {
		mean, std = ImageNetMean, ImageNetStd
	}
	if q.Mean != nil {
		mean = *q.Mean
	}
	if q.Std != nil {
		std = *q.Std
	}
	return
}

// Describe says in one line what the preprocessing does to images for a
// model taking c channels of h × w pixels (from Check), for output that
// shows what was done to the data.
func (p *Preprocess) Describe(c, h, w int) string {
	mode, resize, crop, mean, std, _ := p.params(c)
	var b strings.Builder
	switch mode {
	case "imagenet":
		fmt.Fprintf(&b, "imagenet: short side resized to %d (bilinear, antialiased), centre crop %d×%d", resize, crop, crop)
	default:
		fmt.Fprintf(&b, "none: images taken at %d×%d", w, h)
	}
	if c == 1 {
		b.WriteString(", luminance (PIL \"L\")")
	}
	b.WriteString(", scaled to [0, 1]")
	num := func(v [3]float64) string {
		if c == 1 {
			return strconv.FormatFloat(v[0], 'g', -1, 64)
		}
		parts := make([]string, 3)
		for i, x := range v {
			parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		return strings.Join(parts, ",")
	}
	if mean == ([3]float64{}) && std == ([3]float64{1, 1, 1}) {
		b.WriteString(", not normalised")
	} else {
		fmt.Fprintf(&b, ", normalised with mean %s and std %s", num(mean), num(std))
	}
	return b.String()
}

// Check validates p for a model taking h × w images (0 for a free size)
// and returns the size that the images will have.
func (p *Preprocess) Check(h, w int) (outH, outW int, err error) {
	mode, resize, crop, _, std, maxPixels := p.params(3)
	if maxPixels < 1 {
		return 0, 0, fmt.Errorf("the pixel limit must be positive, got %d", maxPixels)
	}
	for _, s := range std {
		if !(s > 0) {
			return 0, 0, fmt.Errorf("standard deviations must be positive, got %v", std)
		}
	}
	switch mode {
	case "imagenet":
		if resize < crop {
			return 0, 0, fmt.Errorf("resize %d is smaller than the crop %d", resize, crop)
		}
		if (h > 0 && h != crop) || (w > 0 && w != crop) {
			return 0, 0, fmt.Errorf("the model takes %d×%d images but the crop is %d×%d", w, h, crop, crop)
		}
		return crop, crop, nil
	case "none":
		if h <= 0 || w <= 0 {
			return 0, 0, fmt.Errorf("preprocess none needs a model with a fixed input size")
		}
		return h, w, nil
	}
	return 0, 0, fmt.Errorf("unknown preprocessing %q (want imagenet or none)", mode)
}

// SizeError reports an image whose size is not the model's under mode
// "none", which does not resize (mode "imagenet" does).
type SizeError struct {
	Path           string
	W, H           int // the image's
	ModelW, ModelH int // the model's input
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("%s: image is %d×%d but the model takes %d×%d (without preprocessing images are not resized)", e.Path, e.W, e.H, e.ModelW, e.ModelH)
}

// Load reads the image at path and writes it to dst as a C × H × W tensor,
// preprocessed by p for a network input of h × w pixels (h, w from Check)
// and C = len(dst) / (h·w) channels, 3 (RGB) or 1 (grey). The header is
// read first: an image over the pixel limit, or under mode "none" one
// whose size is not w × h, is refused before it is decoded.
func Load(dst []float32, path string, p *Preprocess, h, w int) error {
	return load(dst, path, nil, p, h, w)
}

// load is Load, reading from r instead of the file when r is not nil.
func load(dst []float32, path string, r io.ReadSeeker, p *Preprocess, h, w int) error {
	c := 3
	if len(dst) == h*w {
		c = 1
	}
	if len(dst) != c*h*w {
		panic("imageset: dst has the wrong length")
	}
	mode, resize, crop, mean, std, maxPixels := p.params(c)
	var check func(Header) (int64, error)
	switch mode {
	case "imagenet":
		// An elongated image resized to a short side of resize has a
		// long side of resize × its aspect ratio.
		check = func(hd Header) (int64, error) {
			rw, rh := resizedShort(hd.W, hd.H, resize)
			if px := float64(rw) * float64(rh); px > float64(maxPixels) {
				return 0, fmt.Errorf("%s: image is %d×%d; resized to a short side of %d it would be %d×%d (%s), over the limit of %s", path, hd.W, hd.H, resize, rw, rh, pixels(px), pixels(float64(maxPixels)))
			}
			return int64(rw) * int64(rh), nil
		}
	case "none":
		check = func(hd Header) (int64, error) {
			if hd.W != w || hd.H != h {
				return 0, &SizeError{Path: path, W: hd.W, H: hd.H, ModelW: w, ModelH: h}
			}
			return 0, nil
		}
	default:
		panic("imageset: unknown preprocessing " + mode)
	}
	var img *RGB
	var done func()
	var err error
	if r != nil {
		img, done, err = decodeFrom(path, r, maxPixels, check)
	} else {
		img, done, err = decode(path, maxPixels, check)
	}
	if err != nil {
		return err
	}
	defer done()
	if mode == "imagenet" {
		img = CenterCrop(ResizeShort(img, resize), crop, crop)
	}
	if c == 1 {
		ToTensorGrey(dst, img, mean[0], std[0])
		return nil
	}
	ToTensor(dst, img, mean, std)
	return nil
}

// Luminance returns the 8-bit luminance of an RGB pixel as PIL's
// convert("L") computes it: (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16, the
// ITU-R 601-2 weights 0.299, 0.587, 0.114 in 16-bit fixed point.
func Luminance(r, g, b uint8) uint8 {
	return uint8((uint32(r)*19595 + uint32(g)*38470 + uint32(b)*7471 + 0x8000) >> 16)
}

// ToTensorGrey writes the luminance of img to dst (h·w values) as
// (L/255 − mean) / std, in float32 as torchvision's ToTensor and
// Normalize do.
func ToTensorGrey(dst []float32, img *RGB, mean, std float64) {
	n := img.W * img.H
	if len(dst) != n {
		panic("imageset: dst has the wrong length")
	}
	m, s := float32(mean), float32(std)
	for i := range dst {
		l := Luminance(img.Pix[3*i], img.Pix[3*i+1], img.Pix[3*i+2])
		dst[i] = (float32(l)/255 - m) / s
	}
}

// ToTensor writes img to dst in CHW order as (v/255 − mean[c]) / std[c],
// computed in float32 as torchvision's ToTensor and Normalize do.
func ToTensor(dst []float32, img *RGB, mean, std [3]float64) {
	n := img.W * img.H
	if len(dst) != 3*n {
		panic("imageset: dst has the wrong length")
	}
	for c := 0; c < 3; c++ {
		m, s := float32(mean[c]), float32(std[c])
		d := dst[c*n : (c+1)*n]
		for i := range d {
			d[i] = (float32(img.Pix[3*i+c])/255 - m) / s
		}
	}
}
