package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCentreF32: the variant in use (AVX-512 where the CPU has it) gives
// the Go loop's values and lane sums bit for bit, on values of every
// scale (float32 overflow, subnormal results, NaN, ±Inf), lengths off and
// on multiples of 32, and in chunks (the lanes carried over) as on the
// whole row; and the definition: dst is float32 of the centred, scaled
// value and the lanes sum its squares.
func TestCentreF32(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 11))
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0x1p-140, -0x1p127, float32(math.Copysign(0, -1))}
	for _, n := range []int{0, 1, 31, 32, 33, 64, 100, 256, 613} {
		for trial := 0; trial < 4; trial++ {
			row := make([]float32, n)
			mean := make([]float64, n)
			for j := range row {
				row[j] = float32(r.NormFloat64() * math.Ldexp(1, r.IntN(40)-20))
				mean[j] = r.NormFloat64()
				if trial == 3 && r.IntN(8) == 0 {
					row[j] = special[r.IntN(len(special))]
				}
			}
			scale := math.Ldexp(1, r.IntN(300)-150)
			var want [32]float64
			wdst := make([]float32, n)
			m := n &^ 31
			centreF32Go(wdst[:m], row[:m], mean[:m], scale, &want)
			for j := m; j < n; j++ {
				c := (float64(row[j]) - mean[j]) * scale
				wdst[j] = float32(c)
				want[0] += float64(c * c)
			}
			for j := range row {
				c := (float64(row[j]) - mean[j]) * scale
				if math.Float32bits(wdst[j]) != math.Float32bits(float32(c)) && !(wdst[j] != wdst[j] && c != c) {
					t.Fatalf("n=%d: dst[%d] = %v, want %v", n, j, wdst[j], float32(c))
				}
			}
			var lane [32]float64
			for j := 0; j < m; j++ {
				c := (float64(row[j]) - mean[j]) * scale
				lane[j%32] += float64(c * c)
			}
			for j := m; j < n; j++ {
				c := (float64(row[j]) - mean[j]) * scale
				lane[0] += float64(c * c)
			}
			same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b }
			for l := range lane {
				if !same(lane[l], want[l]) {
					t.Fatalf("n=%d: Go lane %d = %v, want %v", n, l, want[l], lane[l])
				}
			}
			for _, chunk := range []int{32, 64, 256, n + 1} {
				var got [32]float64
				dst := make([]float32, n)
				for k0 := 0; k0 < n; k0 += chunk {
					k1 := min(k0+chunk, n)
					CentreF32(dst[k0:k1], row[k0:k1], mean[k0:k1], scale, &got)
				}
				for j := range dst {
					if math.Float32bits(dst[j]) != math.Float32bits(wdst[j]) {
						t.Fatalf("n=%d chunk %d: dst[%d] = %v, want %v", n, chunk, j, dst[j], wdst[j])
					}
				}
				for l := range got {
					if !same(got[l], want[l]) {
						t.Fatalf("n=%d chunk %d: lane %d = %v, want %v", n, chunk, l, got[l], want[l])
					}
				}
			}
		}
	}
}

// TestPackRightChunks: packing from chunks gives PackRightFunc's panels
// (padding rows zero), for widths on and off the chunk size and row
// counts on and off the panel width, and reuses the buffer.
func TestPackRightChunks(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	var got Packed
	for _, n := range []int{1, 5, 32, 33, 70} {
		for _, d := range []int{1, 31, 256, 300, 600} {
			x := make([]float32, n*d)
			for i := range x {
				x[i] = float32(r.NormFloat64())
			}
			var want Packed
			want.PackRightFunc(n, d, func(i int, dst []float32) { copy(dst, x[i*d:(i+1)*d]) })
			for i := range got.bbuf {
				got.bbuf[i] = 7 // stale values must not survive
			}
			got.PackRightChunks(n, d, func(i, k0 int, dst []float32) {
				if k0%256 != 0 || len(dst) != min(256, d-k0) {
					t.Fatalf("%d×%d: chunk at %d of %d features", n, d, k0, len(dst))
				}
				copy(dst, x[i*d+k0:])
			})
			if got.N != want.N || got.D != want.D || got.Rows != want.Rows || got.a != nil || len(got.b) != len(want.b) {
				t.Fatalf("%d×%d: shape %d %d %d, want %d %d %d", n, d, got.N, got.D, got.Rows, want.N, want.D, want.Rows)
			}
			for i := range want.b {
				if got.b[i] != want.b[i] {
					t.Fatalf("%d×%d: b[%d] = %v, want %v", n, d, i, got.b[i], want.b[i])
				}
			}
		}
	}
}

// TestTransposeInto: the 8×8 blocks (AVX where available) and the Go
// edges transpose every shape into a strided destination, leaving the
// rest of it untouched.
func TestTransposeInto(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 15))
	for _, h := range []int{1, 7, 8, 9, 16, 31, 32} {
		for _, kc := range []int{1, 8, 13, 64, 256} {
			for _, w := range []int{h, 32, 40} {
				if w < h {
					continue
				}
				src := make([]float32, h*kc)
				for i := range src {
					src[i] = float32(r.NormFloat64())
				}
				dst := make([]float32, kc*w+3)
				for i := range dst {
					dst[i] = -1
				}
				transposeInto(dst, w, src, h, kc)
				for k := 0; k < kc; k++ {
					for c := 0; c < w; c++ {
						want := float32(-1)
						if c < h {
							want = src[c*kc+k]
						}
						if dst[k*w+c] != want {
							t.Fatalf("h %d kc %d w %d: dst[%d·w + %d] = %v, want %v", h, kc, w, k, c, dst[k*w+c], want)
						}
					}
				}
				for _, v := range dst[kc*w:] {
					if v != -1 {
						t.Fatalf("h %d kc %d w %d: wrote past the block", h, kc, w)
					}
				}
			}
		}
	}
}

// TestGramChunks: the Gram matrix from chunks, FlushEvery features at a
// time, is Gram's bit for bit, for widths below, at and past a flush.
func TestGramChunks(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 19))
	for _, n := range []int{1, 5, 80, 200} {
		for _, d := range []int{1, 300, FlushEvery, FlushEvery + 1, 2*FlushEvery + 700} {
			x := make([]float32, n*d)
			for i := range x {
				x[i] = float32(r.NormFloat64())
			}
			want := Gram(x, n, d, 2)
			got := GramChunks(n, d, func(i, k0 int, dst []float32) { copy(dst, x[i*d+k0:]) }, 2)
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%d×%d: g[%d] = %v, want %v", n, d, i, got[i], want[i])
				}
			}
		}
	}
}

// TestGramChunksBlock: GramChunks of at most BlockRows rows, 256 features
// at a time (gramChunksBlock), is Gram's bit for bit with each tile
// variant, for rows filling whole, partial and single panels and widths
// within a kernel block, at a flush and across several; chunk is called
// once for every row and 256 features, each row's in increasing order.
func TestGramChunksBlock(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	for _, im := range available {
		useImpl(t, im)
		for _, n := range []int{1, 12, 31, 33, 150, BlockRows} {
			for _, d := range []int{1, 255, 257, FlushEvery, FlushEvery + 1, 2*FlushEvery + 700} {
				if testing.Short() && n*d > 100_000 {
					continue
				}
				x := make([]float32, n*d)
				for i := range x {
					x[i] = float32(r.NormFloat64())
				}
				want := Gram(x, n, d, 2)
				next := make([]int, n)
				got := GramChunks(n, d, func(i, k0 int, dst []float32) {
					if k0 != next[i] || len(dst) != min(256, d-k0) {
						t.Fatalf("%s %d×%d: row %d chunk at %d of %d, want at %d", im.name, n, d, i, k0, len(dst), next[i])
					}
					next[i] += len(dst)
					copy(dst, x[i*d+k0:])
				}, 2)
				for i, v := range next {
					if v != d {
						t.Fatalf("%s %d×%d: row %d chunked up to %d", im.name, n, d, i, v)
					}
				}
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%s %d×%d: g[%d] = %v, want %v", im.name, n, d, i, got[i], want[i])
					}
				}
			}
		}
	}
}
