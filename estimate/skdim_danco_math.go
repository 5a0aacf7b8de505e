package estimate

import (
	"errors"
	"math"
)

// digamma is ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to
// x ≥ 10, then the asymptotic series (Abramowitz & Stegun 6.3.18).
func digamma(x float64) float64 {
	var s float64
	for x < 10 {
		s -= 1 / x
		x++
	}
	x2 := 1 / (x * x)
	return s + math.Log(x) - 0.5/x -
		x2*(1.0/12-x2*(1.0/120-x2*(1.0/252-x2*(1.0/240-x2*(1.0/132-x2*(691.0/32760-x2/12))))))
}

// besselI0 and besselI1 are the modified Bessel functions of the first
// kind for x ≥ 0: the power series Σ (x/2)^(2m+ν)/(m!(m+ν)!) up to x = 50,
// the asymptotic expansion e^x/√(2πx) Σ (−1)ᵐ aₘ(ν)/xᵐ beyond
// (A&S 9.6.10, 9.7.1); +Inf where e^x overflows.
func besselI0(x float64) float64 { return besselI(0, x) }
func besselI1(x float64) float64 { return besselI(1, x) }

func besselI(nu int, x float64) float64 {
	x = math.Abs(x)
	if math.IsInf(x, 0) {
		return math.Inf(1)
	}
	if x <= 50 {
		h := x / 2
		term := 1.0
		if nu == 1 {
			term = h
		}
		sum := term
		for m := 1; m < 500; m++ {
			term *= h * h / (float64(m) * float64(m+nu))
			sum += term
			if term < 1e-17*sum {
				break
			}
		}
		return sum
	}
	mu := 4 * float64(nu*nu)
	term, sum := 1.0, 1.0
	for m := 1; m < 60; m++ {
		k := float64(2*m - 1)
		term *= -(mu - k*k) / (float64(m) * 8 * x)
		sum += term
		if math.Abs(term) < 1e-17*math.Abs(sum) {
			break
		}
	}
	e := math.Exp(x / 2)
	return e * (e / math.Sqrt(2*math.Pi*x) * sum)
}

// interpSpline interpolates y at x = 1, 2, …, len(y) as scipy's
// interp1d(kind=...) does: linearly (degree 1), or by make_interp_spline's
// B-spline of degree 2 (knots at the interior midpoints less the first and
// last) or 3 (not-a-knot).
type interpSpline struct {
	deg  int
	y, t []float64 // data; knots
	c    []float64 // B-spline coefficients
}

func newInterpSpline(y []float64, deg int) (*interpSpline, error) {
	n := len(y)
	s := &interpSpline{deg: deg, y: y}
	if deg == 1 || n < 2 {
		s.deg = 1
		return s, nil
	}
	if n < deg+1 {
		return nil, errors.New("danco: too few dimensions for the spline")
	}
	x := func(i int) float64 { return float64(i + 1) }
	t := make([]float64, 0, n+deg+1)
	for range deg + 1 {
		t = append(t, x(0))
	}
	if deg == 2 {
		for i := 1; i < n-2; i++ {
			t = append(t, (x(i)+x(i+1))/2)
		}
	} else {
		for i := 2; i < n-2; i++ {
			t = append(t, x(i))
		}
	}
	for range deg + 1 {
		t = append(t, x(n-1))
	}
	s.t = t
	// Collocation: Σⱼ cⱼ Bⱼ(xᵢ) = yᵢ, solved with partial pivoting.
	a := make([]float64, n*n)
	for i := range n {
		l := s.interval(x(i))
		b := s.basis(l, x(i))
		for j, v := range b {
			a[i*n+l-deg+j] = v
		}
	}
	c := append([]float64(nil), y...)
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r*n+col]) > math.Abs(a[p*n+col]) {
				p = r
			}
		}
		if a[p*n+col] == 0 {
			return nil, errors.New("danco: singular spline system")
		}
		if p != col {
			for j := range n {
				a[p*n+j], a[col*n+j] = a[col*n+j], a[p*n+j]
			}
			c[p], c[col] = c[col], c[p]
		}
		for r := col + 1; r < n; r++ {
			f := a[r*n+col] / a[col*n+col]
			if f == 0 {
				continue
			}
			for j := col; j < n; j++ {
				a[r*n+j] -= f * a[col*n+j]
			}
			c[r] -= f * c[col]
		}
	}
	for col := n - 1; col >= 0; col-- {
		v := c[col]
		for j := col + 1; j < n; j++ {
			v -= a[col*n+j] * c[j]
		}
		c[col] = v / a[col*n+col]
	}
	s.c = c
	return s, nil
}

// interval returns l with t[l] ≤ v < t[l+1], deg ≤ l < len(t) − deg − 1.
func (s *interpSpline) interval(v float64) int {
	l := s.deg
	for l < len(s.t)-s.deg-2 && v >= s.t[l+1] {
		l++
	}
	return l
}

// basis returns the deg+1 nonzero B-splines B_{l−deg}…B_l at v (de Boor).
func (s *interpSpline) basis(l int, v float64) []float64 {
	k, t := s.deg, s.t
	b := make([]float64, k+1)
	b[0] = 1
	for j := 1; j <= k; j++ {
		saved := 0.0
		for r := range j {
			left, right := v-t[l+1-j+r], t[l+1+r]-v
			tmp := b[r] / (right + left)
			b[r] = saved + right*tmp
			saved = left * tmp
		}
		b[j] = saved
	}
	return b
}

// at evaluates the interpolant at v in [1, len(y)].
func (s *interpSpline) at(v float64) float64 {
	if s.deg == 1 {
		n := len(s.y)
		lo := min(max(int(math.Ceil(v))-1, 1), n-1) // searchsorted(x, v) clipped to [1, n−1]
		xlo, xhi := float64(lo), float64(lo+1)
		slope := (s.y[lo] - s.y[lo-1]) / (xhi - xlo)
		return slope*(v-xlo) + s.y[lo-1]
	}
	l := s.interval(v)
	b := s.basis(l, v)
	var sum float64
	for j, w := range b {
		sum += w * s.c[l-s.deg+j]
	}
	return sum
}
