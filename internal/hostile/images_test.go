//go:build unix

package hostile

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	ob "github.com/intdim/intdim/internal/onnxbuild"

	"github.com/intdim/intdim/internal/hostile/craft"
)

// Images returns a Setup writing n w × h RGB PNG images to dir/sub.
func Images(sub string, n, w, h int) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		mkdir(sub)(t, dir)
		for i := range n {
			img := image.NewNRGBA(image.Rect(0, 0, w, h))
			for k := range img.Pix {
				img.Pix[k] = uint8(k*31 + i*17)
			}
			var b bytes.Buffer
			if err := png.Encode(&b, img); err != nil {
				t.Fatal(err)
			}
			File(filepath.Join(sub, fmt.Sprintf("im%d.png", i)), b.Bytes())(t, dir)
		}
	}
}

func mkdir(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// TestImages: image folders with hostile entries are refused with one
// line naming the entry, from the header when the pixels are at fault,
// without blocking on FIFOs or devices.
func TestImages(t *testing.T) {
	model := File("m.onnx", ob.ConvNet(3, 16, 16).Bytes())
	imgs := Setups(model, Images("imgs", 3, 16, 16))
	prof := func(a ...string) []string {
		return append([]string{"profile", "--quiet", "--onnx", "m.onnx", "--images", "imgs"}, a...)
	}
	none := func(a ...string) []string { return prof(append([]string{"--preprocess", "none"}, a...)...) }
	Run(t, []Case{
		{Name: "PNG claiming 100000×100000", Args: none(), Setup: Setups(imgs, File("imgs/big.png", craft.PNGClaiming(100000, 100000))), Exit: 2,
			Stderr: "big.png: image is 100000×100000 (10000.0 megapixels), over the limit of 50.0 megapixels", MaxRSS: 200 << 20},
		{Name: "PNG claiming 20000×20000, model 16×16", Args: none("--max-pixels", "1000000000"), Setup: Setups(imgs, File("imgs/big.png", craft.PNGClaiming(20000, 20000))), Exit: 2,
			Stderr: "big.png: image is 20000×20000 but the model takes 16×16", MaxRSS: 200 << 20},
		{Name: "PNG strip resized", Args: prof("--resize", "16", "--crop", "16"), Setup: Setups(imgs, File("imgs/strip.png", craft.PNGClaiming(10_000_000, 1))), Exit: 2,
			Stderr: "strip.png: image is 10000000×1; resized to a short side of 16 it would be 160000000×16", MaxRSS: 200 << 20},
		{Name: "pixel limit", Args: none("--max-pixels", "100"), Setup: imgs, Exit: 2, Stderr: "im0.png: image is 16×16 (256 pixels), over the limit of 100 pixels"},
		{Name: "FIFO in the folder", Args: none(), Setup: Setups(imgs, fifo("imgs/pipe.png")), Exit: 2, Stderr: "pipe.png: not a regular file"},
		{Name: "device link in the folder", Args: none(), Setup: Setups(imgs, link("imgs/zero.png", "/dev/zero")), Exit: 2, Stderr: "zero.png: not a regular file"},
		{Name: "dangling link in the folder", Args: none(), Setup: Setups(imgs, link("imgs/gone.png", "nowhere.png")), Exit: 2, Stderr: "gone.png: unreadable link: no such file or directory"},
		{Name: "link loop in the folder", Args: none(), Setup: Setups(imgs, link("imgs/loop.png", "loop.png")), Exit: 2, Stderr: "loop.png: unreadable link"},
		{Name: "images is a FIFO", Args: []string{"profile", "--onnx", "m.onnx", "--images", "pipe"}, Setup: Setups(model, fifo("pipe")), Exit: 2, Stderr: "pipe: not a directory"},
		{Name: "wrong size under none", Args: none(), Setup: Setups(imgs, Images("imgs/w", 1, 20, 16)), Exit: 2, Stderr: "im0.png: image is 20×16 but the model takes 16×16"},
		{Name: "truncated PNG", Args: none(), Setup: Setups(imgs, File("imgs/cut.png", craft.PNGClaiming(16, 16))), Exit: 2, Stderr: "cut.png: cannot decode image"},
		{Name: "only unsupported files", Args: none(), Setup: Setups(model, File("imgs/a.txt", []byte("x"))), Exit: 2, Stderr: "imgs: no .jpg, .jpeg or .png images"},
	})
}
