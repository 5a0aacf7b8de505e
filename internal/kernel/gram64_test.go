package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTile64MatchesTwin: the float64 assembly equals its twin bit for bit
// (both are sequences of correctly rounded fused multiply-adds).
func TestTile64MatchesTwin(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, im := range available64 {
		for _, kc := range append([]int{0, 1, 2, 3, 5, 17, 67}, 128, 300) {
			a := make([]float64, kc*im.mr+1)
			b := make([]float64, kc*im.nr+1)
			for i := range a {
				a[i] = r.NormFloat64()
			}
			for i := range b {
				b[i] = r.NormFloat64()
			}
			for _, acc := range []bool{false, true} {
				ldc := im.nr + 3
				got := make([]float64, im.mr*ldc+5)
				want := make([]float64, im.mr*ldc+5)
				for i := range got {
					got[i], want[i] = float64(i)*0.5, float64(i)*0.5
				}
				im.tile(&a[0], &b[0], kc, &got[0], ldc, acc)
				tileGo64(im.mr, im.nr, a, b, kc, want, ldc, acc)
				for i := range got {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%s kc=%d acc=%v: c[%d] = %v, twin %v", im.name, kc, acc, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestGram64 compares with plain float64 dot products on odd shapes, for
// every variant and thread count; results agree across threads bit for bit.
func TestGram64(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	shapes := []struct{ n, d int }{{0, 4}, {1, 1}, {13, 0}, {37, 23}, {67, 130}, {200, 257}, {100, 4100}}
	if testing.Short() { // fewer rows; d = 4100 still spans two feature chunks
		shapes[6].n = 13
	}
	for _, im := range available64 {
		old := best64
		best64 = im
		for _, s := range shapes {
			a := make([]float64, s.n*s.d)
			for i := range a {
				a[i] = r.NormFloat64()
			}
			g := Gram64(a, s.n, s.d, 1)
			g3 := Gram64(a, s.n, s.d, 3)
			for i := 0; i < s.n; i++ {
				for j := 0; j < s.n; j++ {
					var w, abs float64
					for k := 0; k < s.d; k++ {
						w += a[i*s.d+k] * a[j*s.d+k]
						abs += math.Abs(a[i*s.d+k] * a[j*s.d+k])
					}
					if e := math.Abs(g[i*s.n+j] - w); e > float64(2*s.d+2)*0x1p-53*abs {
						t.Fatalf("%s %v: G[%d,%d] = %v, want %v", im.name, s, i, j, g[i*s.n+j], w)
					}
					if g[i*s.n+j] != g3[i*s.n+j] || g[i*s.n+j] != g[j*s.n+i] {
						t.Fatalf("%s %v: thread-dependent or asymmetric at %d,%d", im.name, s, i, j)
					}
				}
			}
		}
		best64 = old
	}
}

// FuzzGram64 runs every float64 micro-kernel against tileGo64, and Gram64
// with every variant against Gram64 with the pure-Go twin, on arbitrary
// values and shapes (d up to 299 spans three kc64 blocks): the results agree
// bit for bit.
func FuzzGram64(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(13), uint16(140), false, false)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0x7f, 9, 0, 0, 0, 0, 0, 0, 0x80}, uint8(5), uint16(3), true, true)
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8, d16 uint16, raw, acc bool) {
		n, d := int(n8%40), int(d16%300)
		for _, im := range available64 {
			kc := min(d, kc64)
			a := fuzzFloats(data, kc*im.mr, 0, raw)
			b := fuzzFloats(data, kc*im.nr, 5, raw)
			ldc := im.nr + 1
			got := fuzzFloats(data, im.mr*ldc, 7, raw)
			want := append([]float64(nil), got...)
			var ap, bp *float64
			if kc > 0 {
				ap, bp = &a[0], &b[0]
			} else {
				ap, bp = new(float64), new(float64)
			}
			im.tile(ap, bp, kc, &got[0], ldc, acc)
			tileGo64(im.mr, im.nr, a, b, kc, want, ldc, acc)
			for i := range got {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("%s kc=%d acc=%v: c[%d] = %v, twin %v", im.name, kc, acc, i, got[i], want[i])
				}
			}
		}
		x := fuzzFloats(data, n*d, 11, raw)
		old := best64
		defer func() { best64 = old }()
		best64 = available64[len(available64)-1]
		want := Gram64(x, n, d, 2)
		for _, im := range available64 {
			best64 = im
			got := Gram64(x, n, d, 2)
			for i := range got {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("%s n=%d d=%d: G[%d] = %v, twin %v", im.name, n, d, i, got[i], want[i])
				}
			}
		}
	})
}

// TestGram64ExactOrder: every entry is, bit for bit, the fused multiply-add
// chain over each block of kc64 features, the blocks summed in order,
// whatever the row count (operands padded to whole tiles), the feature
// chunking (2000 and 5000 features span chunks of both widths) and the
// thread count.
func TestGram64ExactOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, im := range available64 {
		old := best64
		best64 = im
		for _, s := range []struct{ n, d int }{{1, 3}, {5, 129}, {13, 2000}, {20, 2000}, {33, 300}, {400, 130}, {7, 5000}} {
			a := make([]float64, s.n*s.d)
			for i := range a {
				a[i] = r.NormFloat64()
			}
			for _, th := range []int{1, 2} {
				g := Gram64(a, s.n, s.d, th)
				for i := 0; i < s.n; i++ {
					for j := 0; j < s.n; j++ {
						var w float64
						for k0 := 0; k0 < s.d; k0 += kc64 {
							var p float64
							for k := k0; k < min(k0+kc64, s.d); k++ {
								p = math.FMA(a[i*s.d+k], a[j*s.d+k], p)
							}
							if k0 == 0 {
								w = p
							} else {
								w += p
							}
						}
						if math.Float64bits(g[i*s.n+j]) != math.Float64bits(w) {
							t.Fatalf("%s %v threads %d: G[%d,%d] = %v, want %v", im.name, s, th, i, j, g[i*s.n+j], w)
						}
					}
				}
			}
		}
		best64 = old
	}
}

// TestGramCols64: the Gram matrix of the shifted columns equals, bit for
// bit, Gram64 of the transpose of the shifted rows, with and without a
// shift, across feature chunks and thread counts.
func TestGramCols64(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, im := range available64 {
		old := best64
		best64 = im
		for _, s := range []struct{ n, d int }{{1, 1}, {3, 2}, {20, 7}, {128, 20}, {129, 5}, {2000, 20}, {130, 13}, {5000, 7}, {300, 50}, {2000, 300}} {
			a := make([]float64, s.n*s.d)
			for i := range a {
				a[i] = r.NormFloat64() + 3
			}
			shift := make([]float64, s.d)
			for j := range shift {
				shift[j] = r.NormFloat64()
			}
			for _, sh := range [][]float64{nil, shift} {
				tr := make([]float64, s.n*s.d)
				for i := range s.n {
					for j := range s.d {
						v := a[i*s.d+j]
						if sh != nil {
							v -= sh[j]
						}
						tr[j*s.n+i] = v
					}
				}
				want := Gram64(tr, s.d, s.n, 1)
				for _, th := range []int{1, 3} {
					got := GramCols64(a, s.n, s.d, sh, th)
					for i := range want {
						if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
							t.Fatalf("%s %v shift %v threads %d: [%d] = %v, want %v", im.name, s, sh != nil, th, i, got[i], want[i])
						}
					}
				}
			}
		}
		best64 = old
	}
}

// TestGramColsFunc64: the Gram matrix of rows written by a function equals
// GramCols64 of the same rows in memory bit for bit (every micro-kernel,
// the direct small paths and the panels, across feature chunks and thread
// counts), and the rows are asked for once each, in order.
func TestGramColsFunc64(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, im := range available64 {
		old := best64
		best64 = im
		for _, s := range []struct{ n, d int }{{1, 1}, {3, 2}, {128, 30}, {129, 5}, {130, 25}, {300, 50}, {4500, 33}, {9000, 40}} {
			a := make([]float64, s.n*s.d)
			for i := range a {
				a[i] = r.NormFloat64() * 3
			}
			want := GramCols64(a, s.n, s.d, nil, 1)
			for _, th := range []int{1, 3} {
				next := 0
				got := GramColsFunc64(s.n, s.d, func(k int, dst []float64) {
					if k != next || len(dst) != s.d {
						t.Fatalf("%s %d×%d: row %d asked (len %d), want row %d", im.name, s.n, s.d, k, len(dst), next)
					}
					next++
					copy(dst, a[k*s.d:(k+1)*s.d])
				}, th)
				if next != s.n {
					t.Fatalf("%s %d×%d: %d rows asked, want %d", im.name, s.n, s.d, next, s.n)
				}
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%s %d×%d, %d threads: entry %d = %v, GramCols64 %v", im.name, s.n, s.d, th, i, got[i], want[i])
					}
				}
			}
		}
		best64 = old
	}
}
