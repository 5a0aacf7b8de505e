package estimate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/knn"
)

// TestMOMPoints: m(x) = −m₁/(m₁ − r_k), m₁ the mean of the k distances
// summed in list order, for every point, whatever the number of points
// (MOMPoints takes four rows at a time) and for k below the lists' length.
func TestMOMPoints(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 11; n++ {
		for _, kk := range [][2]int{{2, 2}, {5, 7}, {100, 100}} {
			k, K := kk[0], kk[1]
			g := &knn.Graph{N: n, K: K, Dist: make([]float64, n*K), Index: make([]int32, n*K)}
			for i := range n {
				s := 0.0
				for a := range K {
					s += rng.ExpFloat64()
					g.Dist[i*K+a] = s
				}
			}
			got := MOMPoints(g, k)
			for i := range n {
				var m1 float64
				for _, v := range g.Dist[i*K : i*K+k] {
					m1 += v
				}
				m1 /= float64(k)
				if want := -m1 / (m1 - g.Dist[i*K+k-1]); math.Float64bits(got[i]) != math.Float64bits(want) {
					t.Fatalf("n=%d k=%d K=%d point %d: %v, want %v", n, k, K, i, got[i], want)
				}
			}
		}
	}
}
