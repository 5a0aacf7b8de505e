package estimate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// DANCoStats are the statistics DANCo compares: the MiND_MLk dimension of
// the ratios r₁/r_{k+1}, and the means over the points of the von Mises
// mean direction ν and concentration τ of the angles between the vectors
// to a point's k nearest neighbours.
type DANCoStats struct {
	DHat, MuNu, MuTau float64
}

// DANCoResult is the outcome of DANCo.
type DANCoResult struct {
	ID          float64      // fractal: the spline minimiser; else the integer argmin
	KL          float64      // divergence at the integer argmin (kl_divergence_)
	Data        DANCoStats   // the statistics of the data
	Calibration []DANCoStats // of the unit balls of dimension 1…D
	KLs         []float64    // divergence against each dimension
}

// DANCo is the DANCo estimate (Ceruti, Bassis, Rozza, Lombardi, Casiraghi
// & Campadelli, "DANCo: an intrinsic dimensionality estimator exploiting
// angle and norm concentration", Pattern Recognition 47, 2014) as
// scikit-dimension 0.3.4 computes it with its defaults (k = 10, D = the
// number of columns, fractal). The data's statistics (DANCoStats, from g
// with at least k+1 neighbours) are compared with those of N points drawn
// uniformly in the unit ball of each dimension d = 1…D by
//
//	KL(d) = H_k q − log q − (k − 1) Σᵢ₌₀..ₖ (−1)ⁱ C(k, i) ψ(1 + i/q),  q = d̂_cal/d̂,
//	      + log(I₀(τ_cal)/I₀(τ)) + I₁(τ)/I₀(τ) (τ − τ_cal cos(ν − ν_cal)),
//
// (H_k the harmonic number, ψ the digamma function, Iᵥ the modified Bessel
// functions, clipped to the largest float as there); the integer
// estimate is the d of the smallest KL. The fractal estimate minimises the
// interpolating spline of KL(1…D) (cubic, not-a-knot, for more than three
// columns; quadratic for three; linear for two; the value 1 below 1 and
// D + 1 above D, as scipy's interp1d with those fill values) by L-BFGS-B
// from the integer estimate with tolerance 10⁻³ and a forward-difference
// derivative (step 10⁻⁸), as scipy.optimize.minimize; at the integer
// estimate D the step into the fill value stops it there.
//
// As scikit-dimension: d̂ is MiND_MLk maximised by L-BFGS-B over (0, D]
// from the best integer (lbfgsb1; it stays at that integer when its first
// trial is the point 0, valued 1e30); the calibration balls use k as the
// upper bound of their d̂ (scikit-dimension passes k where the bound
// belongs); angles with cos θ > 1 by rounding are clipped to 1; ν is the
// arctangent of Σ sin θ/Σ cos θ; τ = A⁻¹(η) with η the length of the mean
// of (cos θ, sin θ) and Best and Fisher's approximation of A⁻¹; a
// one-dimensional ball's τ is taken to be 1. The balls are drawn from
// seed, one stream per dimension, so the result does not depend on the
// number of threads; scikit-dimension draws them from numpy, so values
// agree in distribution only. A point at distance 0 from its nearest
// neighbour (a kept duplicate) is an error (scikit-dimension returns NaN).
func DANCo(x *cloud.Matrix, g *knn.Graph, k, D int, fractal bool, seed uint64, threads int) (*DANCoResult, error) {
	n := x.N()
	if k+1 > n-1 {
		return nil, fmt.Errorf("k = %d needs more than %d points", k, n)
	}
	data, err := dancoStats(x, g, k, D)
	if err != nil {
		return nil, err
	}
	cal, err := dancoCalibration(n, k, D, seed, threads)
	if err != nil {
		return nil, err
	}
	return dancoFit(data, cal, k, x.D(), fractal)
}

// dancoFit compares the data's statistics with the calibration's.
func dancoFit(data DANCoStats, cal []DANCoStats, k, cols int, fractal bool) (*DANCoResult, error) {
	D := len(cal)
	kl := make([]float64, D)
	de := 0
	for d := range D {
		kl[d] = dancoKLd(k, data.DHat, cal[d].DHat) + dancoKLnutau(data.MuNu, cal[d].MuNu, data.MuTau, cal[d].MuTau)
		if math.IsNaN(kl[d]) {
			return nil, fmt.Errorf("KL divergence NaN at dimension %d", d+1)
		}
		if kl[d] < kl[de] {
			de = d
		}
	}
	res := &DANCoResult{ID: float64(de + 1), KL: kl[de], Data: data, Calibration: cal, KLs: kl}
	if !fractal || D == 1 {
		return res, nil
	}
	deg := 3
	switch {
	case cols == 3:
		deg = 2
	case cols == 2:
		deg = 1
	}
	deg = min(deg, D-1)
	sp, err := newInterpSpline(kl, deg)
	if err != nil {
		return nil, err
	}
	lo, hi := 1.0, float64(D+1)
	f := func(t float64) float64 {
		switch {
		case t < 1:
			return 1
		case t > float64(D):
			return float64(D + 1)
		}
		return sp.at(t)
	}
	fg := func(t float64) (float64, float64) {
		f0 := f(t)
		h := 1e-8
		if t+h > hi && h <= max(t-lo, hi-t) {
			h = -h
		}
		return f0, (f(t+h) - f0) / ((t + h) - t)
	}
	res.ID = lbfgsb1(fg, float64(de+1), lo, hi, 1e-3, 1e-3)
	return res, nil
}

// dancoStats returns the statistics of the points of x with neighbour
// graph g (at least k+1 neighbours), d̂ searched over (0, D].
func dancoStats(x *cloud.Matrix, g *knn.Graph, k, D int) (DANCoStats, error) {
	checkK(g, k+1, "DANCo")
	n, dim := g.N, x.D()
	logr := make([]float64, n)
	rho := make([]float64, n)
	for i := range n {
		rho[i] = g.Dist[i*g.K] / g.Dist[i*g.K+k]
		if !(rho[i] > 0) {
			return DANCoStats{}, fmt.Errorf("point %d has r1 = 0 (a duplicate): collapse duplicates", i)
		}
		logr[i] = math.Log(rho[i])
	}
	st := DANCoStats{DHat: mindMLk(rho, logr, k, D)}
	xf := x.Float64()
	vec := make([]float64, k*dim)
	ln := make([]float64, k)
	var sumNu, sumTau float64
	for i := range n {
		p := xf[i*dim : (i+1)*dim]
		for a, j := range g.Index[i*g.K : i*g.K+k] {
			var s float64
			for c, v := range xf[int(j)*dim : (int(j)+1)*dim] {
				w := v - p[c]
				vec[a*dim+c] = w
				s += w * w
			}
			ln[a] = math.Sqrt(s)
		}
		var sc, ss float64
		for a := range k {
			va := vec[a*dim : (a+1)*dim]
			for b := a + 1; b < k; b++ {
				var dot float64
				for c, v := range vec[b*dim : (b+1)*dim] {
					dot += va[c] * v
				}
				// cos θ and sin θ of θ = arccos(min(c, 1)); NaN for c < −1.
				c := min(dot/(ln[a]*ln[b]), 1)
				if c < -1 {
					c = math.NaN()
				}
				sc += c
				ss += math.Sqrt(1 - c*c)
			}
		}
		m := float64(k * (k - 1) / 2)
		sumNu += math.Atan(ss / sc)
		eta := math.Sqrt((sc/m)*(sc/m) + (ss/m)*(ss/m))
		sumTau += ainv(eta)
	}
	st.MuNu, st.MuTau = sumNu/float64(n), sumTau/float64(n)
	if dim == 1 {
		st.MuTau = 1
	}
	return st, nil
}

// ainv is Best and Fisher's approximation of the inverse of
// A(τ) = I₁(τ)/I₀(τ), as scikit-dimension's _Ainv.
func ainv(eta float64) float64 {
	switch {
	case eta < 0.53:
		return 2*eta + eta*eta*eta + 5*math.Pow(eta, 5)/6
	case eta < 0.85:
		return -0.4 + 1.39*eta + 0.43/(1-eta)
	}
	return 1 / (eta*eta*eta - 4*eta*eta + 3*eta)
}

// mindMLk is scikit-dimension's MiND_MLk of DANCo: the best integer d in
// 1…D of the log-likelihood ℓ(d) (MiNDML), then L-BFGS-B on −ℓ over [0, D]
// from there, −ℓ(0) taken as 1e30 with derivative −1e30.
func mindMLk(rho, logr []float64, k, D int) float64 {
	n, kf := float64(len(rho)), float64(k)
	var sumLog float64
	for _, l := range logr {
		sumLog += l
	}
	lld := func(d float64) float64 {
		var s float64
		for _, r := range rho {
			s += math.Log(1 - math.Pow(r, d))
		}
		return n*math.Log(kf*d) + (d-1)*sumLog + (kf-1)*s
	}
	best, bestL := 1, math.Inf(-1)
	for d := 1; d <= D; d++ {
		if l := lld(float64(d)); l > bestL || (d == 1 && math.IsNaN(l)) {
			best, bestL = d, l
		}
	}
	fg := func(d float64) (float64, float64) {
		if d == 0 {
			return 1e30, -1e30
		}
		// lld(d) and its derivative from the same powers ρᵢ^d (each
		// sum in the order lld takes it): one Pow per point, not two.
		var s, sl float64
		for i, r := range rho {
			rd := math.Pow(r, d)
			sl += math.Log(1 - rd)
			s += logr[i] - (kf-1)*rd*logr[i]/(1-rd)
		}
		return -(n*math.Log(kf*d) + (d-1)*sumLog + (kf-1)*sl), -(n/d + s)
	}
	return lbfgsb1(fg, float64(best), 0, float64(D), 2.220446049250313e-09, 1e-5)
}

// dancoCalibration returns the statistics of n points drawn uniformly in
// the unit ball of each dimension 1…D, each from its own stream of seed.
func dancoCalibration(n, k, D int, seed uint64, threads int) ([]DANCoStats, error) {
	if threads <= 0 {
		threads = 4
	}
	cal := make([]DANCoStats, D)
	errs := make([]error, D)
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(threads, D) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range next {
				b := unitBall(n, d+1, rand.New(rand.NewPCG(seed, 0xda4c0000+uint64(d+1))))
				var g *knn.Graph
				if d+1 <= treeMaxDim {
					g = treeSearch(b, k+1)
				} else if g, errs[d] = knn.Search(b, k+1, &knn.Options{Threads: 1}); errs[d] != nil {
					continue
				}
				cal[d], errs[d] = dancoStats(b, g, k, k)
			}
		}()
	}
	for d := D - 1; d >= 0; d-- {
		next <- d
	}
	close(next)
	wg.Wait()
	for d, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("calibration ball of dimension %d: %w", d+1, err)
		}
	}
	return cal, nil
}

// unitBall draws n points uniformly in the unit ball of dimension d: a
// Gaussian direction scaled to the radius U^(1/d).
func unitBall(n, d int, r *rand.Rand) *cloud.Matrix {
	x := make([]float64, n*d)
	for i := range n {
		row := x[i*d : (i+1)*d]
		var s float64
		for c := range row {
			row[c] = r.NormFloat64()
			s += row[c] * row[c]
		}
		f := math.Pow(r.Float64(), 1/float64(d)) / math.Sqrt(s)
		for c := range row {
			row[c] *= f
		}
	}
	return cloud.Must64(x, n, d)
}

// dancoKLd is the divergence between the distributions of MiND_MLk's
// statistic at dimensions dhat and dcal (Ceruti et al. 2014, eq. 17).
func dancoKLd(k int, dhat, dcal float64) float64 {
	var hk float64
	for i := 1; i <= k; i++ {
		hk += 1 / float64(i)
	}
	q := dcal / dhat
	var s float64
	c := 1.0
	for i := 0; i <= k; i++ {
		term := c * digamma(1+float64(i)/q)
		if i%2 == 1 {
			term = -term
		}
		s += term
		c = c * float64(k-i) / float64(i+1)
	}
	return hk*q - math.Log(q) - float64(k-1)*s
}

// dancoKLnutau is the divergence between von Mises distributions (ν₁, τ₁)
// and (ν₂, τ₂), Bessel values clipped to the largest float.
func dancoKLnutau(nu1, nu2, tau1, tau2 float64) float64 {
	i0t1 := min(math.MaxFloat64, besselI0(tau1))
	return math.Log(min(math.MaxFloat64, besselI0(tau2))/i0t1) +
		min(math.MaxFloat64, besselI1(tau1))/i0t1*(tau1-tau2*math.Cos(nu1-nu2))
}
