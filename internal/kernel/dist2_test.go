package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDist2AccMatchesTwin: every variant equals the pure-Go twin bit for
// bit, on lengths 0…67 (rounded down to the lane count) and a few large.
func TestDist2AccMatchesTwin(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, im := range dist2Impls {
		for _, n := range append([]int{0, 32, 64, 96, 800, 4096}, 33, 67) {
			n := n &^ 31
			a := make([]float64, n+3)
			b := make([]float64, n+3)
			for i := range a {
				a[i] = r.NormFloat64() * 1e3
				b[i] = a[i] + r.NormFloat64()*1e-9
			}
			var got, want [32]float64
			for l := range got {
				got[l], want[l] = float64(l), float64(l)
			}
			if n > 0 {
				im.f(&a[0], &b[0], n, &got)
			}
			dist2AccGo(a[:n], b[:n], &want)
			for l := range got {
				if math.Float64bits(got[l]) != math.Float64bits(want[l]) {
					t.Fatalf("%s n=%d: s[%d] = %v, twin %v", im.name, n, l, got[l], want[l])
				}
			}
		}
	}
}

// TestDist2Blocks: accumulating over blocks of 32·j columns equals Dist2.
func TestDist2Blocks(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for d := 0; d <= 200; d += 7 {
		a, b := make([]float64, d), make([]float64, d)
		var exact float64
		for i := range a {
			a[i], b[i] = r.NormFloat64(), r.NormFloat64()
			exact += (a[i] - b[i]) * (a[i] - b[i])
		}
		want := Dist2(a, b)
		if math.Abs(want-exact) > 1e-12*exact {
			t.Fatalf("d=%d: Dist2 = %v, want %v", d, want, exact)
		}
		var s [32]float64
		m := d &^ 31
		for c := 0; c < m; c += 32 {
			Dist2Acc(&s, a[c:c+32], b[c:c+32])
		}
		if got := Dist2Sum(&s, a[m:], b[m:]); got != want {
			t.Fatalf("d=%d: blocks %v, Dist2 %v", d, got, want)
		}
	}
}
