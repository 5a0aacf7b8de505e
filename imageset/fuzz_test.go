package imageset

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/intdim/intdim/internal/hostile/craft"
)

// FuzzLoad: whatever the bytes, loading them as an image (header check,
// decoding, resizing, cropping, conversion to a tensor; RGB and grey,
// "imagenet" and "none") ends in an error or a tensor of finite values,
// never a panic, within a pixel limit that bounds the memory.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.png"))
	jpegs, _ := filepath.Glob(filepath.Join("testdata", "*.jpg"))
	for _, p := range append(files, jpegs...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add(craft.PNGClaiming(100000, 100000))
	f.Add(craft.PNGClaiming(16, 16))
	f.Add([]byte{})
	pres := []*Preprocess{
		{Resize: 20, Crop: 16, MaxPixels: 1 << 20},
		{Mode: "none", MaxPixels: 1 << 20},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range pres {
			for _, c := range []int{3, 1} {
				dst := make([]float32, c*16*16)
				err := load(dst, "fuzz.png", bytes.NewReader(data), p, 16, 16)
				if err != nil {
					continue
				}
				for i, v := range dst {
					if v != v || v < -10 || v > 10 {
						t.Fatalf("value %d is %v", i, v)
					}
				}
			}
		}
	})
}
