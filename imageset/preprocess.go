package imageset

import "fmt"

// ImageNet channel statistics (torchvision's model zoo).
var (
	ImageNetMean = [3]float64{0.485, 0.456, 0.406}
	ImageNetStd  = [3]float64{0.229, 0.224, 0.225}
)

// Preprocess says how images become network inputs. The zero value is the
// "imagenet" pipeline: short side resized to 256, centre crop 224, scaled
// to [0, 1], normalised with ImageNetMean and ImageNetStd.
type Preprocess struct {
	Mode   string      // "imagenet" (default, also "") or "none"
	Resize int         // imagenet: short side after resizing; 0 means 256
	Crop   int         // imagenet: side of the centre crop; 0 means 224
	Mean   *[3]float64 // per-channel mean subtracted after scaling; nil means ImageNetMean
	Std    *[3]float64 // per-channel divisor; nil means ImageNetStd
}

func (p *Preprocess) params() (mode string, resize, crop int, mean, std [3]float64) {
	var q Preprocess
	if p != nil {
		q = *p
	}
	mode, resize, crop, mean, std = q.Mode, q.Resize, q.Crop, ImageNetMean, ImageNetStd
	if mode == "" {
		mode = "imagenet"
	}
	if resize == 0 {
		resize = 256
	}
	if crop == 0 {
		crop = 224
	}
	if q.Mean != nil {
		mean = *q.Mean
	}
	if q.Std != nil {
		std = *q.Std
	}
	return
}

// Check validates p for a model taking h × w images (0 for a free size)
// and returns the size that the images will have.
func (p *Preprocess) Check(h, w int) (outH, outW int, err error) {
	mode, resize, crop, _, std := p.params()
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

// Load reads the image at path and writes it to dst (length 3·h·w) as a
// CHW tensor, preprocessed by p for a network input of h × w pixels (h, w
// from Check). With mode "none" the image must be exactly w × h.
func Load(dst []float32, path string, p *Preprocess, h, w int) error {
	if len(dst) != 3*h*w {
		panic("imageset: dst has the wrong length")
	}
	img, err := Decode(path)
	if err != nil {
		return err
	}
	mode, resize, crop, mean, std := p.params()
	switch mode {
	case "imagenet":
		img = CenterCrop(ResizeShort(img, resize), crop, crop)
	case "none":
		if img.W != w || img.H != h {
			return fmt.Errorf("%s: image is %d×%d but the model takes %d×%d (use --preprocess imagenet)", path, img.W, img.H, w, h)
		}
	default:
		panic("imageset: unknown preprocessing " + mode)
	}
	ToTensor(dst, img, mean, std)
	return nil
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
