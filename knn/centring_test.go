package knn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// centringTwoPass is centring as it was written before its one pass: the
// mean, then every sampled value's deviation from it.
func centringTwoPass(x matrix, ns int) (mean []float64, scale float64, ok bool) {
	n, d := x.n(), x.d
	mean = make([]float64, d)
	for t := 0; t < ns; t++ {
		x.addRow(mean, t*n/ns)
	}
	var big float64
	for j := range mean {
		mean[j] /= float64(ns)
	}
	for t := 0; t < ns; t++ {
		big = x.maxDev(t*n/ns, mean, big)
	}
	if math.IsNaN(big) || math.IsInf(big, 0) {
		return nil, 0, false
	}
	scale = 1.0
	if big > 0 {
		_, e := math.Frexp(big)
		scale = math.Ldexp(1, -e)
	}
	return mean, scale, true
}

// TestCentringOnePass: centring's one pass (each column's sum, least and
// largest value) gives the two-pass mean and scale bit for bit on float32
// and float64 rows of mixed scales, signed zeros, constant columns, one
// row and samples of every size; a NaN or an infinity fails both.
func TestCentringOnePass(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for trial := 0; trial < 200; trial++ {
		n, d := 1+r.IntN(40), 1+r.IntN(30)
		x := make([]float64, n*d)
		for i := range x {
			switch r.IntN(6) {
			case 0:
				x[i] = 0
			case 1:
				x[i] = math.Copysign(0, -1)
			case 2:
				x[i] = float64(i % d) // constant by column
			default:
				x[i] = r.NormFloat64() * math.Exp2(float64(r.IntN(80)-40))
			}
		}
		bad := trial%10 == 9
		if bad {
			x[r.IntN(n*d)] = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[r.IntN(3)]
		}
		x32 := make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
		}
		for _, m := range []*cloud.Matrix{cloud.Must64(x, n, d), cloud.Must32(x32, n, d)} {
			v := view(m)
			ns := 1 + r.IntN(n)
			if bad {
				ns = n // every row: the bad value among them
			}
			mean, scale, ok := centring(v, ns)
			wm, ws, wok := centringTwoPass(v, ns)
			if ok != wok || ok == bad || scale != ws {
				t.Fatalf("trial %d: ok %v scale %v, two passes %v %v (bad %v)", trial, ok, scale, wok, ws, bad)
			}
			for j := range wm {
				if math.Float64bits(mean[j]) != math.Float64bits(wm[j]) {
					t.Fatalf("trial %d: mean[%d] %v, two passes %v", trial, j, mean[j], wm[j])
				}
			}
		}
	}
}
