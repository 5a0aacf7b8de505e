package imageset_test

import (
	"fmt"
	"path/filepath"

	"github.com/intdim/intdim/imageset"
)

// Example lists a folder in natural order and preprocesses an image as
// torchvision's Resize, CenterCrop, ToTensor and Normalize do (here to
// 16 × 16 instead of ImageNet's 256 and 224).
func Example() {
	files, err := imageset.List(filepath.Join("testdata"))
	if err != nil {
		panic(err)
	}
	for _, f := range files[:3] {
		fmt.Println(filepath.Base(f))
	}
	p := &imageset.Preprocess{Resize: 20, Crop: 16}
	h, w, err := p.Check(16, 16)
	if err != nil {
		panic(err)
	}
	x := make([]float32, 3*h*w)
	if err := imageset.Load(x, files[0], p, h, w); err != nil {
		panic(err)
	}
	fmt.Printf("%d×%d, first value %.4f\n", w, h, x[0])
	// Output:
	// odd_a.png
	// odd_b.png
	// odd_c.png
	// 16×16, first value -0.9877
}
