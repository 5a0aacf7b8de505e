package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// partF32Ref is Partition3F32's definition.
func partF32Ref(v []float32, p float32) (lo, hi []float32) {
	for _, x := range v {
		if x < p {
			lo = append(lo, x)
		} else if x > p {
			hi = append(hi, x)
		}
	}
	return lo, hi
}

func sameBits32All(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}

// TestPartition3F32: every variant splits values around a pivot as the
// definition does (order kept, equal values and NaN in neither side), into
// separate buffers and with lo in place over v, for every length 0–100
// (around the 16 lanes and their multiples), with ties, zeros of both
// signs, infinities, subnormals and NaN, and writes nothing past len(v).
func TestPartition3F32(t *testing.T) {
	old := partF32Best
	t.Cleanup(func() { partF32Best = old })
	rng := rand.New(rand.NewPCG(15, 16))
	nan := float32(math.NaN())
	special := []float32{nan, float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32}
	for _, im := range partF32Impls {
		partF32Best = im
		for trial := 0; trial < 1000; trial++ {
			n := trial % 101
			v := make([]float32, n)
			for q := range v {
				v[q] = float32(rng.IntN(12)) // ties
				if rng.Float64() < 0.1 {
					v[q] = special[rng.IntN(len(special))]
				}
			}
			p := float32(rng.IntN(14) - 1)
			if trial%25 == 0 {
				p = special[rng.IntN(len(special))]
			}
			wl, wh := partF32Ref(v, p)
			lo, hi := make([]float32, n+1), make([]float32, n+1)
			lo[n], hi[n] = 42, 42
			nl, nh := Partition3F32(v, p, lo[:n], hi[:n])
			if !sameBits32All(lo[:nl], wl) || !sameBits32All(hi[:nh], wh) || lo[n] != 42 || hi[n] != 42 {
				t.Fatalf("%s n=%d p=%v: lo %v hi %v, want %v %v", im.name, n, p, lo[:nl], hi[:nh], wl, wh)
			}
			in := slices.Clone(v)
			nl, nh = Partition3F32(in, p, in, hi[:n])
			if !sameBits32All(in[:nl], wl) || !sameBits32All(hi[:nh], wh) {
				t.Fatalf("%s n=%d p=%v in place: lo %v hi %v, want %v %v", im.name, n, p, in[:nl], hi[:nh], wl, wh)
			}
		}
	}
	for _, im := range partF32Impls {
		t.Logf("partition variant %s", im.name)
	}
}

// FuzzPartition3F32: every variant of Partition3F32 equals its pure-Go
// twin bit for bit on arbitrary float32 values and pivots (raw bits), lo
// in place or not.
func FuzzPartition3F32(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(33), uint32(0x3f800000), false)
	f.Add([]byte{0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0xff, 0, 0, 0, 0x80}, uint8(40), uint32(0x80000000), true)
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8, pbits uint32, inPlace bool) {
		n := int(n8)
		v := make([]float32, n)
		if len(data) > 0 {
			for q := range v {
				var u uint32
				for b := range 4 {
					u |= uint32(data[(4*q+b)%len(data)]) << (8 * b)
				}
				v[q] = math.Float32frombits(u)
			}
		}
		p := math.Float32frombits(pbits)
		wl, wh := make([]float32, n), make([]float32, n)
		var ml, mh int
		if n > 0 {
			ml, mh = partition3F32Go(&v[0], n, p, &wl[0], &wh[0])
		}
		old := partF32Best
		defer func() { partF32Best = old }()
		for _, im := range partF32Impls {
			partF32Best = im
			in := slices.Clone(v)
			lo, hi := make([]float32, n), make([]float32, n)
			if inPlace {
				lo = in
			}
			nl, nh := Partition3F32(in, p, lo, hi)
			if nl != ml || nh != mh || !sameBits32All(lo[:nl], wl[:ml]) || !sameBits32All(hi[:nh], wh[:mh]) {
				t.Fatalf("%s n=%d p=%v: %v %v, twin %v %v", im.name, n, p, lo[:nl], hi[:nh], wl[:ml], wh[:mh])
			}
		}
	})
}
