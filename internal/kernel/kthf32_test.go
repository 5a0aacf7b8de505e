package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKthF32: every variant returns the k-th smallest (that of a sorted
// copy, equal as a value) for every k, on lengths 1 … 700 (around the
// final register of 16 and the partition's 16 lanes), with many ties,
// zeros of both signs, infinities and subnormals, and writes nothing past
// len(v) in v or tmp.
func TestKthF32(t *testing.T) {
	old := kthF32Best
	t.Cleanup(func() { kthF32Best = old })
	rng := rand.New(rand.NewPCG(23, 24))
	special := []float32{float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32}
	for _, im := range kthF32Impls {
		kthF32Best = im
		for trial := range 400 {
			n := 1 + trial%40
			if trial%2 == 1 {
				n = 1 + rng.IntN(700)
			}
			v := make([]float32, n+1)
			for q := range v[:n] {
				switch {
				case trial%3 == 0:
					v[q] = float32(rng.IntN(5)) // ties
				case rng.Float64() < 0.05:
					v[q] = special[rng.IntN(len(special))]
				default:
					v[q] = float32(rng.NormFloat64())
				}
			}
			sorted := slices.Clone(v[:n])
			slices.Sort(sorted)
			tmp := make([]float32, n+1)
			ks := []int{1, n, 1 + n/5, 1 + n/2, 1 + rng.IntN(n)}
			if n <= 40 {
				ks = ks[:0]
				for k := 1; k <= n; k++ {
					ks = append(ks, k)
				}
			}
			for _, k := range ks {
				w := slices.Clone(v)
				w[n], tmp[n] = 42, 42
				if got := KthF32(w[:n], tmp[:n], k); got != sorted[k-1] || w[n] != 42 || tmp[n] != 42 {
					t.Fatalf("%s n=%d k=%d: %v, want %v (guards %v %v)", im.name, n, k, got, sorted[k-1], w[n], tmp[n])
				}
			}
		}
	}
	for _, im := range kthF32Impls {
		t.Logf("k-th float32 variant %s", im.name)
	}
}

// FuzzKthF32: every variant equals the sort's k-th on arbitrary non-NaN
// values (raw bits; a NaN is replaced by its position).
func FuzzKthF32(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 0x3f, 9}, uint16(40), uint16(7))
	f.Add([]byte{0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0x80, 0xff}, uint16(300), uint16(100))
	f.Fuzz(func(t *testing.T, data []byte, n16, k16 uint16) {
		n := 1 + int(n16)%600
		k := 1 + int(k16)%n
		v := make([]float32, n)
		for q := range v {
			var u uint32
			if len(data) > 0 {
				for b := range 4 {
					u |= uint32(data[(4*q+b)%len(data)]) << (8 * b)
				}
			}
			v[q] = math.Float32frombits(u)
			if v[q] != v[q] {
				v[q] = float32(q)
			}
		}
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		old := kthF32Best
		defer func() { kthF32Best = old }()
		for _, im := range kthF32Impls {
			kthF32Best = im
			if got := KthF32(slices.Clone(v), make([]float32, n), k); got != sorted[k-1] {
				t.Fatalf("%s n=%d k=%d: %v, want %v", im.name, n, k, got, sorted[k-1])
			}
		}
	})
}
