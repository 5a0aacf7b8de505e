package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func randData(n int, sh Shape, classes int, seed uint64) *Dataset {
	rng := rand.New(rand.NewPCG(seed, 1))
	d := &Dataset{X: make([]float32, n*sh.Size()), Y: make([]uint8, n), N: n, Shape: sh}
	for i := range d.X {
		d.X[i] = float32(rng.NormFloat64())
	}
	for i := range d.Y {
		d.Y[i] = uint8(rng.IntN(classes))
	}
	return d
}

// checkGrads compares the analytic gradient of the mean NLL of every
// parameter with central finite differences.
func checkGrads(t *testing.T, net *Net, d *Dataset) {
	t.Helper()
	tr := newTrainer(net, 3)
	idx := make([]int, d.N)
	for i := range idx {
		idx[i] = i
	}
	tr.step(d, idx)
	rng := rand.New(rand.NewPCG(7, 7))
	const eps = 1e-3
	for _, p := range net.Params() {
		g := append([]float32(nil), p.G...)
		for trial := 0; trial < 12; trial++ {
			i := rng.IntN(len(p.W))
			w := p.W[i]
			p.W[i] = w + eps
			_, lp := net.Evaluate(d.X, d.Y, d.N)
			p.W[i] = w - eps
			_, lm := net.Evaluate(d.X, d.Y, d.N)
			p.W[i] = w
			fd := (lp - lm) / (2 * eps)
			if diff := math.Abs(fd - float64(g[i])); diff > 2e-3+2e-2*math.Abs(fd) {
				t.Errorf("%s[%d]: analytic %.6g, finite difference %.6g", p.Name, i, g[i], fd)
			}
		}
	}
}

func TestGradDense(t *testing.T) {
	in := Shape{5, 1, 1}
	net, err := New(in, 1, NewDense("a", 7), NewReLU("r"), NewDense("b", 4))
	if err != nil {
		t.Fatal(err)
	}
	checkGrads(t, net, randData(9, in, 4, 2))
}

func TestGradConvPool(t *testing.T) {
	in := Shape{2, 9, 8}
	net, err := New(in, 3,
		NewConv2D("c1", 3, 3, 1, 0), // 3×7×6
		NewMaxPool2D("p1", 2),       // 3×3×3
		NewReLU("r1"),
		NewConv2D("c2", 4, 2, 2, 1), // stride 2, pad 1: 4×2×2
		NewReLU("r2"),
		NewFlatten("f"),
		NewDense("out", 3))
	if err != nil {
		t.Fatal(err)
	}
	if got := net.OutShape(3); got != (Shape{4, 2, 2}) {
		t.Fatalf("conv output shape %v", got)
	}
	checkGrads(t, net, randData(6, in, 3, 4))
}

func TestGradPaperShape(t *testing.T) {
	in := Shape{1, 12, 12}
	net, err := Arch{Conv: []int{3, 4}, Hidden: []int{5}}.Build(in, 3, 5)
	if err != nil {
		t.Fatal(err)
	}
	checkGrads(t, net, randData(5, in, 3, 6))
}

// TestMaxPool2Generic checks the 2×2 fast path against the general loop,
// ties included.
func TestMaxPool2Generic(t *testing.T) {
	in := Shape{3, 7, 6}
	a := NewMaxPool2D("", 2)
	if _, err := a.setup(in, "p"); err != nil {
		t.Fatal(err)
	}
	x := randData(4, in, 1, 1).X
	for i := range x {
		if i%5 == 0 {
			x[i] = 0.5 // ties
		}
	}
	var fast, slow slot
	a.forward(&fast, x, 4)
	slow.out = make([]float32, 4*a.out.Size())
	slow.idx = make([]int32, 4*a.out.Size())
	// general loop
	o := 0
	for i := 0; i < 4; i++ {
		for c := 0; c < in.C; c++ {
			base := i*in.Size() + c*in.H*in.W
			for y := 0; y < a.out.H; y++ {
				for xo := 0; xo < a.out.W; xo++ {
					best := base + y*2*in.W + xo*2
					bv := x[best]
					for u := 0; u < 2; u++ {
						for v := 0; v < 2; v++ {
							r := base + (y*2+u)*in.W + xo*2 + v
							if x[r] > bv {
								bv, best = x[r], r
							}
						}
					}
					slow.out[o], slow.idx[o] = bv, int32(best)
					o++
				}
			}
		}
	}
	for i := range slow.out {
		if fast.out[i] != slow.out[i] || fast.idx[i] != slow.idx[i] {
			t.Fatalf("output %d: %g@%d, want %g@%d", i, fast.out[i], fast.idx[i], slow.out[i], slow.idx[i])
		}
	}
}

func TestGradPool3(t *testing.T) {
	in := Shape{1, 7, 7}
	net, err := New(in, 8, NewConv2D("c", 2, 2, 1, 0), NewMaxPool2D("p", 3), NewFlatten(""), NewDense("out", 3))
	if err != nil {
		t.Fatal(err)
	}
	checkGrads(t, net, randData(4, in, 3, 9))
}

// TestIm2rowFast checks the stride-1, unpadded copy path of im2row against
// the general loop (run with a padding of 0 through the strided path).
func TestIm2rowFast(t *testing.T) {
	in := Shape{3, 6, 7}
	fast := NewConv2D("a", 2, 3, 1, 0)

	fast.setup(in, "a")

	x := randData(1, in, 1, 1).X
	// The second of two samples: columns 20…39 of the 27×40 transposed
	// patch matrix.
	a := make([]float32, 27*40)
	b := make([]float32, 27*40)
	fast.im2row(x, a, 40, 20)
	// The definition.
	q := 0
	for i := 0; i < 4; i++ {
		for j := 0; j < 5; j++ {
			r := 0
			for c := 0; c < 3; c++ {
				for u := 0; u < 3; u++ {
					for v := 0; v < 3; v++ {
						b[r*40+20+q] = x[c*42+(i+u)*7+j+v]
						r++
					}
				}
			}
			q++
		}
	}
	if !slices.Equal(a, b) {
		t.Error("im2row fast path differs from the definition")
	}
}
