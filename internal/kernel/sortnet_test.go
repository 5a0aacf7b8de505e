package kernel

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortKeys: every variant of SortKeysIn sorts as slices.Sort does, for
// every length 0 … SortNetMax (each network's edges and padding), on keys
// with many ties, keys at both ends of the range (the padding's value
// among them) and random ones; ordered and reversed inputs.
func TestSortKeys(t *testing.T) {
	old := sortNetBest
	t.Cleanup(func() { sortNetBest = old })
	rng := rand.New(rand.NewPCG(31, 32))
	for _, im := range sortNets {
		for n := 0; n <= SortNetMax; n++ {
			for trial := range 12 {
				v := make([]uint64, n)
				for q := range v {
					switch trial % 4 {
					case 0:
						v[q] = rng.Uint64()
					case 1:
						v[q] = uint64(rng.IntN(5)) // ties
					case 2:
						v[q] = []uint64{0, 1, ^uint64(0), ^uint64(0) - 1, 1 << 63, 1<<63 - 1}[rng.IntN(6)]
					default:
						v[q] = rng.Uint64() >> rng.IntN(64)
					}
				}
				if trial == 8 {
					slices.Sort(v)
				}
				if trial == 9 {
					slices.Sort(v)
					slices.Reverse(v)
				}
				want := slices.Clone(v)
				slices.Sort(want)
				var buf [SortNetMax]uint64
				copy(buf[:], v)
				im.sort(&buf, n)
				if !slices.Equal(buf[:n], want) {
					t.Fatalf("%s n=%d trial %d: %v, want %v", im.name, n, trial, buf[:n], want)
				}
				sortNetBest = im
				var got [SortNetMax]uint64
				copy(got[:], v)
				SortKeysIn(&got, n)
				if !slices.Equal(got[:n], want) {
					t.Fatalf("%s SortKeysIn n=%d trial %d: %v, want %v", im.name, n, trial, got[:n], want)
				}
				sortNetBest = old
			}
		}
		t.Logf("sort network variant %s", im.name)
	}
}

// TestSortKeysPanics: more than SortNetMax keys, or fewer than none, are
// refused.
func TestSortKeysPanics(t *testing.T) {
	for _, n := range []int{SortNetMax + 1, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("n=%d: no panic", n)
				}
			}()
			var buf [SortNetMax]uint64
			SortKeysIn(&buf, n)
		}()
	}
}

// FuzzSortKeys: every variant of SortKeysIn equals its pure-Go twin on
// arbitrary keys and lengths up to SortNetMax.
func FuzzSortKeys(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(17))
	f.Add([]byte{0xff, 0, 0xff, 0x80, 0, 0, 0, 0x7f}, uint8(128))
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8) {
		n := int(n8) % (SortNetMax + 1)
		v := make([]uint64, n)
		if len(data) > 0 {
			for q := range v {
				var u uint64
				for b := range 8 {
					u |= uint64(data[(8*q+b+q/3)%len(data)]) << (8 * b)
				}
				v[q] = u
			}
		}
		var want [SortNetMax]uint64
		copy(want[:], v)
		sortKeysGo(&want, n)
		for _, im := range sortNets {
			var got [SortNetMax]uint64
			copy(got[:], v)
			im.sort(&got, n)
			if !slices.Equal(got[:n], want[:n]) {
				t.Fatalf("%s n=%d: %v, twin %v", im.name, n, got[:n], want[:n])
			}
		}
	})
}

func BenchmarkSortKeys(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{100, 120, 128} {
		src := make([]uint64, n)
		for q := range src {
			src[q] = rng.Uint64() >> 1
		}
		var v [SortNetMax]uint64
		for _, im := range sortNets {
			b.Run(fmt.Sprintf("%s/%d", im.name, n), func(b *testing.B) {
				for b.Loop() {
					copy(v[:], src)
					im.sort(&v, n)
				}
			})
		}
	}
}
