package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// mindRef is the scalar loop of estimate.MiNDML's derivatives as written
// there before MiNDTerms64, with each product rounded by a conversion: the
// Go spec lets a compiler fuse x*y + z unless a conversion intervenes, and
// arm64's does (amd64's never did, so the values there are unchanged).
func mindRef(l, d, kf float64) (t1, t2 float64) {
	rd := math.Exp(d * l)
	q := rd / (1 - rd)
	a := float64((kf - 1) * q)
	return l - float64(a*l), float64(float64(a/(1-rd))*l) * l
}

// TestMiNDTerms64: every variant gives the scalar loop's terms bit for bit,
// for lengths around the vector width, on logarithms of neighbour-distance
// ratios, on values whose d·l leaves [−700, 700] (math.Exp's overflow,
// subnormal and zero results), and on 0, ±Inf and NaN.
func TestMiNDTerms64(t *testing.T) {
	old := mindBest
	t.Cleanup(func() { mindBest = old })
	rng := rand.New(rand.NewPCG(7, 8))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -745, -710, -700, -699.99, 700, 709.5, 710, -1e300, 1e-310}
	for _, im := range mindImpls {
		mindBest = im
		for trial := range 400 {
			n := rng.IntN(70)
			l := make([]float64, n)
			for q := range l {
				l[q] = math.Log(rng.Float64()) // log ρ ≤ 0
				if trial%3 == 1 {
					l[q] = (rng.Float64() - 0.5) * 200
				}
				if trial%5 == 2 && rng.IntN(4) == 0 {
					l[q] = special[rng.IntN(len(special))]
				}
			}
			d := 0.1 + 10*rng.Float64()
			if trial%7 == 3 {
				d = []float64{1, 2, 7.5, 1e-3, 30}[rng.IntN(5)]
			}
			kf := float64(1 + rng.IntN(100))
			t1, t2 := make([]float64, n+1), make([]float64, n+1)
			t1[n], t2[n] = 42, 42
			MiNDTerms64(l, d, kf-1, t1[:n], t2[:n])
			for q, v := range l {
				w1, w2 := mindRef(v, d, kf)
				if !sameBits(t1[q], w1) || !sameBits(t2[q], w2) {
					t.Fatalf("%s n=%d l=%v d=%v k=%v: (%v, %v), want (%v, %v)", im.name, n, v, d, kf, t1[q], t2[q], w1, w2)
				}
			}
			if t1[n] != 42 || t2[n] != 42 {
				t.Fatalf("%s: wrote past the end", im.name)
			}
		}
	}
	for _, im := range mindImpls {
		t.Logf("MiND terms variant %s", im.name)
	}
}

// FuzzMiNDTerms64: every variant equals the scalar loop bit for bit on
// arbitrary values (raw bits), d and k.
func FuzzMiNDTerms64(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 0xbf, 9}, uint8(17), uint64(0x4000000000000000), uint8(20))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0xff, 0, 0, 0, 0, 0, 0, 0x86, 0xc0}, uint8(40), uint64(0x3fb999999999999a), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8, dbits uint64, k8 uint8) {
		n := int(n8)
		l := make([]float64, n)
		if len(data) > 0 {
			for q := range l {
				var u uint64
				for b := range 8 {
					u |= uint64(data[(8*q+b)%len(data)]) << (8 * b)
				}
				l[q] = math.Float64frombits(u)
			}
		}
		d, kf := math.Float64frombits(dbits), float64(k8)
		old := mindBest
		defer func() { mindBest = old }()
		for _, im := range mindImpls {
			mindBest = im
			t1, t2 := make([]float64, n), make([]float64, n)
			MiNDTerms64(l, d, kf-1, t1, t2)
			for q, v := range l {
				w1, w2 := mindRef(v, d, kf)
				if !sameBits(t1[q], w1) || !sameBits(t2[q], w2) {
					t.Fatalf("%s l=%v d=%v k=%v: (%v, %v), want (%v, %v)", im.name, v, d, kf, t1[q], t2[q], w1, w2)
				}
			}
		}
	})
}

func BenchmarkMiNDTerms64(b *testing.B) {
	old := mindBest
	b.Cleanup(func() { mindBest = old })
	rng := rand.New(rand.NewPCG(1, 2))
	l := make([]float64, 2000)
	for q := range l {
		l[q] = math.Log(rng.Float64())
	}
	t1, t2 := make([]float64, len(l)), make([]float64, len(l))
	for _, im := range mindImpls {
		b.Run(im.name, func(b *testing.B) {
			mindBest = im
			for b.Loop() {
				MiNDTerms64(l, 2.5, 19, t1, t2)
			}
		})
	}
}
