package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// partRef is Partition3's definition.
func partRef(v []float64, p float64) (lo, hi []float64) {
	for _, x := range v {
		if x < p {
			lo = append(lo, x)
		} else if x > p {
			hi = append(hi, x)
		}
	}
	return lo, hi
}

func sameBitsAll(a, b []float64) bool {
	return slices.EqualFunc(a, b, sameBits)
}

// TestPartition3: every variant splits values around a pivot as the
// definition does (order kept, equal values and NaN in neither side), into
// separate buffers and with lo in place over v, for lengths around the
// vector width, with ties, zeros of both signs, infinities and NaN.
func TestPartition3(t *testing.T) {
	old := partBest
	t.Cleanup(func() { partBest = old })
	rng := rand.New(rand.NewPCG(13, 14))
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 0x1p-1074}
	for _, im := range partImpls {
		partBest = im
		for trial := 0; trial < 500; trial++ {
			n := rng.IntN(90)
			v := make([]float64, n)
			for q := range v {
				v[q] = float64(rng.IntN(12)) // ties
				if rng.Float64() < 0.1 {
					v[q] = special[rng.IntN(len(special))]
				}
			}
			p := float64(rng.IntN(14) - 1)
			if trial%25 == 0 {
				p = special[rng.IntN(len(special))]
			}
			wl, wh := partRef(v, p)
			lo, hi := make([]float64, n+1), make([]float64, n+1)
			lo[n], hi[n] = 42, 42
			nl, nh := Partition3(v, p, lo[:n], hi[:n])
			if !sameBitsAll(lo[:nl], wl) || !sameBitsAll(hi[:nh], wh) || lo[n] != 42 || hi[n] != 42 {
				t.Fatalf("%s n=%d p=%v: lo %v hi %v, want %v %v", im.name, n, p, lo[:nl], hi[:nh], wl, wh)
			}
			in := slices.Clone(v)
			nl, nh = Partition3(in, p, in, hi[:n])
			if !sameBitsAll(in[:nl], wl) || !sameBitsAll(hi[:nh], wh) {
				t.Fatalf("%s n=%d p=%v in place: lo %v hi %v, want %v %v", im.name, n, p, in[:nl], hi[:nh], wl, wh)
			}
		}
	}
	for _, im := range partImpls {
		t.Logf("partition variant %s", im.name)
	}
}

// FuzzPartition3: every variant of Partition3 equals its pure-Go twin bit
// for bit on arbitrary float64 values and pivots (raw bits), lo in place
// or not.
func FuzzPartition3(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(17), uint64(0x3ff0000000000000), false)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0, 0, 0, 0, 0, 0, 0xf0, 0xff}, uint8(40), uint64(0x8000000000000000), true)
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8, pbits uint64, inPlace bool) {
		n := int(n8)
		v := make([]float64, n)
		if len(data) > 0 {
			for q := range v {
				var u uint64
				for b := range 8 {
					u |= uint64(data[(8*q+b)%len(data)]) << (8 * b)
				}
				v[q] = math.Float64frombits(u)
			}
		}
		p := math.Float64frombits(pbits)
		wl, wh := make([]float64, n), make([]float64, n)
		var ml, mh int
		if n&^7 > 0 {
			ml, mh = partition3Go(&v[0], n&^7, p, &wl[0], &wh[0])
		}
		for _, x := range v[n&^7:] {
			if x < p {
				wl[ml] = x
				ml++
			} else if x > p {
				wh[mh] = x
				mh++
			}
		}
		old := partBest
		defer func() { partBest = old }()
		for _, im := range partImpls {
			partBest = im
			in := slices.Clone(v)
			lo, hi := make([]float64, n), make([]float64, n)
			if inPlace {
				lo = in
			}
			nl, nh := Partition3(in, p, lo, hi)
			if nl != ml || nh != mh || !sameBitsAll(lo[:nl], wl[:ml]) || !sameBitsAll(hi[:nh], wh[:mh]) {
				t.Fatalf("%s n=%d p=%v: %v %v, twin %v %v", im.name, n, p, lo[:nl], hi[:nh], wl[:ml], wh[:mh])
			}
		}
	})
}
