package imageset

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intdim/intdim/internal/hostile/craft"
)

// TestHeaderFirst: an image over the pixel limit, or of the wrong size
// under "none", is refused from its header: the PNGs here have a valid
// header and junk pixel data, so an error about the data would mean they
// were decoded. Refusing 100000 × 100000 allocates almost nothing.
func TestHeaderFirst(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.png")
	os.WriteFile(huge, craft.PNGClaiming(100000, 100000), 0o644)
	wide := filepath.Join(dir, "wide.png")
	os.WriteFile(wide, craft.PNGClaiming(20, 16), 0o644)
	dst := make([]float32, 3*16*16)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := Load(dst, huge, nil, 16, 16)
	runtime.ReadMemStats(&after)
	want := "huge.png: image is 100000×100000 (10000.0 megapixels), over the limit of 50.0 megapixels"
	if strconv.IntSize == 32 {
		want = "huge.png: cannot decode image: png: unsupported feature: dimension overflow" // image/png's own check
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("huge image: %v", err)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
		t.Errorf("refusing a huge image allocated %d bytes", a)
	}
	if _, err := Decode(huge); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Decode of a huge image: %v", err)
	}
	err = Load(dst, wide, &Preprocess{Mode: "none"}, 16, 16)
	if err == nil || !strings.Contains(err.Error(), "wide.png: image is 20×16 but the model takes 16×16") {
		t.Fatalf("wrong size: %v", err)
	}
	err = Load(dst, wide, &Preprocess{MaxPixels: 300}, 16, 16)
	if err == nil || !strings.Contains(err.Error(), "wide.png: image is 20×16 (320 pixels), over the limit of 300 pixels") {
		t.Fatalf("limit 300 pixels: %v", err)
	}
	if h, err := ReadHeader(wide); err != nil || h != (Header{W: 20, H: 16, Format: "png"}) {
		t.Fatalf("ReadHeader: %+v, %v", h, err)
	}
	if _, _, err := (&Preprocess{MaxPixels: -1}).Check(0, 0); err == nil {
		t.Error("negative pixel limit accepted")
	}
}

// TestNotRegular: a FIFO or a device given as an image, or met in an
// image folder, and a dangling link or a link loop in a folder, are
// errors naming them; nothing blocks.
func TestNotRegular(t *testing.T) {
	dst := make([]float32, 3*16*16)
	if _, err := os.Stat("/dev/zero"); err == nil {
		if err := Load(dst, "/dev/zero", nil, 16, 16); err == nil || !strings.Contains(err.Error(), "/dev/zero: not a regular file") {
			t.Errorf("device: %v", err)
		}
	}
	dir := t.TempDir()
	writeTestPNG(t, filepath.Join(dir, "a.png"), 4, 4)
	if fifo := craft.Mkfifo(t, filepath.Join(dir, "b.png")); fifo != "" {
		if err := Load(dst, fifo, nil, 16, 16); err == nil || !strings.Contains(err.Error(), "b.png: not a regular file") {
			t.Errorf("FIFO: %v", err)
		}
		if _, err := List(dir); err == nil || !strings.Contains(err.Error(), "b.png: not a regular file") {
			t.Errorf("List with a FIFO: %v", err)
		}
		os.Remove(fifo)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere.png"), filepath.Join(dir, "c.png")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	if _, err := List(dir); err == nil || !strings.Contains(err.Error(), "c.png: unreadable link") {
		t.Errorf("List with a dangling link: %v", err)
	}
	os.Remove(filepath.Join(dir, "c.png"))
	os.Symlink("d.png", filepath.Join(dir, "d.png"))
	if _, err := List(dir); err == nil || !strings.Contains(err.Error(), "d.png: unreadable link") {
		t.Errorf("List with a link loop: %v", err)
	}
	os.Remove(filepath.Join(dir, "d.png"))
	os.Symlink("a.png", filepath.Join(dir, "e.png"))
	files, err := List(dir)
	if err != nil || len(files) != 2 {
		t.Errorf("List with a good link: %q, %v", files, err)
	}
}

func writeTestPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 37)
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGrey: luminance as PIL's convert("L") computes it (pure red, green
// and blue give 76, 150 and 29; a grey value stays itself), and a grey
// model's input is the luminance of the image scaled to [0, 1], not
// normalised by default.
func TestGrey(t *testing.T) {
	for _, c := range []struct{ r, g, b, want uint8 }{
		{255, 0, 0, 76}, {0, 255, 0, 150}, {0, 0, 255, 29}, {255, 255, 255, 255}, {0, 0, 0, 0}, {128, 128, 128, 128}, {10, 200, 30, 124},
	} {
		if got := Luminance(c.r, c.g, c.b); got != c.want {
			t.Errorf("Luminance(%d, %d, %d) = %d, want %d", c.r, c.g, c.b, got, c.want)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "rgb.png")
	img := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	img.Set(1, 0, color.NRGBA{10, 200, 30, 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	os.WriteFile(p, b.Bytes(), 0o644)
	dst := make([]float32, 2)
	if err := Load(dst, p, &Preprocess{Mode: "none"}, 1, 2); err != nil {
		t.Fatal(err)
	}
	if dst[0] != float32(76)/255 || dst[1] != float32(124)/255 {
		t.Errorf("grey input %v, want [76/255 124/255]", dst)
	}
	mean, std := [3]float64{0.5, 0.5, 0.5}, [3]float64{0.25, 0.25, 0.25}
	if err := Load(dst, p, &Preprocess{Mode: "none", Mean: &mean, Std: &std}, 1, 2); err != nil {
		t.Fatal(err)
	}
	if want := (float32(76)/255 - 0.5) / 0.25; dst[0] != want {
		t.Errorf("normalised grey %v, want %v", dst[0], want)
	}
}

// TestNoneNotNormalised: under "none" an RGB image is scaled to [0, 1]
// and not normalised unless a mean and std are given; "imagenet"
// normalises with ImageNet's statistics by default. Describe says so.
func TestNoneNotNormalised(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.png")
	writeTestPNG(t, p, 4, 4)
	rgb, err := Decode(p)
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]float32, 3*4*4)
	if err := Load(dst, p, &Preprocess{Mode: "none"}, 4, 4); err != nil {
		t.Fatal(err)
	}
	for c := 0; c < 3; c++ {
		for i := 0; i < 16; i++ {
			if want := float32(rgb.Pix[3*i+c]) / 255; dst[c*16+i] != want {
				t.Fatalf("channel %d pixel %d: %v, want %v", c, i, dst[c*16+i], want)
			}
		}
	}
	cases := []struct {
		p    Preprocess
		c    int
		want string
	}{
		{Preprocess{}, 3, "imagenet: short side resized to 256 (bilinear, antialiased), centre crop 224×224, scaled to [0, 1], normalised with mean 0.485,0.456,0.406 and std 0.229,0.224,0.225"},
		{Preprocess{Mode: "none"}, 3, "none: images taken at 4×4, scaled to [0, 1], not normalised"},
		{Preprocess{Mode: "none"}, 1, "none: images taken at 4×4, luminance (PIL \"L\"), scaled to [0, 1], not normalised"},
		{Preprocess{Mode: "none", Mean: &[3]float64{0.1307, 0.1307, 0.1307}, Std: &[3]float64{0.3081, 0.3081, 0.3081}}, 1, "none: images taken at 4×4, luminance (PIL \"L\"), scaled to [0, 1], normalised with mean 0.1307 and std 0.3081"},
		{Preprocess{}, 1, "imagenet: short side resized to 256 (bilinear, antialiased), centre crop 224×224, luminance (PIL \"L\"), scaled to [0, 1], not normalised"},
	}
	for _, c := range cases {
		if got := c.p.Describe(c.c, 4, 4); got != c.want {
			t.Errorf("Describe(%+v, %d) = %q\nwant %q", c.p, c.c, got, c.want)
		}
	}
}

// TestElongated: an image within the pixel limit whose resized version
// would not be (a 1 × 10⁶ strip resized to a short side of 256) is refused
// from its header.
func TestElongated(t *testing.T) {
	p := filepath.Join(t.TempDir(), "strip.png")
	os.WriteFile(p, craft.PNGClaiming(1_000_000, 1), 0o644)
	err := Load(make([]float32, 3*224*224), p, nil, 224, 224)
	if err == nil || !strings.Contains(err.Error(), "strip.png: image is 1000000×1; resized to a short side of 256 it would be 256000000×256") {
		t.Fatalf("strip: %v", err)
	}
}

// TestPixelGate: concurrent decodes hold at most twice the pixel limit at
// once, and an image alone always passes.
func TestPixelGate(t *testing.T) {
	g := pixelGate{cond: sync.NewCond(new(sync.Mutex))}
	var mu sync.Mutex
	var cur, peak int64
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			px := int64(30 + i%3*10) // 30, 40 or 50 pixels, limit 50
			g.acquire(px, 50)
			mu.Lock()
			cur += px
			peak = max(peak, cur)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			cur -= px
			mu.Unlock()
			g.release(px)
		}()
	}
	wg.Wait()
	if peak > 100 || peak < 50 || g.used != 0 {
		t.Fatalf("peak %d pixels in flight (limit 2 × 50), %d left", peak, g.used)
	}
	g.acquire(500, 50) // larger than the gate: passes alone
	g.release(500)
}

// TestGreyMatchesPIL: the luminance of each PNG test image (RGB, grey,
// RGBA) equals Pillow 9.4's convert("L") pixel for pixel
// (testdata/odd_?_grey.npy, written by scripts/grey_refs.py), and so does a
// grey model's input under --preprocess none, times 255.
func TestGreyMatchesPIL(t *testing.T) {
	for _, name := range []string{"odd_a", "odd_b", "odd_c", "odd_d"} {
		img, err := Decode(filepath.Join("testdata", name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		shape, ref := readNpy(t, filepath.Join("testdata", name+"_grey.npy"))
		if len(shape) != 2 || shape[0] != img.H || shape[1] != img.W {
			t.Fatalf("%s: reference shape %v for a %d×%d image", name, shape, img.W, img.H)
		}
		dst := make([]float32, img.W*img.H)
		if err := Load(dst, filepath.Join("testdata", name+".png"), &Preprocess{Mode: "none"}, img.H, img.W); err != nil {
			t.Fatal(err)
		}
		for i, want := range ref {
			if got := Luminance(img.Pix[3*i], img.Pix[3*i+1], img.Pix[3*i+2]); float64(got) != want {
				t.Fatalf("%s pixel %d: luminance %d, PIL %v", name, i, got, want)
			}
			if dst[i] != float32(want)/255 {
				t.Fatalf("%s pixel %d: input %v, want %v/255", name, i, dst[i], want)
			}
		}
	}
}

// TestListLinkedFolder: a folder given through a symbolic link is listed
// (filepath.WalkDir alone does not follow a link given as its root), with
// paths under the link.
func TestListLinkedFolder(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	writeTestPNG(t, filepath.Join(dir, "real", "a.png"), 4, 4)
	link := filepath.Join(dir, ".link")
	if err := os.Symlink("real", link); err != nil {
		t.Skip("no symbolic links:", err)
	}
	files, err := List(link)
	if err != nil || len(files) != 1 || files[0] != filepath.Join(link, "a.png") {
		t.Fatalf("List(link) = %q, %v", files, err)
	}
}
