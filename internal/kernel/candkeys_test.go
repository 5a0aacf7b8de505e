package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// candKeysRef is CandKeys by its definition: the keys built by the twin,
// sorted by slices.Sort, and the distinctness of their high 56 bits.
func candKeysRef(c []Cand) ([]uint64, bool) {
	var buf [SortNetMax]uint64
	if len(c) > 0 {
		candKeysGo(&c[0], len(c), &buf)
	}
	keys := slices.Clone(buf[:len(c)])
	slices.Sort(keys)
	for r := 1; r < len(keys); r++ {
		if keys[r]>>8 == keys[r-1]>>8 {
			return keys, false
		}
	}
	return keys, true
}

// TestCandKeys: every variant gives the keys and the distinctness of the
// definition for every length 0 … 128 (whole and partial groups of
// eight), with distinct, tied and nearly tied values (differing in bit 0
// or 7 alone, which the slot byte discards, or in bit 8, the lowest one
// kept), ±0, ±Inf, NaN and negative values, and reads no candidate past
// the list (the list ends its slice).
func TestCandKeys(t *testing.T) {
	old := candKeysBest
	t.Cleanup(func() { candKeysBest = old })
	rng := rand.New(rand.NewPCG(19, 20))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -3.5, 0x1p-1074}
	for _, im := range candKeysImpls {
		candKeysBest = im
		for trial := range 600 {
			n := trial % 129
			c := make([]Cand, n) // the list ends its slice
			for q := range c {
				c[q] = Cand{S: rng.ExpFloat64(), J: int32(rng.IntN(1 << 20))}
				switch trial % 4 {
				case 1: // ties and near ties
					if q > 0 && rng.IntN(6) == 0 {
						flip := [...]uint64{0, 1, 1 << 7, 1 << 8}[rng.IntN(4)]
						c[q].S = math.Float64frombits(math.Float64bits(c[q-1].S) ^ flip)
					}
				case 2:
					if rng.IntN(8) == 0 {
						c[q].S = special[rng.IntN(len(special))]
					}
				}
			}
			want, wd := candKeysRef(c)
			var buf [SortNetMax]uint64
			keys, distinct := CandKeys(c, &buf)
			if !slices.Equal(keys, want) || distinct != wd {
				t.Fatalf("%s n=%d: %x %v, want %x %v", im.name, n, keys, distinct, want, wd)
			}
		}
	}
	for _, im := range candKeysImpls {
		t.Logf("candidate keys variant %s", im.name)
	}
}

// TestCandKeysNearTie: with otherwise distinct values, one pair differing
// in bit 8 of S alone stays distinct and one differing in bit 7 alone (the
// slot byte's) does not, in every variant, for the pair first, across
// and beside a group of eight's boundary and last, of either sign.
func TestCandKeysNearTie(t *testing.T) {
	old := candKeysBest
	t.Cleanup(func() { candKeysBest = old })
	for _, im := range candKeysImpls {
		candKeysBest = im
		for _, n := range []int{2, 8, 9, 16, 17, 100, SortNetMax} {
			for _, p := range []int{1, 7, 8, 9, 15, 16, n - 1} {
				if p >= n {
					continue
				}
				for _, sign := range []float64{1, -1} {
					for _, f := range []struct {
						flip uint64
						want bool
					}{{1 << 8, true}, {1 << 7, false}, {1, false}} {
						c := make([]Cand, n)
						for q := range c {
							c[q] = Cand{S: sign * float64(q+1), J: int32(q)}
						}
						c[p].S = math.Float64frombits(math.Float64bits(c[p-1].S) ^ f.flip)
						want, wd := candKeysRef(c)
						var buf [SortNetMax]uint64
						keys, distinct := CandKeys(c, &buf)
						if wd != f.want || distinct != f.want || !slices.Equal(keys, want) {
							t.Fatalf("%s n=%d pair at %d sign %v flip %#x: distinct %v (definition %v), want %v; keys %x, want %x",
								im.name, n, p, sign, f.flip, distinct, wd, f.want, keys, want)
						}
					}
				}
			}
		}
	}
}

// FuzzCandKeys: every variant equals the definition on arbitrary values
// (raw bits), lengths 0 … 128.
func FuzzCandKeys(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 0x3f, 9}, uint8(11))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0x80, 0, 1, 0, 0, 0, 0, 0, 0}, uint8(128))
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8) {
		n := int(n8) % (SortNetMax + 1)
		c := make([]Cand, n)
		for q := range c {
			var u uint64
			if len(data) > 0 {
				for b := range 8 {
					u |= uint64(data[(8*q+b)%len(data)]) << (8 * b)
				}
			}
			c[q] = Cand{S: math.Float64frombits(u), J: int32(q)}
		}
		want, wd := candKeysRef(c)
		old := candKeysBest
		defer func() { candKeysBest = old }()
		for _, im := range candKeysImpls {
			candKeysBest = im
			var buf [SortNetMax]uint64
			keys, distinct := CandKeys(c, &buf)
			if !slices.Equal(keys, want) || distinct != wd {
				t.Fatalf("%s n=%d: %x %v, want %x %v", im.name, n, keys, distinct, want, wd)
			}
		}
	})
}
