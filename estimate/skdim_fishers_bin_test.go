package estimate

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBinRow: binRow's bins, the entries past g0 gathered first (without a
// branch) or not, equal binRowExact's (one pass, a branch per entry) on rows of random inner products, of values at and one or two ulps
// around each αₐ·lᵢ and each threshold, of NaN and infinities, and with a
// norm lᵢ near 1, far from it, zero, negative, infinite or NaN.
func TestBinRow(t *testing.T) {
	alphas := make([]float64, 20)
	for a := range alphas {
		alphas[a] = 0.6 + float64(a)*0.02
	}
	r := rand.New(rand.NewPCG(41, 42))
	fast := 0
	for trial := 0; trial < 400; trial++ {
		n := 1 + r.IntN(300)
		row := make([]float64, n)
		i := r.IntN(n)
		li := []float64{1, math.Nextafter(1, 2), math.Nextafter(1, 0), 0.37, 5e3, 1e-300, 0, -1, math.Inf(1), math.NaN()}[trial%10]
		if trial%10 < 6 && trial%3 == 0 {
			li *= 1 + 1e-15*float64(r.IntN(9)-4)
		}
		for j := range row {
			switch r.IntN(8) {
			case 0, 1:
				a := alphas[r.IntN(len(alphas))]
				g := a * li
				for s := r.IntN(5) - 2; s != 0; {
					if s > 0 {
						g, s = math.Nextafter(g, math.Inf(1)), s-1
					} else {
						g, s = math.Nextafter(g, math.Inf(-1)), s+1
					}
				}
				row[j] = g
			case 2:
				row[j] = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -0.5, 2}[r.IntN(6)]
			default:
				row[j] = (0.5 + 0.6*r.Float64()) * li
			}
		}
		row[i] = li
		got, one, want := make([]int64, len(alphas)), make([]int64, len(alphas)), make([]int64, len(alphas))
		binRow(row, i, alphas, got, make([]int32, n), true)
		binRow(row, i, alphas, one, nil, false)
		binRowExact(row, i, alphas, want)
		if !slices.Equal(got, want) || !slices.Equal(one, want) {
			t.Fatalf("trial %d (l = %v): bins %v (gathered), %v (one pass), exact %v", trial, li, got, one, want)
		}
		for _, c := range got {
			fast += int(c)
		}
	}
	if fast == 0 {
		t.Fatal("no pair was binned")
	}
}

// binRowExact is binRow in one pass, a branch per entry: its definition,
// as FisherS binned before the gathering pass.
func binRowExact(row []float64, i int, alphas []float64, bins []int64) {
	li := row[i]
	g0 := math.Inf(-1)
	if li > 0 && !math.IsInf(li, 0) {
		g0 = divisionThreshold(alphas[0], li)
	}
	for j, g := range row {
		if !(g >= g0) || j == i {
			continue
		}
		binExact(g/li, alphas, bins)
	}
}
