package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// scanRef is ScanRow32's and ScanCol32's definition on the widened
// entries g, one value at a time.
func scanRef(g, h []float64, hv float64, t []float64, from int, col bool) int {
	for q := from; q < len(g); q++ {
		if col && hv-2*g[q] <= t[q] || !col && h[q]-2*g[q] <= t[0] {
			return q
		}
	}
	return len(g)
}

// TestScan: every variant of ScanRow32 and ScanCol32 (on the entries
// rounded to float32) finds the first passing value as the definition does, for every start, on values that pass
// rarely, often, at the threshold exactly, and with NaN and infinities.
func TestScan(t *testing.T) {
	old := scanBest
	t.Cleanup(func() { scanBest = old })
	rng := rand.New(rand.NewPCG(5, 6))
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 0x1p-1074, math.MaxFloat64}
	for _, im := range scanImpls {
		scanBest = im
		for trial := 0; trial < 400; trial++ {
			n := rng.IntN(70)
			g, h, th := make([]float64, n), make([]float64, n), make([]float64, n)
			p := rng.Float64() * 0.1
			for q := range g {
				g[q] = rng.Float64()
				h[q] = 2*g[q] + 0.5 + rng.Float64()
				th[q] = 0.5
				if rng.Float64() < p { // passes
					h[q] = 2*g[q] + 0.5*rng.Float64()
				}
				if rng.Float64() < 0.05 { // exactly at the threshold
					h[q] = 2*g[q] + 0.5
				}
				if rng.Float64() < 0.03 {
					g[q] = special[rng.IntN(len(special))]
				}
				if rng.Float64() < 0.03 {
					h[q] = special[rng.IntN(len(special))]
				}
				if rng.Float64() < 0.03 {
					th[q] = special[rng.IntN(len(special))]
				}
			}
			hv := 1.0 + rng.Float64()
			if trial%50 == 0 {
				hv = special[rng.IntN(len(special))]
			}
			g32, w := make([]float32, n), make([]float64, n) // float32 entries and their widening
			for q, v := range g {
				g32[q] = float32(v)
				w[q] = float64(g32[q])
			}
			out := make([]int32, n+1)
			out[n] = -7
			var want []int32
			for q := ScanRow32(g32, h, 0.5, 0); q < n; q = ScanRow32(g32, h, 0.5, q+1) {
				want = append(want, int32(q))
			}
			if m := ScanRowAll32(g32, h, 0.5, out[:n]); !slices.Equal(out[:m], want) || out[n] != -7 {
				t.Fatalf("%s: ScanRowAll32(n=%d) = %v, want %v", im.name, n, out[:m], want)
			}
			for from := 0; from <= n+1; from++ {
				if got, want := ScanRow32(g32, h, 0.5, from), scanRef(w, h, 0, []float64{0.5}, from, false); got != want {
					t.Fatalf("%s: ScanRow32(n=%d, from=%d) = %d, want %d", im.name, n, from, got, want)
				}
				if got, want := ScanCol32(g32, hv, th, from), scanRef(w, nil, hv, th, from, true); got != want {
					t.Fatalf("%s: ScanCol32(n=%d, from=%d) = %d, want %d", im.name, n, from, got, want)
				}
			}
		}
	}
	for _, im := range scanImpls {
		t.Logf("scan variant %s", im.name)
	}
}

// FuzzScanRowAll: every variant of ScanRowAll32 writes the indices its
// pure-Go twin writes, on arbitrary float32 entries, float64 norms and
// thresholds (raw bits: subnormals, infinities, NaN), and nothing past
// them.
func FuzzScanRowAll(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(17), int16(40), false)
	f.Add([]byte{0, 0, 0x80, 0x7f, 1, 0, 0, 0, 0, 0, 0x80, 0x80, 0xff, 0xff, 0x7f, 0x7f}, uint8(64), int16(-3), true)
	f.Fuzz(func(t *testing.T, data []byte, n8 uint8, t16 int16, raw bool) {
		n := int(n8)
		g := fuzzFloats32(data, n, 0, raw)
		h := make([]float64, n)
		for q, v := range fuzzFloats32(data, n, 5, raw) {
			h[q] = float64(v) * 3
		}
		th := float64(t16) / 16
		if raw && len(data) > 0 && data[0]%7 == 0 {
			th = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[data[0]%3]
		}
		want := make([]int32, n)
		m := 0
		if n8 := n &^ 7; n8 > 0 {
			m = scanRowAll32Go(&g[0], &h[0], n8, th, &want[0])
		}
		for q := n &^ 7; q < n; q++ {
			if h[q]-2*float64(g[q]) <= th {
				want[m] = int32(q)
				m++
			}
		}
		old := scanBest
		defer func() { scanBest = old }()
		for _, im := range scanImpls {
			scanBest = im
			got := make([]int32, n+1)
			got[n] = -1
			if c := ScanRowAll32(g, h, th, got[:n]); c != m || !slices.Equal(got[:c], want[:m]) || got[n] != -1 {
				t.Fatalf("%s n=%d t=%v: %d indices %v, twin %d %v", im.name, n, th, c, got[:c], m, want[:m])
			}
		}
	})
}
