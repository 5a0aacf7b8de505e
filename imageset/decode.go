package imageset

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register the JPEG decoder
	_ "image/png"  // register the PNG decoder
	"io"
	"os"
)

// RGB is an 8-bit RGB image, row-major, three bytes per pixel.
type RGB struct {
	W, H int
	Pix  []uint8
}

// DefaultMaxPixels is the default limit on an image's width × height:
// 50 megapixels, a 7000 × 7000 photograph. Decoding one takes about 350 MB
// (RGBA and RGB copies); larger images are refused from their header.
const DefaultMaxPixels = 50_000_000

// Header is what an image file's header says, read without decoding the
// pixels.
type Header struct {
	W, H   int
	Format string // "jpeg" or "png"
}

// open opens path for reading if it is a regular file (after following
// links): a FIFO or a device would block or never end.
func open(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	return os.Open(path)
}

// ReadHeader reads the size and format of a JPEG or PNG file from its
// header, without decoding the pixels.
func ReadHeader(path string) (Header, error) {
	f, err := open(path)
	if err != nil {
		return Header{}, err
	}
	defer f.Close()
	return readHeader(path, f)
}

func readHeader(path string, f io.Reader) (Header, error) {
	cfg, format, err := image.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return Header{}, fmt.Errorf("%s: cannot decode image: %v", path, err)
	}
	if format != "jpeg" && format != "png" {
		return Header{}, fmt.Errorf("%s: unsupported image format %s", path, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Header{}, fmt.Errorf("%s: image is %d×%d", path, cfg.Width, cfg.Height)
	}
	return Header{W: cfg.Width, H: cfg.Height, Format: format}, nil
}

// Decode reads a JPEG or PNG file as RGB. Grey and palette images are
// expanded, 16-bit samples keep their high byte, and alpha is dropped
// without compositing (the colour channels are taken as stored), as
// PIL's convert("RGB") does. Images of more than DefaultMaxPixels pixels
// are refused from their header, before decoding.
func Decode(path string) (*RGB, error) {
	img, done, err := decode(path, DefaultMaxPixels, nil)
	if err != nil {
		return nil, err
	}
	done()
	return img, nil
}

// decode reads the header, refuses images over maxPixels or failing
// check, and only then decodes. check (may be nil) returns the pixels the
// caller will make of the image at most (a resized copy), if more than the
// image's own. The caller calls done once it has finished with the image
// and its copies: until then their pixels count against the pixels in
// flight (inFlight).
func decode(path string, maxPixels int64, check func(Header) (int64, error)) (img *RGB, done func(), err error) {
	f, err := open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return decodeFrom(path, f, maxPixels, check)
}

// decodeFrom is decode on the contents of a file; path is for messages.
func decodeFrom(path string, f io.ReadSeeker, maxPixels int64, check func(Header) (int64, error)) (_ *RGB, done func(), err error) {
	hd, err := readHeader(path, f)
	if err != nil {
		return nil, nil, err
	}
	if px := int64(hd.W) * int64(hd.H); px > maxPixels {
		return nil, nil, fmt.Errorf("%s: image is %d×%d (%s), over the limit of %s", path, hd.W, hd.H, pixels(float64(px)), pixels(float64(maxPixels)))
	}
	px := int64(hd.W) * int64(hd.H)
	if check != nil {
		more, err := check(hd)
		if err != nil {
			return nil, nil, err
		}
		px = max(px, more)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, err
	}
	inFlight.acquire(px, maxPixels)
	done = func() { inFlight.release(px) }
	img, format, err := image.Decode(bufio.NewReader(f))
	if err != nil {
		done()
		return nil, nil, fmt.Errorf("%s: cannot decode image: %v", path, err)
	}
	if format != hd.Format {
		done()
		return nil, nil, fmt.Errorf("%s: unsupported image format %s", path, format)
	}
	return toRGB(img), done, nil
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

// pixels writes a pixel count, in megapixels from 0.1 megapixels on.
func pixels(n float64) string {
	if n < 1e5 {
		return fmt.Sprintf("%.0f pixels", n)
	}
	return fmt.Sprintf("%.1f megapixels", n/1e6)
}
