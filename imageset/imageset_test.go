package imageset

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestNaturalLess(t *testing.T) {
	want := []string{"a", "a1", "a1b", "a01b", "a2", "a10", "a10b", "b", "img_2.png", "img_10.png", "img_100.png"}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortFunc(got, func(a, b string) int {
		if NaturalLess(a, b) {
			return -1
		}
		if NaturalLess(b, a) {
			return 1
		}
		return 0
	})
	if !slices.Equal(got, want) {
		t.Fatalf("natural order %q, want %q", got, want)
	}
}

func TestListSelect(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"x10.png", "x2.JPG", "x1.jpeg", "notes.txt", ".hidden.png"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "c2"), 0o755)
	os.WriteFile(filepath.Join(dir, "c2", "y.png"), nil, 0o644)
	files, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		r, _ := filepath.Rel(dir, f)
		names = append(names, filepath.ToSlash(r))
	}
	if want := []string{"c2/y.png", "x1.jpeg", "x2.JPG", "x10.png"}; !slices.Equal(names, want) {
		t.Fatalf("List = %q, want %q", names, want)
	}
	first, err := Select(files, 2, 0, 0)
	if err != nil || !slices.Equal(first, files[:2]) {
		t.Fatalf("Select first 2 = %q, %v", first, err)
	}
	s1, _ := Select(files, 0, 3, 7)
	s2, _ := Select(files, 0, 3, 7)
	if !slices.Equal(s1, s2) || len(s1) != 3 {
		t.Fatalf("sample not reproducible: %q %q", s1, s2)
	}
	for i := 1; i < len(s1); i++ {
		if slices.Index(files, s1[i-1]) > slices.Index(files, s1[i]) {
			t.Fatalf("sample not in natural order: %q", s1)
		}
	}
	differ := false
	for seed := uint64(0); seed < 20 && !differ; seed++ {
		s3, _ := Select(files, 0, 2, seed)
		differ = !slices.Equal(s3, s1[:2])
	}
	if !differ {
		t.Fatal("the seed does not change the sample")
	}
	if _, err := Select(files, 5, 0, 0); err == nil {
		t.Fatal("no error for too many images")
	}
	if _, err := Select(files, 0, 5, 0); err == nil {
		t.Fatal("no error for too large a sample")
	}
	if _, err := List(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no .jpg") {
		t.Fatalf("empty folder: %v", err)
	}
}

// TestImageNetPipeline compares Resize + CenterCrop + ToTensor + Normalize
// with torchvision 0.14 on Pillow 9.4 (Resize(20), CenterCrop(16)) for
// downscaled, upscaled, grey and RGBA images. Both compute in 8-bit fixed
// point, so the results agree to float32 rounding.
func TestImageNetPipeline(t *testing.T) {
	p := &Preprocess{Resize: 20, Crop: 16}
	h, w, err := p.Check(16, 16)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"odd_a", "odd_b", "odd_c", "odd_d"} {
		shape, ref := readNpy(t, filepath.Join("testdata", name+"_ref.npy"))
		if !slices.Equal(shape, []int{3, 16, 16}) {
			t.Fatalf("%s: reference shape %v", name, shape)
		}
		got := make([]float32, 3*h*w)
		if err := Load(got, filepath.Join("testdata", name+".png"), p, h, w); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if d := math.Abs(float64(got[i]) - ref[i]); d > 1e-6 {
				t.Fatalf("%s: element %d = %v, torchvision %v", name, i, got[i], ref[i])
			}
		}
	}
}

// TestJPEG checks Go's JPEG decoder against Pillow's (libjpeg) on colour and
// grey files: IDCT and chroma upsampling differ slightly, so the check is on
// the mean and largest absolute difference in 8-bit levels.
func TestJPEG(t *testing.T) {
	for _, name := range []string{"photo_rgb", "photo_grey"} {
		shape, ref := readNpy(t, filepath.Join("testdata", name+"_ref.npy"))
		img, err := Decode(filepath.Join("testdata", name+".jpg"))
		if err != nil {
			t.Fatal(err)
		}
		if img.H != shape[0] || img.W != shape[1] {
			t.Fatalf("%s: %d×%d, want %v", name, img.W, img.H, shape)
		}
		var sum, worst float64
		for i, v := range img.Pix {
			d := math.Abs(float64(v) - ref[i])
			sum += d
			worst = max(worst, d)
		}
		if mean := sum / float64(len(ref)); mean > 1.5 || worst > 12 {
			t.Fatalf("%s: mean |Δ| %.2f, max %v levels against Pillow", name, mean, worst)
		}
	}
}

func TestDecodeModes(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, img image.Image) string {
		p := filepath.Join(dir, name)
		f, _ := os.Create(p)
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
		return p
	}
	nrgba := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	nrgba.SetNRGBA(0, 0, color.NRGBA{200, 100, 50, 0})
	nrgba.SetNRGBA(1, 0, color.NRGBA{1, 2, 3, 128})
	gray := image.NewGray16(image.Rect(0, 0, 2, 1))
	gray.SetGray16(0, 0, color.Gray16{0x1234})
	gray.SetGray16(1, 0, color.Gray16{0xff00})
	pal := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{color.NRGBA{9, 8, 7, 0}, color.NRGBA{4, 5, 6, 255}})
	pal.SetColorIndex(1, 0, 1)
	for _, c := range []struct {
		name string
		img  image.Image
		want []uint8
	}{
		{"rgba.png", nrgba, []uint8{200, 100, 50, 1, 2, 3}},
		{"grey16.png", gray, []uint8{0x12, 0x12, 0x12, 0xff, 0xff, 0xff}},
		{"pal.png", pal, []uint8{9, 8, 7, 4, 5, 6}},
	} {
		got, err := Decode(write(c.name, c.img))
		if err != nil {
			t.Fatal(err)
		}
		if got.W != 2 || got.H != 1 || !slices.Equal(got.Pix, c.want) {
			t.Errorf("%s: decoded %v, want %v", c.name, got.Pix, c.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.png")
	os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\n garbage"), 0o644)
	dst := make([]float32, 3*16*16)
	err := Load(dst, bad, nil, 16, 16)
	if err == nil || !strings.Contains(err.Error(), "broken.png") || !strings.Contains(err.Error(), "cannot decode") {
		t.Fatalf("broken image: %v", err)
	}
	err = Load(dst, filepath.Join("testdata", "odd_a.png"), &Preprocess{Mode: "none"}, 16, 16)
	if err == nil || !strings.Contains(err.Error(), "odd_a.png") || !strings.Contains(err.Error(), "37×29") {
		t.Fatalf("wrong size with none: %v", err)
	}
	if _, _, err := (&Preprocess{Mode: "fancy"}).Check(16, 16); err == nil {
		t.Fatal("no error for unknown mode")
	}
	if _, _, err := (&Preprocess{Resize: 100}).Check(0, 0); err == nil {
		t.Fatal("no error for resize < crop")
	}
	if _, _, err := (&Preprocess{}).Check(16, 16); err == nil {
		t.Fatal("no error for crop 224 on a 16×16 model")
	}
	if _, _, err := (&Preprocess{Std: &[3]float64{1, 0, 1}}).Check(0, 0); err == nil {
		t.Fatal("no error for zero std")
	}
}

func TestResizeIdentityAndCrop(t *testing.T) {
	img := &RGB{W: 5, H: 4, Pix: make([]uint8, 60)}
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 4)
	}
	if r := Resize(img, 5, 4); !slices.Equal(r.Pix, img.Pix) {
		t.Fatal("resize to the same size changed the image")
	}
	// Upscaling a constant image keeps it constant; halving uses the widened triangle.
	c := &RGB{W: 2, H: 2, Pix: []uint8{10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30}}
	for _, v := range Resize(c, 7, 5).Pix[:3] {
		if v != 10 && v != 20 && v != 30 {
			t.Fatalf("constant image changed: %v", Resize(c, 7, 5).Pix[:3])
		}
	}
	row := &RGB{W: 4, H: 1, Pix: []uint8{0, 0, 0, 100, 100, 100, 50, 50, 50, 51, 51, 51}}
	// Halving: a triangle of half-width 2 centred at 1 and 3 weighs the
	// inputs (¾, ¾, ¼) and (¼, ¾, ¾): 87.5/1.75 = 50, 100.75/1.75 = 57.6.
	if got := Resize(row, 2, 1).Pix; !slices.Equal(got, []uint8{50, 50, 50, 58, 58, 58}) {
		t.Fatalf("halving: %v", got)
	}
	cr := CenterCrop(img, 2, 2) // offsets round((4-2)/2)=1, round((5-2)/2)=round(1.5)=2
	if cr.Pix[0] != img.Pix[3*(1*5+2)] {
		t.Fatalf("crop offset wrong: %v", cr.Pix[:3])
	}
}
