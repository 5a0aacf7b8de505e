package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// groupMinRef is GroupMin32's definition on the widened entries: the least
// value of each group, the first of equal ones (+0 and −0 compare equal), a
// NaN skipped, +Inf for a group of NaN.
func groupMinRef(g, h []float64, gs int) []float64 {
	out := make([]float64, len(g)/gs)
	for c := 0; c < len(g)/(8*gs); c++ {
		for l := range 8 {
			m := math.Inf(1)
			for r := range gs {
				q := c*8*gs + 8*r + l
				if v := h[q] - 2*g[q]; v < m { // the first of equal values (±0) stays
					m = v
				}
			}
			out[c*8+l] = m
		}
	}
	return out
}

// TestGroupMin: every variant of GroupMin32 gives each group's minimum as
// the definition does, bit for bit (signed zeros included), for group
// sizes 1 to 13, with ties, NaN and infinities.
func TestGroupMin(t *testing.T) {
	old := groupMinBest
	t.Cleanup(func() { groupMinBest = old })
	rng := rand.New(rand.NewPCG(7, 8))
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 0x1p-1074, math.MaxFloat64}
	for _, im := range groupMins {
		groupMinBest = im
		for trial := 0; trial < 500; trial++ {
			gs := 1 + rng.IntN(13)
			n := 8 * gs * rng.IntN(6)
			g, h := make([]float64, n), make([]float64, n)
			g32 := make([]float32, n)
			for q := range g {
				g32[q] = float32(rng.NormFloat64())
				h[q] = rng.Float64() * 4
				if rng.Float64() < 0.2 { // ties across the group
					g32[q], h[q] = 0.5, 1
				}
				if rng.Float64() < 0.05 {
					g32[q] = float32(special[rng.IntN(len(special))])
				}
				if rng.Float64() < 0.05 {
					h[q] = special[rng.IntN(len(special))]
				}
				g[q] = float64(g32[q])
			}
			out := make([]float64, n/gs+1)
			out[n/gs] = 42 // past the end: untouched
			GroupMin32(g32, h, gs, out)
			want := groupMinRef(g, h, gs)
			for c, w := range want {
				if math.Float64bits(out[c]) != math.Float64bits(w) {
					t.Fatalf("%s: gs=%d n=%d: group %d = %v, want %v", im.name, gs, n, c, out[c], w)
				}
			}
			if out[n/gs] != 42 {
				t.Fatalf("%s: wrote past the end", im.name)
			}
		}
	}
	for _, im := range groupMins {
		t.Logf("group-min variant %s", im.name)
	}
}

// FuzzGroupMin: every variant of GroupMin32 equals its pure-Go twin bit for
// bit on arbitrary float32 entries and float64 norms (raw bits: subnormals,
// infinities, NaN), for group sizes 1 to 16.
func FuzzGroupMin(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(3), uint8(2), false)
	f.Add([]byte{0, 0, 0x80, 0x7f, 1, 0, 0, 0, 0, 0, 0x80, 0x80, 0xff, 0xff, 0x7f, 0x7f}, uint8(1), uint8(5), true)
	f.Fuzz(func(t *testing.T, data []byte, gs8, chunks8 uint8, raw bool) {
		gs, chunks := 1+int(gs8%16), int(chunks8%8)
		n := 8 * gs * chunks
		g := fuzzFloats32(data, n, 0, raw)
		h := make([]float64, n)
		for q, v := range fuzzFloats32(data, n, 3, raw) {
			h[q] = float64(v) * 3
		}
		want := make([]float64, n/gs)
		if n > 0 {
			groupMin32Go(&g[0], &h[0], n, gs, &want[0])
		}
		old := groupMinBest
		defer func() { groupMinBest = old }()
		for _, im := range groupMins {
			groupMinBest = im
			got := make([]float64, n/gs)
			GroupMin32(g, h, gs, got)
			for c := range got {
				if math.Float64bits(got[c]) != math.Float64bits(want[c]) {
					t.Fatalf("%s gs=%d n=%d: group %d = %v, twin %v", im.name, gs, n, c, got[c], want[c])
				}
			}
		}
	})
}
