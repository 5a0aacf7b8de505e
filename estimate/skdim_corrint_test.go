package estimate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// corrIntAllPairs is CorrInt as it was before knn.CountPairs: every pair i <
// j of rows, √Dist2 compared with r₁ and r₂.
func corrIntAllPairs(x *cloud.Matrix, g *knn.Graph, k1, k2 int) float64 {
	n, d := g.N, x.D()
	r1, r2 := medianRadius(g, k1), medianRadius(g, k2)
	xf := x.Float64()
	var s1, s2 int64
	for i := range n {
		for j := i + 1; j < n; j++ {
			dd := math.Sqrt(knn.Dist2(xf[i*d:(i+1)*d], xf[j*d:(j+1)*d]))
			if dd < r1 {
				s1 += 2
			}
			if dd < r2 {
				s2 += 2
			}
		}
	}
	return math.Log(float64(s2)/float64(s1)) / math.Log(r2/r1)
}

// CorrInt counts through knn.CountPairs exactly the pairs of every-pair
// counting: the same value, bit for bit, on the reference arrays (two of
// which have a pair at exactly r₁), on lattices (many pairs at exactly the
// radii), in float32, and at every thread count.
func TestCorrIntCountsAllPairs(t *testing.T) {
	check := func(name string, x *cloud.Matrix, g *knn.Graph, k1, k2 int) {
		t.Helper()
		want := corrIntAllPairs(x, g, k1, k2)
		for _, th := range []int{1, 3} {
			got, err := CorrInt(x, g, k1, k2, th)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("%s threads=%d: CorrInt %v, every pair %v", name, th, got, want)
			}
		}
	}
	for _, c := range loadRefCases(t) {
		check(c.name, cloud.Must64(c.x, c.n, c.d), c.g, 10, 20)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	lattices := 0
	for _, d := range []int{2, 3, 20} {
		n := 500
		x := make([]float64, n*d)
		for i := range x {
			x[i] = float64(rng.IntN(6))
		}
		m := cloud.Must64(x, n, d)
		for _, k := range [][2]int{{3, 9}, {10, 20}} {
			g, err := knn.Search(m, k[1], nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := CorrInt(m, g, k[0], k[1], 1); err != nil {
				continue // r₁ = r₂ on this lattice: refused either way
			}
			check("lattice", m, g, k[0], k[1])
			lattices++
		}
		x32 := make([]float32, n*d)
		for i := range x32 {
			x32[i] = float32(rng.NormFloat64())
		}
		m32, _ := cloud.New32(x32, n, d)
		g, err := knn.Search(m32, 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		check("float32", m32, g, 10, 20)
	}
	if lattices < 3 {
		t.Fatalf("only %d lattices had r₁ < r₂", lattices)
	}
}
