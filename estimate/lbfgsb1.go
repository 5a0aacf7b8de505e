package estimate

import "math"

// lbfgsb1 minimises fg (value and derivative) over [lo, hi] from x0 as
// scipy's minimize(method="L-BFGS-B") does for one variable with both
// bounds (L-BFGS-B 3.0, Zhu, Byrd, Lu & Nocedal, ACM TOMS 23, 1997, and
// Morales & Nocedal 2011; the line search is Moré & Thuente's dcsrch,
// ACM TOMS 20, 1994). scikit-dimension's DANCo returns where this
// iteration stops, which is not always the minimiser (it stops at its
// start when the first trial step lands on a point whose value is 1e30),
// so the stopping rules are reproduced: projected gradient ≤ pgtol,
// relative reduction ≤ ftol, line-search failures. In one dimension the
// limited-memory matrix is the secant y/s, the Cauchy point is x − g/θ
// clipped to the bounds and the subspace step is zero.
func lbfgsb1(fg func(float64) (float64, float64), x0, lo, hi, ftol, pgtol float64) float64 {
	const (
		maxls   = 20
		maxiter = 15000
		maxfun  = 15000
		big     = 1e10
		epsmch  = 0x1p-52
	)
	x := min(max(x0, lo), hi)
	f, g := fg(x)
	nfev := 1
	projg := func(x, g float64) float64 {
		if g < 0 {
			return math.Abs(max(x-hi, g))
		}
		return math.Abs(min(x-lo, g))
	}
	if projg(x, g) <= pgtol {
		return x
	}
	theta, col, iter := 1.0, 0, 0
	for {
		// Generalised Cauchy point.
		z := x
		tl, tu, neg := x-lo, hi-x, -g
		fixed := (tl <= 0 && neg <= 0) || (tl > 0 && tu <= 0 && neg >= 0) || (tl > 0 && tu > 0 && neg == 0)
		if !fixed {
			var tb float64
			if neg < 0 {
				tb = tl / -neg
			} else {
				tb = tu / neg
			}
			f1, f2 := -neg*neg, theta*neg*neg
			dtm := -f1 / f2
			if dtm < tb {
				z = x + max(dtm, 0)*neg
			} else if neg > 0 {
				z = hi
			} else {
				z = lo
			}
		}
		d := z - x
		// Line search along d.
		stpmx := big
		if iter == 0 {
			stpmx = 1
		} else if d < 0 {
			if a2 := lo - x; a2 >= 0 {
				stpmx = 0
			} else if d*stpmx < a2 {
				stpmx = a2 / d
			}
		} else if d > 0 {
			if a2 := hi - x; a2 <= 0 {
				stpmx = 0
			} else if d*stpmx > a2 {
				stpmx = a2 / d
			}
		}
		stp := 1.0
		t, r, fold := x, g, f
		gd := g * d
		gdold := gd
		failed := gd >= 0
		if !failed {
			var ls dcsrch
			task := ls.start(f, gd, stp, 1e-3, 0.9, 0.1, 0, stpmx)
			ifun := 0
			for task == taskFG {
				if ifun >= maxls || nfev >= maxfun {
					failed = true
					break
				}
				ifun++
				if stp = ls.stp; stp == 1 {
					x = z
				} else {
					x = stp*d + t
				}
				f, g = fg(x)
				nfev++
				gd = g * d
				task = ls.step(f, gd)
			}
			if task == taskError {
				failed = true
			}
			stp = ls.stp
		}
		if failed {
			x, g, f = t, r, fold
			if col == 0 {
				return x // abnormal termination
			}
			col, theta = 0, 1
			continue
		}
		iter++
		if iter >= maxiter || nfev > maxfun {
			return x
		}
		if projg(x, g) <= pgtol {
			return x
		}
		if fold-f <= ftol*max(math.Abs(fold), math.Abs(f), 1) {
			return x
		}
		y := g - r
		rr := y * y
		var dr, ddum float64
		if stp == 1 {
			dr, ddum = gd-gdold, -gdold
		} else {
			dr, ddum = (gd-gdold)*stp, -gdold*stp
		}
		if dr > epsmch*ddum {
			col++
			theta = rr / dr
		}
	}
}

type lsTask int

const (
	taskFG lsTask = iota
	taskConv
	taskWarn
	taskError
)

// dcsrch is the state of Moré and Thuente's line search (MINPACK-2).
type dcsrch struct {
	brackt                 bool
	stage                  int
	ginit, gtest, gx, gy   float64
	finit, fx, fy          float64
	stx, sty, stmin, stmax float64
	width, width1          float64
	ftol, gtol, xtol       float64
	stpmin, stpmax, stp    float64
}

// start initialises the search with f(0), f′(0) and the first step.
func (s *dcsrch) start(f, g, stp, ftol, gtol, xtol, stpmin, stpmax float64) lsTask {
	*s = dcsrch{ftol: ftol, gtol: gtol, xtol: xtol, stpmin: stpmin, stpmax: stpmax, stp: stp}
	if stp < stpmin || stp > stpmax || g >= 0 {
		return taskError
	}
	s.stage = 1
	s.finit, s.ginit = f, g
	s.gtest = ftol * g
	s.width = stpmax - stpmin
	s.width1 = s.width / 0.5
	s.fx, s.gx, s.fy, s.gy = f, g, f, g
	s.stmax = stp + 4*stp
	return taskFG
}

// step takes f and f′ at s.stp and sets the next step.
func (s *dcsrch) step(f, g float64) lsTask {
	stp := s.stp
	ftest := s.finit + stp*s.gtest
	if s.stage == 1 && f <= ftest && g >= 0 {
		s.stage = 2
	}
	task := taskFG
	if s.brackt && (stp <= s.stmin || stp >= s.stmax) {
		task = taskWarn
	}
	if s.brackt && s.stmax-s.stmin <= s.xtol*s.stmax {
		task = taskWarn
	}
	if stp == s.stpmax && f <= ftest && g <= s.gtest {
		task = taskWarn
	}
	if stp == s.stpmin && (f > ftest || g >= s.gtest) {
		task = taskWarn
	}
	if f <= ftest && math.Abs(g) <= s.gtol*(-s.ginit) {
		task = taskConv
	}
	if task != taskFG {
		return task
	}
	if s.stage == 1 && f <= s.fx && f > ftest {
		fm, fxm, fym := f-stp*s.gtest, s.fx-s.stx*s.gtest, s.fy-s.sty*s.gtest
		gm, gxm, gym := g-s.gtest, s.gx-s.gtest, s.gy-s.gtest
		dcstep(&s.stx, &fxm, &gxm, &s.sty, &fym, &gym, &stp, fm, gm, &s.brackt, s.stmin, s.stmax)
		s.fx, s.fy = fxm+s.stx*s.gtest, fym+s.sty*s.gtest
		s.gx, s.gy = gxm+s.gtest, gym+s.gtest
	} else {
		dcstep(&s.stx, &s.fx, &s.gx, &s.sty, &s.fy, &s.gy, &stp, f, g, &s.brackt, s.stmin, s.stmax)
	}
	if s.brackt {
		if math.Abs(s.sty-s.stx) >= 0.66*s.width1 {
			stp = s.stx + 0.5*(s.sty-s.stx)
		}
		s.width1 = s.width
		s.width = math.Abs(s.sty - s.stx)
		s.stmin, s.stmax = min(s.stx, s.sty), max(s.stx, s.sty)
	} else {
		s.stmin = stp + 1.1*(stp-s.stx)
		s.stmax = stp + 4*(stp-s.stx)
	}
	stp = min(max(stp, s.stpmin), s.stpmax)
	if (s.brackt && (stp <= s.stmin || stp >= s.stmax)) || (s.brackt && s.stmax-s.stmin <= s.xtol*s.stmax) {
		stp = s.stx
	}
	s.stp = stp
	return taskFG
}

// dcstep computes a safeguarded step and updates the interval that
// contains a step satisfying the sufficient-decrease and curvature
// conditions (MINPACK-2's dcstep).
func dcstep(stx, fx, dx, sty, fy, dy, stp *float64, fp, dp float64, brackt *bool, stpmin, stpmax float64) {
	sgnd := dp * (*dx / math.Abs(*dx))
	var stpf float64
	switch {
	case fp > *fx:
		theta := 3*(*fx-fp)/(*stp-*stx) + *dx + dp
		s := max(math.Abs(theta), math.Abs(*dx), math.Abs(dp))
		gamma := s * math.Sqrt((theta/s)*(theta/s)-(*dx/s)*(dp/s))
		if *stp < *stx {
			gamma = -gamma
		}
		p := (gamma - *dx) + theta
		q := ((gamma - *dx) + gamma) + dp
		stpc := *stx + p/q*(*stp-*stx)
		stpq := *stx + ((*dx/((*fx-fp)/(*stp-*stx)+*dx))/2)*(*stp-*stx)
		if math.Abs(stpc-*stx) < math.Abs(stpq-*stx) {
			stpf = stpc
		} else {
			stpf = stpc + (stpq-stpc)/2
		}
		*brackt = true
	case sgnd < 0:
		theta := 3*(*fx-fp)/(*stp-*stx) + *dx + dp
		s := max(math.Abs(theta), math.Abs(*dx), math.Abs(dp))
		gamma := s * math.Sqrt((theta/s)*(theta/s)-(*dx/s)*(dp/s))
		if *stp > *stx {
			gamma = -gamma
		}
		p := (gamma - dp) + theta
		q := ((gamma - dp) + gamma) + *dx
		stpc := *stp + p/q*(*stx-*stp)
		stpq := *stp + (dp/(dp-*dx))*(*stx-*stp)
		if math.Abs(stpc-*stp) > math.Abs(stpq-*stp) {
			stpf = stpc
		} else {
			stpf = stpq
		}
		*brackt = true
	case math.Abs(dp) < math.Abs(*dx):
		theta := 3*(*fx-fp)/(*stp-*stx) + *dx + dp
		s := max(math.Abs(theta), math.Abs(*dx), math.Abs(dp))
		gamma := s * math.Sqrt(max(0, (theta/s)*(theta/s)-(*dx/s)*(dp/s)))
		if *stp > *stx {
			gamma = -gamma
		}
		p := (gamma - dp) + theta
		q := (gamma + (*dx - dp)) + gamma
		r := p / q
		var stpc float64
		switch {
		case r < 0 && gamma != 0:
			stpc = *stp + r*(*stx-*stp)
		case *stp > *stx:
			stpc = stpmax
		default:
			stpc = stpmin
		}
		stpq := *stp + (dp/(dp-*dx))*(*stx-*stp)
		if *brackt {
			if math.Abs(stpc-*stp) < math.Abs(stpq-*stp) {
				stpf = stpc
			} else {
				stpf = stpq
			}
			if *stp > *stx {
				stpf = min(*stp+0.66*(*sty-*stp), stpf)
			} else {
				stpf = max(*stp+0.66*(*sty-*stp), stpf)
			}
		} else {
			if math.Abs(stpc-*stp) > math.Abs(stpq-*stp) {
				stpf = stpc
			} else {
				stpf = stpq
			}
			stpf = max(stpmin, min(stpmax, stpf))
		}
	default:
		switch {
		case *brackt:
			theta := 3*(fp-*fy)/(*sty-*stp) + *dy + dp
			s := max(math.Abs(theta), math.Abs(*dy), math.Abs(dp))
			gamma := s * math.Sqrt((theta/s)*(theta/s)-(*dy/s)*(dp/s))
			if *stp > *sty {
				gamma = -gamma
			}
			p := (gamma - dp) + theta
			q := ((gamma - dp) + gamma) + *dy
			stpf = *stp + p/q*(*sty-*stp)
		case *stp > *stx:
			stpf = stpmax
		default:
			stpf = stpmin
		}
	}
	if fp > *fx {
		*sty, *fy, *dy = *stp, fp, dp
	} else {
		if sgnd < 0 {
			*sty, *fy, *dy = *stx, *fx, *dx
		}
		*stx, *fx, *dx = *stp, fp, dp
	}
	*stp = stpf
}
