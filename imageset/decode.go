package imageset

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register the JPEG decoder
	_ "image/png"  // register the PNG decoder
	"os"
)

// RGB is an 8-bit RGB image, row-major, three bytes per pixel.
type RGB struct {
	W, H int
	Pix  []uint8
}

// Decode reads a JPEG or PNG file as RGB. Grey and palette images are
// expanded, 16-bit samples keep their high byte, and alpha is dropped
// without compositing (the colour channels are taken as stored), as
// PIL's convert("RGB") does.
func Decode(path string) (*RGB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, format, err := image.Decode(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot decode image: %v", path, err)
	}
	if format != "jpeg" && format != "png" {
		return nil, fmt.Errorf("%s: unsupported image format %s", path, format)
	}
	return toRGB(img), nil
}

func toRGB(img image.Image) *RGB {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h)}
	p := out.Pix
	switch m := img.(type) {
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				copy(p[3*(y*w+x):], row[4*x:4*x+3])
			}
		}
	case *image.RGBA:
		// Opaque RGBA (image/png decodes opaque truecolour as RGBA).
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				copy(p[3*(y*w+x):], row[4*x:4*x+3])
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				v := row[x]
				i := 3 * (y*w + x)
				p[i], p[i+1], p[i+2] = v, v, v
			}
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				yi := m.YOffset(x+b.Min.X, y+b.Min.Y)
				ci := m.COffset(x+b.Min.X, y+b.Min.Y)
				r, g, bb := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				i := 3 * (y*w + x)
				p[i], p[i+1], p[i+2] = r, g, bb
			}
		}
	case *image.Paletted:
		pal := make([][3]uint8, len(m.Palette))
		for k, c := range m.Palette {
			pal[k] = paletteRGB(c)
		}
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				var c [3]uint8
				if int(row[x]) < len(pal) {
					c = pal[row[x]]
				}
				copy(p[3*(y*w+x):], c[:])
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c := color.NRGBA64Model.Convert(img.At(x+b.Min.X, y+b.Min.Y)).(color.NRGBA64)
				i := 3 * (y*w + x)
				p[i], p[i+1], p[i+2] = uint8(c.R>>8), uint8(c.G>>8), uint8(c.B>>8)
			}
		}
	}
	return out
}

// paletteRGB returns a palette entry's stored colour, without alpha.
func paletteRGB(c color.Color) [3]uint8 {
	if n, ok := c.(color.NRGBA); ok {
		return [3]uint8{n.R, n.G, n.B}
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return [3]uint8{n.R, n.G, n.B}
}
