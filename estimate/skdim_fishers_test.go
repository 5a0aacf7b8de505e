package estimate

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDivisionThreshold: g/l ≥ a holds at the threshold and fails just
// below it, for random l and the FisherS margins, so that comparing g with
// the threshold decides exactly what the division would.
func TestDivisionThreshold(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		l := math.Ldexp(0.5+r.Float64(), r.IntN(40)-20)
		a := 0.6 + float64(r.IntN(20))*0.02
		g := divisionThreshold(a, l)
		if !(g/l >= a) {
			t.Fatalf("a=%v l=%v: threshold %v gives %v < a", a, l, g, g/l)
		}
		if p := math.Nextafter(g, math.Inf(-1)); p/l >= a {
			t.Fatalf("a=%v l=%v: %v below the threshold %v still reaches a", a, l, p, g)
		}
	}
}
