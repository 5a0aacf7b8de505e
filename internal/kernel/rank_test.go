package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// rankRef is RankLess' definition.
func rankRef(s []float64) []int32 {
	r := make([]int32, len(s))
	for i := range s {
		for t := range s {
			if s[t] < s[i] {
				r[i]++
			}
		}
	}
	return r
}

// TestRankLess: every variant counts as the definition does for every
// length from 0 to 100 (whole groups of 32, blocks of 8 and every tail),
// with tied values, zeros of both signs, infinities and NaN, and writes
// nothing past len(s); distinct values get their place in sorted order.
func TestRankLess(t *testing.T) {
	old := rankBest
	t.Cleanup(func() { rankBest = old })
	rng := rand.New(rand.NewPCG(14, 15))
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 0x1p-1074}
	for _, im := range rankImpls {
		rankBest = im
		for trial := range 800 {
			n := trial % 101
			s := make([]float64, n)
			for q := range s {
				switch trial % 4 {
				case 0:
					s[q] = float64(rng.IntN(1 + n/3)) // ties
				case 1:
					s[q] = rng.NormFloat64()
					if rng.Float64() < 0.15 {
						s[q] = special[rng.IntN(len(special))]
					}
				default:
					s[q] = rng.Float64()
				}
			}
			rank := make([]int32, n+1)
			rank[n] = 42
			RankLess(s, rank[:n])
			if want := rankRef(s); !slices.Equal(rank[:n], want) || rank[n] != 42 {
				t.Fatalf("%s n=%d: ranks %v, want %v", im.name, n, rank[:n], want)
			}
			if trial%4 < 2 {
				continue
			}
			idx := make([]int, n)
			for q := range idx {
				idx[q] = q
			}
			sort.Slice(idx, func(a, b int) bool { return s[idx[a]] < s[idx[b]] })
			for r, q := range idx {
				if rank[q] != int32(r) {
					t.Fatalf("%s n=%d: value %d has rank %d, sorted place %d", im.name, n, q, rank[q], r)
				}
			}
		}
	}
	for _, im := range rankImpls {
		t.Logf("rank variant %s", im.name)
	}
}

// FuzzRankLess: every variant of RankLess equals its pure-Go twin on
// arbitrary float64 values (raw bits).
func FuzzRankLess(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(17))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0, 0, 0, 0, 0, 0, 0xf0, 0xff, 0x80}, uint8(40))
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8) {
		n := int(n8)
		if n == 0 || len(data) == 0 {
			return
		}
		s := make([]float64, n)
		for q := range s {
			var u uint64
			for b := range 8 {
				u |= uint64(data[(8*q+b)%len(data)]) << (8 * b)
			}
			s[q] = math.Float64frombits(u)
		}
		want := make([]int32, n)
		rankLessGo(&s[0], n, &want[0])
		old := rankBest
		defer func() { rankBest = old }()
		for _, im := range rankImpls {
			rankBest = im
			got := make([]int32, n+1)
			got[n] = -7
			RankLess(s, got[:n])
			if !slices.Equal(got[:n], want) || got[n] != -7 {
				t.Fatalf("%s n=%d: %v, twin %v", im.name, n, got, want)
			}
		}
	})
}

func BenchmarkRankLess(b *testing.B) {
	old := rankBest
	b.Cleanup(func() { rankBest = old })
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{23, 40} {
		s, r := make([]float64, n), make([]int32, n)
		for q := range s {
			s[q] = rng.Float64()
		}
		for _, im := range rankImpls {
			b.Run(im.name, func(b *testing.B) {
				rankBest = im
				for b.Loop() {
					RankLess(s, r)
				}
			})
		}
	}
}
