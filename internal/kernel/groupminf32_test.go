package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// groupMinF32Ref is GroupMinF32's definition: the least value of each
// group in float32, the first of equal ones (+0 and −0 compare equal), a
// NaN skipped, +Inf for a group of NaN.
func groupMinF32Ref(g, h []float32, gs int) []float32 {
	out := make([]float32, len(g)/gs)
	for c := 0; c < len(g)/(16*gs); c++ {
		for l := range 16 {
			m := float32(math.Inf(1))
			for r := range gs {
				q := c*16*gs + 16*r + l
				if v := h[q] - float32(2*g[q]); v < m {
					m = v
				}
			}
			out[c*16+l] = m
		}
	}
	return out
}

// TestGroupMinF32: every variant of GroupMinF32 gives each group's minimum
// as the definition does, bit for bit (signed zeros included), for group
// sizes 1 to 13, with ties, NaN, infinities and entries whose double
// overflows; nothing past the groups is written.
func TestGroupMinF32(t *testing.T) {
	old := groupMinF32Best
	t.Cleanup(func() { groupMinF32Best = old })
	rng := rand.New(rand.NewPCG(17, 18))
	inf := float32(math.Inf(1))
	special := []float32{float32(math.NaN()), inf, -inf, 0, float32(math.Copysign(0, -1)), 0x1p-149, math.MaxFloat32}
	for _, im := range groupMinF32s {
		groupMinF32Best = im
		for range 500 {
			gs := 1 + rng.IntN(13)
			n := 16 * gs * rng.IntN(6)
			g, h := make([]float32, n), make([]float32, n)
			for q := range g {
				g[q], h[q] = float32(rng.NormFloat64()), float32(rng.Float64()*4)
				if rng.Float64() < 0.2 { // ties across the group
					g[q], h[q] = 0.5, 1
				}
				if rng.Float64() < 0.05 {
					g[q] = special[rng.IntN(len(special))]
				}
				if rng.Float64() < 0.05 {
					h[q] = special[rng.IntN(len(special))]
				}
			}
			out := make([]float32, n/gs+1)
			out[n/gs] = 42
			GroupMinF32(g, h, gs, out[:n/gs])
			for c, w := range groupMinF32Ref(g, h, gs) {
				if math.Float32bits(out[c]) != math.Float32bits(w) {
					t.Fatalf("%s: gs=%d n=%d: group %d = %v, want %v", im.name, gs, n, c, out[c], w)
				}
			}
			if out[n/gs] != 42 {
				t.Fatalf("%s: wrote past the end", im.name)
			}
		}
	}
	for _, im := range groupMinF32s {
		t.Logf("group-min float32 variant %s", im.name)
	}
}

// FuzzGroupMinF32: every variant of GroupMinF32 equals its pure-Go twin
// bit for bit on arbitrary float32 entries and norms (raw bits:
// subnormals, infinities, NaN), for group sizes 1 to 16.
func FuzzGroupMinF32(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(3), uint8(2), false)
	f.Add([]byte{0, 0, 0x80, 0x7f, 1, 0, 0, 0, 0, 0, 0x80, 0x80, 0xff, 0xff, 0x7f, 0x7f}, uint8(1), uint8(5), true)
	f.Fuzz(func(t *testing.T, data []byte, gs8, chunks8 uint8, raw bool) {
		gs, chunks := 1+int(gs8%16), int(chunks8%8)
		n := 16 * gs * chunks
		g := fuzzFloats32(data, n, 0, raw)
		h := fuzzFloats32(data, n, 3, raw)
		want := make([]float32, n/gs)
		if n > 0 {
			groupMinF32Go(&g[0], &h[0], n, gs, &want[0])
		}
		old := groupMinF32Best
		defer func() { groupMinF32Best = old }()
		for _, im := range groupMinF32s {
			groupMinF32Best = im
			got := make([]float32, n/gs)
			GroupMinF32(g, h, gs, got)
			for c := range got {
				if math.Float32bits(got[c]) != math.Float32bits(want[c]) {
					t.Fatalf("%s gs=%d n=%d: group %d = %v, twin %v", im.name, gs, n, c, got[c], want[c])
				}
			}
		}
	})
}
