package synth

import (
	"math"
	"slices"
	"testing"
)

func TestDeterministic(t *testing.T) {
	gens := map[string]func(seed uint64) []float64{
		"Hypercube": func(s uint64) []float64 { return Hypercube(50, 3, 7, s) },
		"Gaussian":  func(s uint64) []float64 { return Gaussian(50, 3, 7, s) },
		"Sphere":    func(s uint64) []float64 { return Sphere(50, 3, s) },
		"SwissRoll": func(s uint64) []float64 { return SwissRoll(50, 0.1, s) },
		"Pareto":    func(s uint64) []float64 { return ParetoRatios(50, 3, s) },
	}
	for name, g := range gens {
		if !slices.Equal(g(1), g(1)) {
			t.Errorf("%s: same seed, different output", name)
		}
		if slices.Equal(g(1), g(2)) {
			t.Errorf("%s: different seeds, same output", name)
		}
	}
}

// TestEmbeddingIsometric: the frame is orthonormal, so the embedding keeps
// every pairwise distance (and hence the intrinsic dimension).
func TestEmbeddingIsometric(t *testing.T) {
	const n, d, D = 40, 3, 9
	r := newRand(4)
	q := frame(r, d, D)
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			var dot float64
			for k := 0; k < D; k++ {
				dot += q[i*D+k] * q[j*D+k]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(dot-want) > 1e-12 {
				t.Fatalf("frame rows %d, %d: dot %v, want %v", i, j, dot, want)
			}
		}
	}
	u := make([]float64, n*d)
	for i := range u {
		u[i] = r.Float64()
	}
	x := embed(u, q, n, d, D)
	for a := 0; a < n; a++ {
		for b := 0; b < a; b++ {
			if du, dx := dist(u[a*d:(a+1)*d], u[b*d:(b+1)*d]), dist(x[a*D:(a+1)*D], x[b*D:(b+1)*D]); math.Abs(du-dx) > 1e-12 {
				t.Fatalf("distance %v in the cube, %v embedded", du, dx)
			}
		}
	}
}

func dist(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

func TestHypercubeCoordinates(t *testing.T) {
	// embedDim = d: the frame is a rotation; the norm of each point is at
	// most √d (the cube's far corner) and the mean norm² is d/3.
	const n, d = 20000, 4
	x := Hypercube(n, d, d, 9)
	var m float64
	for i := 0; i < n; i++ {
		var s float64
		for _, v := range x[i*d : (i+1)*d] {
			s += v * v
		}
		if s > d+1e-9 {
			t.Fatalf("point %d has norm² %v > d", i, s)
		}
		m += s / n
	}
	// E‖u‖² = d/3, Var = d·(1/5 − 1/9) = 0.0889·d.
	if se := math.Sqrt(0.0889 * d / n); math.Abs(m-d/3.0) > 4*se {
		t.Errorf("mean norm² %v, want %v ± %v", m, d/3.0, se)
	}
}

func TestSphere(t *testing.T) {
	const n, d = 2000, 3
	x := Sphere(n, d, 5)
	var mean [d + 1]float64
	for i := 0; i < n; i++ {
		row := x[i*(d+1) : (i+1)*(d+1)]
		var s float64
		for j, v := range row {
			s += v * v
			mean[j] += v / n
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("point %d has norm² %v", i, s)
		}
	}
	// Uniform on the sphere: each coordinate has mean 0, variance 1/(d+1).
	for j, m := range mean {
		if math.Abs(m) > 4*math.Sqrt(1.0/(d+1)/n) {
			t.Errorf("coordinate %d has mean %v", j, m)
		}
	}
}

func TestGaussianSubspace(t *testing.T) {
	// Every point lies in the d-dimensional span of the first points.
	const n, d, D = 200, 3, 8
	x := Gaussian(n, d, D, 3)
	basis := make([][]float64, 0, d)
	for i := 0; i < n && len(basis) < d; i++ {
		v := slices.Clone(x[i*D : (i+1)*D])
		for _, b := range basis {
			c := dot(v, b)
			for k := range v {
				v[k] -= c * b[k]
			}
		}
		if nv := math.Sqrt(dot(v, v)); nv > 1e-8 {
			for k := range v {
				v[k] /= nv
			}
			basis = append(basis, v)
		}
	}
	var varSum float64
	for i := 0; i < n; i++ {
		v := slices.Clone(x[i*D : (i+1)*D])
		varSum += dot(v, v) / n
		for _, b := range basis {
			c := dot(v, b)
			for k := range v {
				v[k] -= c * b[k]
			}
		}
		if r := math.Sqrt(dot(v, v)); r > 1e-9 {
			t.Fatalf("point %d is %v away from a %d-dimensional subspace", i, r, d)
		}
	}
	// E‖x‖² = d for a standard normal in d dimensions.
	if math.Abs(varSum-d) > 4*math.Sqrt(2.0*d/n) {
		t.Errorf("mean norm² %v, want %v", varSum, float64(d))
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func TestSwissRoll(t *testing.T) {
	const n = 5000
	x := SwissRoll(n, 0, 6)
	for i := 0; i < n; i++ {
		px, h, pz := x[3*i], x[3*i+1], x[3*i+2]
		tt := math.Hypot(px, pz) // the radius equals the angle t
		if tt < 1.5*math.Pi-1e-9 || tt > 4.5*math.Pi+1e-9 || h < 0 || h > 21 {
			t.Fatalf("point %d = (%v, %v, %v) off the roll", i, px, h, pz)
		}
		if math.Abs(px-tt*math.Cos(tt)) > 1e-9 || math.Abs(pz-tt*math.Sin(tt)) > 1e-9 {
			t.Fatalf("point %d = (%v, %v, %v) off the spiral", i, px, h, pz)
		}
	}
}

// TestParetoRatios: log μ is exponential with rate d, so its mean is 1/d
// and P(μ > 2) = 2^(−d).
func TestParetoRatios(t *testing.T) {
	const n = 40000
	for _, d := range []float64{0.5, 2, 9} {
		mu := ParetoRatios(n, d, 3)
		var m float64
		above := 0
		for _, v := range mu {
			if v < 1 || math.IsInf(v, 0) {
				t.Fatalf("d = %g: μ = %v", d, v)
			}
			m += math.Log(v) / n
			if v > 2 {
				above++
			}
		}
		if se := 1 / d / math.Sqrt(n); math.Abs(m-1/d) > 4*se {
			t.Errorf("d = %g: mean log μ = %v, want %v ± %v", d, m, 1/d, se)
		}
		p := math.Pow(2, -d)
		if se := math.Sqrt(p * (1 - p) / n); math.Abs(float64(above)/n-p) > 4*se {
			t.Errorf("d = %g: P(μ > 2) = %v, want %v", d, float64(above)/n, p)
		}
	}
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Hypercube": func() { Hypercube(10, 5, 3, 1) },
		"Pareto":    func() { ParetoRatios(10, 0, 1) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic on a bad argument", name)
				}
			}()
			f()
		}()
	}
}
