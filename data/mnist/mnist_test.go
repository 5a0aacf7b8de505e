package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"github.com/intdim/intdim/cloud"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/intdim/intdim/estimate"
)

func TestEmbedded(t *testing.T) {
	tr, te := Train(), Test()
	if tr.N != 60000 || te.N != 10000 || len(tr.Pixels) != 60000*Size || len(te.Labels) != 10000 {
		t.Fatalf("sizes: train %d, test %d", tr.N, te.N)
	}
	// Known facts of MNIST: the first training label is 5, the first
	// test label 7, and the test set has 1135 ones.
	if tr.Labels[0] != 5 || te.Labels[0] != 7 {
		t.Errorf("first labels %d, %d; want 5, 7", tr.Labels[0], te.Labels[0])
	}
	ones := 0
	for _, l := range te.Labels {
		if l == 1 {
			ones++
		}
	}
	if ones != 1135 {
		t.Errorf("%d ones in the test set, want 1135", ones)
	}
	lo, hi := float32(1), float32(0)
	for _, p := range te.Pixels {
		lo, hi = min(lo, p), max(hi, p)
	}
	if lo != 0 || hi != 1 {
		t.Errorf("test pixels in [%g, %g], want [0, 1]", lo, hi)
	}
}

func first2000(s *Set) []float64 {
	x := make([]float64, 2000*Size)
	for i, p := range s.Pixels[:2000*Size] {
		x[i] = float64(p)
	}
	return x
}

// TestTwoNNFirst2000 checks the reference value of Ansuini et al.'s input
// layer: the TwoNN ID of the first 2,000 test images, pixels in [0, 1], in
// both conventions (they agree here: no duplicates, no ties).
func TestTwoNNFirst2000(t *testing.T) {
	x := first2000(Test())
	for _, paper := range []bool{false, true} {
		rep, err := estimate.Points(cloud.Must64(x, 2000, Size), &estimate.Options{Paper: paper})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Duplicates != 0 {
			t.Errorf("paper=%v: %d duplicates", paper, rep.Duplicates)
		}
		if id := rep.Results[0].ID; math.Abs(id-13.2061019) > 1e-6 {
			t.Errorf("paper=%v: TwoNN ID %.9f, want 13.2061019", paper, id)
		}
	}
}

func TestShuffleLabels(t *testing.T) {
	s := Test().Head(3000)
	a, b, c := ShuffleLabels(s, 1), ShuffleLabels(s, 1), ShuffleLabels(s, 2)
	var ha, hs [10]int
	same, diff := 0, 0
	for i := range s.Labels {
		ha[a.Labels[i]]++
		hs[s.Labels[i]]++
		if a.Labels[i] != b.Labels[i] {
			t.Fatalf("same seed, different labels at %d", i)
		}
		if a.Labels[i] == s.Labels[i] {
			same++
		}
		if a.Labels[i] != c.Labels[i] {
			diff++
		}
	}
	if ha != hs {
		t.Errorf("label histogram changed: %v vs %v", ha, hs)
	}
	// A random permutation keeps about 10 % of the labels.
	if same > 450 || diff < 2000 {
		t.Errorf("%d labels unchanged, %d differ between seeds", same, diff)
	}
	if &a.Pixels[0] != &s.Pixels[0] || s.Labels[0] != Test().Labels[0] {
		t.Error("pixels copied or original labels modified")
	}
}

func TestOffset(t *testing.T) {
	s := Test().Head(500)
	o := Offset(s, 1000, 3)
	lo, hi := float32(1), float32(0)
	for _, p := range o.Pixels {
		lo, hi = min(lo, p), max(hi, p)
	}
	if lo != 0 || hi != 1 {
		t.Errorf("offset pixels in [%g, %g], want [0, 1]", lo, hi)
	}
	// Within an image, pixel differences are the original ones times one
	// common factor 1/(max − min) of the set; the offsets vary by image.
	var scale float64
	var firstPix []float64
	for i := 0; i < o.N; i++ {
		orig, img := s.Image(i), o.Image(i)
		j, k := 0, 0
		for q, p := range orig {
			if p > orig[j] {
				j = q
			}
			if p < orig[k] {
				k = q
			}
		}
		f := float64(img[j]-img[k]) / float64(orig[j]-orig[k])
		if i == 0 {
			scale = f
		} else if math.Abs(f-scale) > 1e-3*scale {
			t.Fatalf("image %d: contrast factor %g, image 0: %g", i, f, scale)
		}
		firstPix = append(firstPix, float64(img[k]))
	}
	if math.Abs(scale-1/1001.0) > 0.05/1001 {
		t.Errorf("contrast factor %g, want about 1/1001", scale)
	}
	spread := 0.0
	for _, v := range firstPix {
		spread = max(spread, v)
	}
	if spread < 0.9 {
		t.Errorf("offsets span only %g of [0, 1]", spread)
	}
	if Offset(s, 1000, 3).Pixels[123] != o.Pixels[123] || Offset(s, 1000, 4).Pixels[123] == o.Pixels[123] {
		t.Error("offsets not a function of the seed")
	}
}

func idx(magic uint32, dims []uint32, payload []byte, gz bool) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(payload)
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(b.Bytes())
	w.Close()
	return z.Bytes()
}

func TestReadIDX(t *testing.T) {
	img := idx(0x803, []uint32{2, 28, 28}, bytes.Repeat([]byte{255}, 2*Size), true)
	lab := idx(0x801, []uint32{2}, []byte{3, 9}, false)
	s, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lab))
	if err != nil || s.N != 2 || s.Pixels[5] != 1 || s.Labels[1] != 9 {
		t.Fatalf("ReadIDX: %v %+v", err, s)
	}
	bad := []struct {
		img, lab []byte
		want     string
	}{
		{idx(0x801, []uint32{2}, []byte{3, 9}, false), lab, "not an idx3"},
		{img, idx(0x803, nil, nil, false), "not an idx1"},
		{idx(0x803, []uint32{2, 28, 28}, make([]byte, Size), false), lab, "bytes of pixels"},
		{img, idx(0x801, []uint32{3}, []byte{1, 2, 3}, false), "labels for"},
		{img, idx(0x801, []uint32{2}, []byte{1, 12}, false), "label 12"},
		{idx(0x803, []uint32{1, 20, 20}, make([]byte, 400), false), lab, "pixels, want"},
	}
	for _, c := range bad {
		if _, err := ReadIDX(bytes.NewReader(c.img), bytes.NewReader(c.lab)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}

func TestFashionMissing(t *testing.T) {
	dir := t.TempDir()
	_, _, err := Fashion(dir)
	if err == nil || !strings.Contains(err.Error(), "dataset-fashion-mnist") {
		t.Errorf("error %v, want a hint to install dataset-fashion-mnist", err)
	}
	// A directory with the files reads like MNIST.
	img := idx(0x803, []uint32{2, 28, 28}, make([]byte, 2*Size), true)
	lab := idx(0x801, []uint32{2}, []byte{3, 9}, true)
	for _, p := range []string{"train", "t10k"} {
		os.WriteFile(dir+"/"+p+"-images-idx3-ubyte.gz", img, 0o644)
		os.WriteFile(dir+"/"+p+"-labels-idx1-ubyte.gz", lab, 0o644)
	}
	tr, te, err := Fashion(dir)
	if err != nil || tr.N != 2 || te.Labels[1] != 9 {
		t.Errorf("Fashion: %v", err)
	}
}
