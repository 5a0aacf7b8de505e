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

// fuzzFloats returns n values read from data, starting at byte off: with
// raw, the IEEE-754 bits of 8 bytes each (NaN, ±Inf, subnormals and ±0
// included); otherwise int16 pairs scaled by 1/64. Data is read cyclically;
// empty data gives zeros.
func fuzzFloats(data []byte, n, off int, raw bool) []float64 {
	x := make([]float64, n)
	if len(data) == 0 {
		return x
	}
	at := func(i int) byte { return data[(off+i)%len(data)] }
	for i := range x {
		if raw {
			var u uint64
			for k := 0; k < 8; k++ {
				u |= uint64(at(8*i+k)) << (8 * k)
			}
			x[i] = math.Float64frombits(u)
		} else {
			x[i] = float64(int16(uint16(at(2*i))|uint16(at(2*i+1))<<8)) / 64
		}
	}
	return x
}

// sameBits reports whether x and y are the same float64, bit for bit, or
// both NaN (the payload of a NaN is not specified).
func sameBits(x, y float64) bool {
	return math.Float64bits(x) == math.Float64bits(y) || (x != x && y != y)
}

// FuzzDist2 runs every Dist2Acc variant and Dist2 with it against the
// pure-Go twin on arbitrary values: the results agree bit for bit.
func FuzzDist2(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(40), false)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0x80}, uint8(70), true)
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8, raw bool) {
		n := int(n8)
		a := fuzzFloats(data, n, 0, raw)
		b := fuzzFloats(data, n, 3, raw)
		m := n &^ (Dist2Lanes - 1)
		var init [32]float64
		for l := range init {
			init[l] = float64(l) / 4
		}
		want := init
		dist2AccGo(a[:m], b[:m], &want)
		old := dist2Best
		defer func() { dist2Best = old }()
		dist2Best = dist2Impls[len(dist2Impls)-1]
		wantD := Dist2(a, b)
		for _, im := range dist2Impls {
			got := init
			if m > 0 {
				im.f(&a[0], &b[0], m, &got)
			}
			for l := range got {
				if !sameBits(got[l], want[l]) {
					t.Fatalf("%s n=%d: s[%d] = %v, twin %v", im.name, m, l, got[l], want[l])
				}
			}
			dist2Best = im
			if d := Dist2(a, b); !sameBits(d, wantD) {
				t.Fatalf("%s n=%d: Dist2 = %v, twin %v", im.name, n, d, wantD)
			}
		}
	})
}

// TestDist2Short: below Dist2Lanes elements Dist2 is, bit for bit,
// Dist2Sum of a zeroed scratch (its specification), with no allocation.
func TestDist2Short(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range Dist2Lanes + 3 {
		a, b := make([]float64, n), make([]float64, n)
		for i := range a {
			a[i], b[i] = r.NormFloat64()*1e3, r.NormFloat64()
		}
		var s [32]float64
		m := n &^ (Dist2Lanes - 1)
		if m > 0 {
			Dist2Acc(&s, a[:m], b[:m])
		}
		want := Dist2Sum(&s, a[m:], b[m:])
		if got := Dist2(a, b); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("n=%d: Dist2 = %v, want %v", n, got, want)
		}
	}
	a, b := make([]float64, 20), make([]float64, 20)
	if allocs := testing.AllocsPerRun(100, func() { Dist2(a, b) }); allocs != 0 {
		t.Fatalf("Dist2 of 20 elements allocates %v times", allocs)
	}
}

// TestSqDiffMatchesTwin: every SqDiff variant equals the pure-Go twin bit
// for bit, and the twin is within γ_{n+2} of the exact sum.
func TestSqDiffMatchesTwin(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, im := range sqDiffs {
		for _, n := range []int{0, 32, 64, 96, 128, 256, 800} {
			a := make([]float64, n+3)
			b := make([]float64, n+3)
			for i := range a {
				a[i] = r.NormFloat64() * 1e3
				b[i] = a[i] + r.NormFloat64()*math.Ldexp(1, r.IntN(40)-20)
			}
			want := sqDiffGo(a[:n], b[:n])
			got := 0.0
			if n > 0 {
				got = im.f(&a[0], &b[0], n)
			}
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("%s n=%d: %v, twin %v", im.name, n, got, want)
			}
			var exact float64 // compensated reference
			var c float64
			for i := range n {
				d := a[i] - b[i]
				y := d*d - c
				s := exact + y
				c = (s - exact) - y
				exact = s
			}
			if g := float64(n+2) * 0x1p-53; math.Abs(want-exact) > 2*g*exact {
				t.Fatalf("n=%d: %v, exact %v", n, want, exact)
			}
		}
	}
	if got := SqDiff([]float64{}, []float64{}); got != 0 {
		t.Fatalf("SqDiff of nothing = %v", got)
	}
}
