// Package synth generates point clouds on manifolds of known intrinsic
// dimension, for testing the estimators. Every generator is seeded
// (math/rand/v2 PCG with the seed and a fixed stream) and returns an n×D
// row-major []float64.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
)

func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// Hypercube returns n points uniform in the unit cube [0, 1]^d, mapped
// isometrically into embedDim ≥ d dimensions by a random orthonormal frame
// (so no coordinate is trivially zero). Intrinsic dimension d.
func Hypercube(n, d, embedDim int, seed uint64) []float64 {
	check("Hypercube", n, d, embedDim)
	r := newRand(seed)
	q := frame(r, d, embedDim)
	u := make([]float64, n*d)
	for i := range u {
		u[i] = r.Float64()
	}
	return embed(u, q, n, d, embedDim)
}

// Gaussian returns n points of an isotropic standard normal in a random
// d-dimensional subspace of R^embedDim. Intrinsic dimension d.
func Gaussian(n, d, embedDim int, seed uint64) []float64 {
	check("Gaussian", n, d, embedDim)
	r := newRand(seed)
	q := frame(r, d, embedDim)
	u := make([]float64, n*d)
	for i := range u {
		u[i] = r.NormFloat64()
	}
	return embed(u, q, n, d, embedDim)
}

// Sphere returns n points uniform on the unit d-sphere Sᵈ in d + 1
// dimensions (normalised standard normal vectors). Intrinsic dimension d.
func Sphere(n, d int, seed uint64) []float64 {
	check("Sphere", n, d, d+1)
	r := newRand(seed)
	D := d + 1
	x := make([]float64, n*D)
	for i := 0; i < n; i++ {
		row := x[i*D : (i+1)*D]
		for {
			var s float64
			for j := range row {
				row[j] = r.NormFloat64()
				s += row[j] * row[j]
			}
			if s > 0 {
				inv := 1 / math.Sqrt(s)
				for j := range row {
					row[j] *= inv
				}
				break
			}
		}
	}
	return x
}

// SwissRoll returns n points of scikit-learn's make_swiss_roll: with
// t = 1.5π(1 + 2u) and h = 21v (u, v uniform on [0, 1)), the point is
// (t cos t, h, t sin t) plus noise times a standard normal per coordinate.
// Intrinsic dimension 2 (when noise is small against the roll's spacing).
func SwissRoll(n int, noise float64, seed uint64) []float64 {
	check("SwissRoll", n, 2, 3)
	r := newRand(seed)
	x := make([]float64, n*3)
	for i := 0; i < n; i++ {
		t := 1.5 * math.Pi * (1 + 2*r.Float64())
		h := 21 * r.Float64()
		x[3*i] = t * math.Cos(t)
		x[3*i+1] = h
		x[3*i+2] = t * math.Sin(t)
	}
	if noise != 0 {
		for i := range x {
			x[i] += noise * r.NormFloat64()
		}
	}
	return x
}

// ParetoRatios returns n draws of μ = U^(−1/d), U uniform on (0, 1]: the
// Pareto(1, d) law, P(μ > m) = m^(−d), of the ratio r₂/r₁ of the first two
// neighbour distances on a manifold of dimension d (Facco et al. 2017).
func ParetoRatios(n int, d float64, seed uint64) []float64 {
	if n < 0 || !(d > 0) {
		panic(fmt.Sprintf("synth: ParetoRatios(n = %d, d = %g)", n, d))
	}
	r := newRand(seed)
	mu := make([]float64, n)
	for i := range mu {
		mu[i] = math.Pow(1-r.Float64(), -1/d)
	}
	return mu
}

func check(name string, n, d, embedDim int) {
	if n < 0 || d < 1 || embedDim < d {
		panic(fmt.Sprintf("synth: %s(n = %d, d = %d, embedDim = %d)", name, n, d, embedDim))
	}
}

// frame returns d orthonormal rows of length D (row-major d×D), by
// Gram–Schmidt on standard normal vectors.
func frame(r *rand.Rand, d, D int) []float64 {
	q := make([]float64, d*D)
	for i := 0; i < d; i++ {
		row := q[i*D : (i+1)*D]
		for {
			for j := range row {
				row[j] = r.NormFloat64()
			}
			for pass := 0; pass < 2; pass++ { // twice is enough (Kahan)
				for k := 0; k < i; k++ {
					prev := q[k*D : (k+1)*D]
					var dot float64
					for j := range row {
						dot += row[j] * prev[j]
					}
					for j := range row {
						row[j] -= dot * prev[j]
					}
				}
			}
			var s float64
			for _, v := range row {
				s += v * v
			}
			if s > 1e-12 {
				inv := 1 / math.Sqrt(s)
				for j := range row {
					row[j] *= inv
				}
				break
			}
		}
	}
	return q
}

// embed returns u·q for u n×d and q d×D.
func embed(u, q []float64, n, d, D int) []float64 {
	x := make([]float64, n*D)
	for i := 0; i < n; i++ {
		out := x[i*D : (i+1)*D]
		for k := 0; k < d; k++ {
			c := u[i*d+k]
			for j, v := range q[k*D : (k+1)*D] {
				out[j] += c * v
			}
		}
	}
	return x
}
