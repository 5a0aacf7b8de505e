package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDots64 compares Dots64 with plain float64 dot products on odd shapes
// within the bound γ_d·Σ|aₖbₖ|, for every variant and thread count; every
// variant and thread count gives the same bits (the pure-Go twin included).
func TestDots64(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	shapes := []struct{ m, n, d int }{{0, 3, 4}, {1, 1, 1}, {5, 7, 0}, {37, 23, 19}, {13, 64, 300}, {100, 9, 777}, {48, 32, 20}, {48, 64, 300}} // 48×32, 48×64: whole tiles, written in place
	for _, s := range shapes {
		a := make([]float64, s.m*s.d)
		b := make([]float64, s.n*s.d)
		for i := range a {
			a[i] = r.NormFloat64()
		}
		for i := range b {
			b[i] = r.NormFloat64() * 1e-3
		}
		var ref []float64
		for _, im := range available64 {
			old := best64
			best64 = im
			for _, threads := range []int{1, 3} {
				got := make([]float64, s.m*s.n)
				Dots64(got, a, s.m, PackRight64(b, s.n, s.d), threads)
				if ref == nil {
					ref = got
				}
				for i := 0; i < s.m; i++ {
					for j := 0; j < s.n; j++ {
						var want, abs float64
						for k := 0; k < s.d; k++ {
							want += a[i*s.d+k] * b[j*s.d+k]
							abs += math.Abs(a[i*s.d+k] * b[j*s.d+k])
						}
						g := got[i*s.n+j]
						if math.Abs(g-want) > 2*float64(s.d+1)*0x1p-53*abs {
							t.Fatalf("%s %v threads %d: [%d,%d] = %v, want %v", im.name, s, threads, i, j, g, want)
						}
						if math.Float64bits(g) != math.Float64bits(ref[i*s.n+j]) {
							t.Fatalf("%s %v threads %d: [%d,%d] = %v differs from %v", im.name, s, threads, i, j, g, ref[i*s.n+j])
						}
					}
				}
			}
			best64 = old
		}
	}
}

// TestDots64IsGram64: the products of a matrix with itself are Gram64's
// entries bit for bit, in place (whole tiles) or not.
func TestDots64IsGram64(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, s := range []struct{ n, d int }{{48, 20}, {96, 7}, {50, 13}, {130, 300}} {
		a := make([]float64, s.n*s.d)
		for i := range a {
			a[i] = r.NormFloat64()
		}
		want := Gram64(a, s.n, s.d, 1)
		got := make([]float64, s.n*s.n)
		Dots64(got, a, s.n, PackRight64(a, s.n, s.d), 1)
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%v: [%d] = %v, Gram64 %v", s, i, got[i], want[i])
			}
		}
	}
}
