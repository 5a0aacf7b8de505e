package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randF32(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

var sentinel = float32(math.Float32frombits(0x7fc0dead)) // a NaN payload

// checkTile runs im and its pure-Go twin on the same panels and compares
// every tile entry within the float32 error bound; entries of c outside the
// tile (the guard band) must be untouched.
func checkTile(t *testing.T, im impl, a, b []float32, kc int, acc bool, init float32) {
	t.Helper()
	mr, nr := im.mr, im.nr
	ldc := nr + 5
	const guard = 37
	mk := func() []float32 {
		c := make([]float32, guard+mr*ldc+guard)
		for i := range c {
			c[i] = sentinel
		}
		for r := 0; r < mr; r++ {
			for j := 0; j < nr; j++ {
				c[guard+r*ldc+j] = init
			}
		}
		return c
	}
	got, want := mk(), mk()
	var ap, bp *float32
	if kc > 0 {
		ap, bp = &a[0], &b[0]
	} else {
		ap, bp = new(float32), new(float32)
	}
	im.tile(ap, bp, kc, &got[guard], ldc, acc)
	tileGo(mr, nr, a, b, kc, want[guard:], ldc, acc)
	for i := range got {
		r, j := (i-guard)/ldc, (i-guard)%ldc
		inTile := i >= guard && r < mr && j < nr
		if !inTile {
			if math.Float32bits(got[i]) != math.Float32bits(sentinel) {
				t.Fatalf("%s kc=%d: guard band overwritten at %d", im.name, kc, i)
			}
			continue
		}
		var abs float64
		for k := 0; k < kc; k++ {
			abs += math.Abs(float64(a[k*mr+r]) * float64(b[k*nr+j]))
		}
		if acc {
			abs += math.Abs(float64(init))
		}
		tol := float64(2*kc+4) * u32 * abs
		if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= tol) {
			t.Fatalf("%s kc=%d acc=%v tile[%d][%d] = %g, twin %g (tol %g)", im.name, kc, acc, r, j, got[i], want[i], tol)
		}
	}
}

func TestTileMatchesTwin(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sizes := []int{}
	for kc := 0; kc <= 67; kc++ {
		sizes = append(sizes, kc)
	}
	sizes = append(sizes, 255, 256, 1000)
	for _, im := range available {
		for _, kc := range sizes {
			a := randF32(r, kc*im.mr)
			b := randF32(r, kc*im.nr)
			checkTile(t, im, a, b, kc, false, 0)
			checkTile(t, im, a, b, kc, true, 1.5)
		}
	}
	t.Logf("variants: %d, in use: %s", len(available), Variant())
}

// useImpl makes im the micro-kernel of the exported functions until the
// test ends.
func useImpl(t *testing.T, im impl) {
	old := best
	best = im
	t.Cleanup(func() { best = old })
}

func TestDotsOddSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	type shape struct{ m, n, d int }
	var shapes []shape
	for s := 0; s <= 67; s += 1 + s/7 {
		shapes = append(shapes, shape{s, (s*5 + 3) % 68, (s * 7) % 68})
	}
	shapes = append(shapes, shape{200, 97, 300}, shape{193, 385, 2100}, shape{1, 1, 4500})
	if testing.Short() { // 193 rows still span two blocks and d = 2100 two flushes
		shapes[len(shapes)-2].n = 13
	}
	for _, im := range available {
		useImpl(t, im)
		for _, s := range shapes {
			x, y := randF32(r, s.m*s.d), randF32(r, s.n*s.d)
			got := make([]float64, s.m*s.n)
			Dots(got, x, s.m, y, s.n, s.d, 2)
			nx, ny := Norms(x, s.m, s.d), Norms(y, s.n, s.d)
			for i := 0; i < s.m; i++ {
				for j := 0; j < s.n; j++ {
					var w float64
					for k := 0; k < s.d; k++ {
						w += float64(x[i*s.d+k]) * float64(y[j*s.d+k])
					}
					tol := Tau(s.d) * math.Sqrt(nx[i]*ny[j])
					if e := math.Abs(got[i*s.n+j] - w); !(e <= tol) {
						t.Fatalf("%s %v: dot[%d][%d] = %g, want %g (tol %g)", im.name, s, i, j, got[i*s.n+j], w, tol)
					}
				}
			}
		}
	}
}

func TestGramSymmetricAndThreadFree(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range []struct{ n, d int }{{0, 3}, {1, 5}, {50, 0}, {301, 77}, {200, 2049}} {
		x := randF32(r, s.n*s.d)
		g1 := Gram(x, s.n, s.d, 1)
		g3 := Gram(x, s.n, s.d, 3)
		want := make([]float64, s.n*s.n)
		Dots(want, x, s.n, x, s.n, s.d, 1)
		for i := range g1 {
			if g1[i] != g3[i] || g1[i] != want[i] {
				t.Fatalf("n=%d d=%d: entry %d: 1 thread %g, 3 threads %g, Dots %g", s.n, s.d, i, g1[i], g3[i], want[i])
			}
		}
		for i := 0; i < s.n; i++ {
			for j := 0; j < i; j++ {
				if g1[i*s.n+j] != g1[j*s.n+i] {
					t.Fatalf("not symmetric at %d,%d", i, j)
				}
			}
		}
	}
}

func TestSqDist(t *testing.T) {
	x := []float32{0, 0, 3, 4, 1, 1}
	got := make([]float64, 9)
	SqDist(got, x, 3, x, 3, 2, 1)
	want := []float64{0, 25, 2, 25, 0, 13, 2, 13, 0}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Fatalf("SqDist = %v, want %v", got, want)
		}
	}
}

func TestPeakFlops(t *testing.T) {
	for _, im := range peakImpls {
		old := peakBest
		peakBest = im
		f := PeakFlops(10)
		peakBest = old
		if f != 10*im.flops || im.flops < 16 {
			t.Errorf("%s: PeakFlops(10) = %g, %g flops per iteration", im.name, f, im.flops)
		}
	}
	// The scalar loop converges to the fixed point 1 of a ← 0.999·a + 0.001.
	if s := peakLoopGo(20000); math.Abs(float64(s)-8) > 1e-2 {
		t.Errorf("peakLoopGo: sum %g, want 8", s)
	}
	// Five iterations from 0, 1, …, 7: 28·0.999⁵ + 8·(1 − 0.999⁵).
	peakImpls[len(peakImpls)-1].loop(5)
	if q := math.Pow(0.999, 5); math.Abs(float64(peakSink)-(28*q+8*(1-q))) > 1e-4 {
		t.Errorf("peakSink = %g after 5 iterations, want %g", peakSink, 28*q+8*(1-q))
	}
	if f := PeakFlops(10); f <= 0 {
		t.Fatalf("PeakFlops(10) = %g", f)
	}
}

func FuzzTile(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(3), false)
	f.Add([]byte{255, 0, 128, 7}, uint8(0), true)
	f.Fuzz(func(t *testing.T, data []byte, kc8 uint8, acc bool) {
		kc := int(kc8 % 70)
		for _, im := range available {
			a := make([]float32, kc*im.mr)
			b := make([]float32, kc*im.nr)
			for i := range a {
				if len(data) > 0 {
					a[i] = float32(int8(data[i%len(data)])) / 16
				}
			}
			for i := range b {
				if len(data) > 0 {
					b[i] = float32(int8(data[(i*7+3)%len(data)])) / 8
				}
			}
			checkTile(t, im, a, b, kc, acc, 0.25)
		}
	})
}

// TestAddGramUpperTiles: AddGram, which runs only the tiles on or above the
// diagonal and mirrors them, equals Dots of the rows with themselves (every
// tile run) bit for bit, with each tile variant, on shapes with partial
// tiles, one and several blocks, and one and several flushes.
func TestAddGramUpperTiles(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, im := range available {
		useImpl(t, im)
		for _, s := range []struct{ n, d int }{{1, 7}, {13, 40}, {33, 300}, {BlockRows, 129}, {BlockRows + 45, 64}, {2*BlockRows + 7, 33}, {70, FlushEvery + 100}} {
			x := randF32(r, s.n*s.d)
			want := make([]float64, s.n*s.n)
			Dots(want, x, s.n, x, s.n, s.d, 1)
			for _, th := range []int{1, 3} {
				g := make([]float64, s.n*s.n)
				for i := range g {
					g[i] = float64(i % 5) // AddGram adds
				}
				AddGram(g, Pack(x, s.n, s.d), th)
				for i := range g {
					if w := want[i] + float64(i%5); math.Float64bits(g[i]) != math.Float64bits(w) {
						t.Fatalf("%s %v threads %d: g[%d] = %v, want %v", im.name, s, th, i, g[i], w)
					}
				}
			}
		}
	}
}
