package nn

import (
	"bytes"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// blobs is a learnable problem: class k is a Gaussian blob around a
// random centre in 1×8×8 images.
func blobs(n, classes int, seed uint64) *Dataset {
	sh := Shape{1, 8, 8}
	rng := rand.New(rand.NewPCG(seed, 9))
	centres := rand.New(rand.NewPCG(99, 9))
	cs := make([][]float32, classes)
	for k := range cs {
		cs[k] = make([]float32, sh.Size())
		for i := range cs[k] {
			cs[k][i] = float32(centres.NormFloat64())
		}
	}
	d := &Dataset{X: make([]float32, n*sh.Size()), Y: make([]uint8, n), N: n, Shape: sh}
	for i := 0; i < n; i++ {
		k := rng.IntN(classes)
		d.Y[i] = uint8(k)
		for j := 0; j < sh.Size(); j++ {
			d.X[i*sh.Size()+j] = cs[k][j] + 1.5*float32(rng.NormFloat64())
		}
	}
	return d
}

func TestTrainLearns(t *testing.T) {
	train, test := blobs(600, 5, 1), blobs(300, 5, 2)
	net, err := Arch{Conv: []int{4}, Hidden: []int{16}}.Build(train.Shape, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	net.Mean, net.Std = train.MeanStd()
	acc0, loss0 := net.Evaluate(test.X, test.Y, test.N)
	hist, err := Train(net, train, test, Config{Epochs: 4, Batch: 32, LR: 0.05, Momentum: 0.9, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	if !(last.TestLoss < 0.5*loss0) || !(hist[0].TrainLoss > last.TrainLoss) {
		t.Errorf("loss did not fall: test %.3f → %.3f, train %.3f → %.3f", loss0, last.TestLoss, hist[0].TrainLoss, last.TrainLoss)
	}
	if last.TestAcc < 0.8 {
		t.Errorf("test accuracy %.3f (before training %.3f), want ≥ 0.8 (chance 0.2)", last.TestAcc, acc0)
	}
}

// TestThreadIndependent trains the same network with 1 and 2 threads and
// requires bit-identical weights.
func TestThreadIndependent(t *testing.T) {
	train := blobs(200, 3, 1)
	run := func(procs int) []float32 {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		net, _ := Arch{Conv: []int{3}, Hidden: []int{8}}.Build(train.Shape, 3, 5)
		if _, err := Train(net, train, nil, Config{Epochs: 2, Batch: 50, Momentum: 0.9, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		var w []float32
		for _, p := range net.Params() {
			w = append(w, p.W...)
		}
		return w
	}
	if a, b := run(1), run(2); !slices.Equal(a, b) {
		t.Error("weights depend on GOMAXPROCS")
	}
}

func TestForward(t *testing.T) {
	in := Shape{1, 28, 28}
	net, err := Paper.Build(in, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := net.Names(); !slices.Equal(got, []string{"input", "conv1", "pool1", "conv2", "pool2", "d1", "output"}) {
		t.Fatalf("layer names %v", got)
	}
	if net.NumParams() != 32*9+32+64*32*9+64+1600*128+128+128*10+10 {
		t.Errorf("%d parameters", net.NumParams())
	}
	d := randData(70, in, 10, 1)
	acts := net.Forward(d.X, d.N)
	dims := []int{784, 32 * 26 * 26, 32 * 13 * 13, 64 * 11 * 11, 64 * 5 * 5, 128, 10}
	for i, a := range acts {
		if a.Shape.Size() != dims[i] || len(a.Data) != 70*dims[i] {
			t.Errorf("%s: shape %v, %d values", a.Name, a.Shape, len(a.Data))
		}
	}
	// pool1 = ReLU(maxpool(conv1)), checked at one place.
	c1, p1 := acts[1].Data, acts[2].Data
	img, ch, y, x := 3, 5, 4, 7
	m := float32(math.Inf(-1))
	for u := 0; u < 2; u++ {
		for v := 0; v < 2; v++ {
			m = max(m, c1[img*32*676+ch*676+(2*y+u)*26+2*x+v])
		}
	}
	if got := p1[img*32*169+ch*169+y*13+x]; got != max(m, 0) {
		t.Errorf("pool1 %g, want relu(max) %g", got, max(m, 0))
	}
	// Each sample's activations do not depend on the batch.
	one := net.Forward(d.X[5*784:6*784], 1)
	for i := range acts {
		sz := acts[i].Shape.Size()
		if !slices.Equal(one[i].Data, acts[i].Data[5*sz:6*sz]) {
			t.Errorf("%s of sample 5 differs alone and in a batch", acts[i].Name)
		}
	}
	// The logits are the output activations.
	if !slices.Equal(net.Logits(d.X, d.N), acts[6].Data) {
		t.Error("Logits differ from the output activations")
	}
}

func TestConvDirect(t *testing.T) {
	// A 2-channel 5×5 input, 3 output channels, stride 2, padding 1,
	// against the definition.
	in := Shape{2, 5, 5}
	net, err := New(in, 4, NewConv2D("c", 3, 3, 2, 1))
	if err != nil {
		t.Fatal(err)
	}
	l := net.Layers[0].(*Conv2D)
	d := randData(2, in, 1, 3)
	out := net.Forward(d.X, 2)[1]
	if out.Shape != (Shape{3, 3, 3}) {
		t.Fatalf("shape %v", out.Shape)
	}
	for s := 0; s < 2; s++ {
		for o := 0; o < 3; o++ {
			for i := 0; i < 3; i++ {
				for j := 0; j < 3; j++ {
					want := float64(l.B.W[o])
					for c := 0; c < 2; c++ {
						for u := 0; u < 3; u++ {
							for v := 0; v < 3; v++ {
								y, x := 2*i+u-1, 2*j+v-1
								if y < 0 || y >= 5 || x < 0 || x >= 5 {
									continue
								}
								want += float64(l.W.W[((o*2+c)*3+u)*3+v]) * float64(d.X[s*50+c*25+y*5+x])
							}
						}
					}
					if got := out.Data[s*27+o*9+i*3+j]; math.Abs(float64(got)-want) > 1e-5 {
						t.Errorf("y[%d,%d,%d,%d] = %g, want %g", s, o, i, j, got, want)
					}
				}
			}
		}
	}
}

func TestInit(t *testing.T) {
	net, _ := Paper.Build(Shape{1, 28, 28}, 10, 7)
	for _, p := range net.Params() {
		fan := 1
		for _, d := range p.Shape[1:] {
			fan *= d
		}
		if len(p.Shape) == 1 { // bias: fan-in of its weight
			continue
		}
		bound := 1 / math.Sqrt(float64(fan))
		var ss float64
		for _, w := range p.W {
			if math.Abs(float64(w)) > bound {
				t.Fatalf("%s: %g outside ±%g", p.Name, w, bound)
			}
			ss += float64(w) * float64(w)
		}
		// U(−b, b) has variance b²/3.
		if v := ss / float64(len(p.W)); math.Abs(v-bound*bound/3) > 0.2*bound*bound/3 {
			t.Errorf("%s: variance %g, want %g", p.Name, v, bound*bound/3)
		}
	}
	other, _ := Paper.Build(Shape{1, 28, 28}, 10, 7)
	if !slices.Equal(other.Params()[0].W, net.Params()[0].W) {
		t.Error("same seed, different weights")
	}
}

func TestSaveLoad(t *testing.T) {
	in := Shape{1, 28, 28}
	net, _ := Paper.Build(in, 10, 2)
	net.Mean, net.Std = 0.1307, 0.3081
	var buf bytes.Buffer
	if err := Save(&buf, net, map[string]string{"data": "mnist"}); err != nil {
		t.Fatal(err)
	}
	back, meta, err := LoadBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if meta["data"] != "mnist" || back.Mean != net.Mean || back.Std != net.Std || back.Arch.String() != Paper.String() {
		t.Errorf("metadata %v, mean %g std %g arch %v", meta, back.Mean, back.Std, back.Arch)
	}
	d := randData(3, in, 10, 1)
	if !slices.Equal(net.Logits(d.X, 3), back.Logits(d.X, 3)) {
		t.Error("logits differ after the round trip")
	}
	if _, _, err := LoadBytes(buf.Bytes()[:100]); err == nil {
		t.Error("truncated file loaded")
	}
}

func TestParseArch(t *testing.T) {
	for _, c := range []struct {
		s    string
		want string
	}{{"paper", "conv=32,64;hidden=128"}, {"mlp", "conv=;hidden=256,128"}, {"conv=8;hidden=", "conv=8;hidden="}, {"hidden=64,64,64", "conv=;hidden=64,64,64"}} {
		a, err := ParseArch(c.s)
		if err != nil || a.String() != c.want {
			t.Errorf("ParseArch(%q) = %v, %v", c.s, a, err)
		}
	}
	for _, s := range []string{"conv=0", "wide=3", "conv=a", "nonsense"} {
		if _, err := ParseArch(s); err == nil {
			t.Errorf("ParseArch(%q) accepted", s)
		}
	}
	// Too many conv blocks for 28×28.
	if _, err := (Arch{Conv: []int{4, 4, 4, 4}}).Build(Shape{1, 28, 28}, 10, 1); err == nil {
		t.Error("4 conv blocks on 28×28 built")
	}
}

func TestAdamLearns(t *testing.T) {
	train, test := blobs(600, 5, 1), blobs(300, 5, 2)
	net, _ := MLP.Build(train.Shape, 5, 2)
	net.Mean, net.Std = train.MeanStd()
	hist, err := Train(net, train, test, Config{Epochs: 3, Batch: 32, LR: 0.001, Optimizer: "adam", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if acc := hist[len(hist)-1].TestAcc; acc < 0.8 {
		t.Errorf("Adam: test accuracy %.3f", acc)
	}
	if _, err := Train(net, train, test, Config{Optimizer: "rmsprop"}); err == nil {
		t.Error("unknown optimizer accepted")
	}
}

func TestNumParams(t *testing.T) {
	for _, a := range []Arch{Paper, MLP, {Conv: []int{8, 8, 8}, Hidden: []int{5}}} {
		net, err := a.Build(Shape{1, 28, 28}, 10, 1)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := a.NumParams(Shape{1, 28, 28}, 10); err != nil || n != net.NumParams() {
			t.Errorf("%v: NumParams %d (%v), built %d", a, n, err, net.NumParams())
		}
	}
}

// TestLoadHostile: metadata promising a huge network is rejected before
// anything is allocated.
func TestLoadHostile(t *testing.T) {
	net, _ := MLP.Build(Shape{1, 28, 28}, 10, 1)
	net.Arch = Arch{Hidden: []int{1 << 30}}
	var buf bytes.Buffer
	// Save writes the real tensors but the metadata of a 2^30-wide layer.
	if err := Save(&buf, net, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadBytes(buf.Bytes()); err == nil {
		t.Error("hostile metadata loaded")
	}
}

func TestNumParamsAbsurd(t *testing.T) {
	if _, err := (Arch{Hidden: []int{1 << 30, 1 << 30}}).NumParams(Shape{1 << 20, 1 << 20, 1 << 20}, 10); err == nil {
		t.Error("absurd network accepted")
	}
}
