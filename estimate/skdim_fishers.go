package estimate

import (
	"errors"
	"fmt"
	"math"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
	"gonum.org/v1/gonum/mat"
)

// FisherS is the Fisher-separability estimate (Albergante, Bac & Zinovyev,
// "Estimating the effective dimension of large biological datasets using
// Fisher separability analysis", IJCNN 2019) as scikit-dimension 0.3.4
// computes it with its defaults. The rows are centred, reduced to the
// principal components with variance λ > λ₁/cond (cond = 10), whitened
// (each component divided by its standard deviation) and projected on the
// unit sphere. For αₐ = 0.6, 0.62, …, 0.98, pₐ is the mean over the points
// x of the fraction of the N points y ≠ x with ⟨x, y⟩/⟨x, x⟩ ≥ αₐ (points
// not Fisher-separable from x), and
//
//	nₐ = W₀(−w / (2π pₐ² αₐ² (1 − αₐ²))) / (−w),   w = log(1 − αₐ²),
//
// (W₀ the principal Lambert W; NaN where pₐ = 0) the dimension of the
// uniform sphere with that mean inseparability. The estimate is nₐ at the
// αₐ nearest to 0.9·max{αₐ : nₐ finite} (the largest nₐ on a tie).
func FisherS(x *cloud.Matrix, cond float64) (float64, error) {
	n, d := x.N(), x.D()
	if n < 2 || d < 2 {
		return 0, fmt.Errorf("%w: FisherS needs at least 2 points and 2 columns, have %d×%d", ErrTooFewPoints, n, d)
	}
	xc := centredRows(x)
	cov := kernel.GramCols64(x.Float64(), n, d, columnMeans(x.Float64(), n, d), 2) // gram(transpose(xc)), bit for bit
	linalg.Install()
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(d, cov), true) {
		return 0, errors.New("FisherS: eigenvalue decomposition did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	// Components in descending order, kept above λ₁/cond.
	top := vals[d-1]
	if !(top > 0) {
		return 0, fmt.Errorf("%w: FisherS: the points have no variance", ErrConstant)
	}
	var keep []int
	for c := d - 1; c >= 0; c-- {
		if vals[c]/top > 1/cond {
			keep = append(keep, c)
		}
	}
	m := len(keep)
	z := make([]float64, n*m)
	vc := make([]float64, d)
	for a, c := range keep {
		sd := math.Sqrt(vals[c] / float64(n-1))
		for j := range d {
			vc[j] = vecs.At(j, c)
		}
		for i := range n {
			var s float64
			for j, v := range xc[i*d : (i+1)*d] {
				s += v * vc[j]
			}
			z[i*m+a] = s / sd
		}
	}
	for i := range n {
		row := z[i*m : (i+1)*m]
		var s float64
		for _, v := range row {
			s += v * v
		}
		s = math.Sqrt(s)
		for a := range row {
			row[a] /= s
		}
	}
	const na = 20
	alphas := make([]float64, na)
	for a := range alphas {
		alphas[a] = 0.6 + float64(a)*0.02 // numpy.arange(0.6, 1, 0.02)
	}
	// The inner products ⟨zᵢ, zⱼ⟩ a block of rows at a time (Dots64: the
	// entries of Gram64 bit for bit, without its n×n matrix); each pair
	// counts once in the bin of the largest αₐ it reaches, the counts per
	// αₐ being the sums of the bins from a up.
	bins := make([]int64, na)
	right := kernel.PackRight64(z, n, m)
	const rowsPer = 48 // whole tiles of every kernel variant (Dots64 then writes in place)
	dots := make([]float64, rowsPer*n)
	idx := make([]int32, n)
	gather := true
	for i0 := 0; i0 < n; i0 += rowsPer {
		rows := min(rowsPer, n-i0)
		kernel.Dots64(dots[:rows*n], z[i0*m:(i0+rows)*m], rows, right, 1)
		for r := range rows {
			i := i0 + r
			// Gathered while the last gathered row had more than 1/16 of
			// its entries past g0, and every 16th row to look again.
			if gather || i%16 == 0 {
				gather = binRow(dots[r*n:(r+1)*n], i, alphas, bins, idx, true) > n/16
			} else {
				binRow(dots[r*n:(r+1)*n], i, alphas, bins, idx, false)
			}
		}
	}
	counts := make([]int64, na)
	var run int64
	for a := na - 1; a >= 0; a-- {
		run += bins[a]
		counts[a] = run
	}
	nA := make([]float64, na)
	amax := math.Inf(-1)
	for a, al := range alphas {
		p := float64(counts[a]) / float64(n) / float64(n)
		nA[a] = math.NaN()
		if p > 0 {
			a2 := al * al
			w := math.Log(1 - a2)
			v := lambertW0(-(w / (2 * math.Pi * p * p * a2 * (1 - a2)))) / -w
			if !math.IsInf(v, 0) {
				nA[a] = v
				amax = al
			}
		}
	}
	if math.IsInf(amax, -1) {
		return 0, errors.New("FisherS: every point is separable for every alpha")
	}
	ref := 0.9 * amax
	best := math.Inf(1)
	for _, al := range alphas {
		best = min(best, math.Abs(al-ref))
	}
	est := math.NaN()
	for a, al := range alphas {
		if !math.IsNaN(nA[a]) && math.Abs(al-ref) == best && !(nA[a] <= est) {
			est = nA[a]
		}
	}
	if math.IsNaN(est) {
		return 0, errors.New("FisherS: the reference alpha is fully separable")
	}
	return est, nil
}

// binRow adds to bins[a] the entries g = ⟨zᵢ, zⱼ⟩ (j ≠ i) of row, the
// inner products of point i, whose v = g/⟨zᵢ, zᵢ⟩ has αₐ as the largest
// of alphas (increasing, from 0.6 in steps of about 0.02) at most v.
//
// g/lᵢ ≥ α₀ exactly when g ≥ g0 (rounded division is monotone in g for
// lᵢ > 0). A first pass writes the positions of the entries with g ≥ g0
// into idx without a branch (each position written, the count raised by
// the comparison), a second bins them (binExact): on the 3-column arrays
// of ../shared/refs a fifth of the entries pass, in no predictable order,
// and the branch per entry of one pass mispredicted for most of them
// (BENCHMARKS.md, issue 14). Where few entries pass (the 11- and
// 20-column arrays: 2 %), the branch is predicted and one pass costs less:
// gather false takes it, and the result is the number of entries that
// passed (0 then), for the caller's choice on the next row. idx has room
// for len(row) positions.
func binRow(row []float64, i int, alphas []float64, bins []int64, idx []int32, gather bool) int {
	li := row[i]
	g0 := math.Inf(-1)
	if li > 0 && !math.IsInf(li, 0) {
		g0 = divisionThreshold(alphas[0], li)
	}
	if !gather {
		for j, g := range row {
			if g >= g0 && j != i {
				binExact(g/li, alphas, bins)
			}
		}
		return 0
	}
	idx = idx[:len(row)]
	k := 0
	for j, g := range row {
		idx[k] = int32(j)
		inc := 0
		if g >= g0 {
			inc = 1
		}
		k += inc
	}
	for _, j := range idx[:k] {
		if int(j) != i {
			binExact(row[j]/li, alphas, bins)
		}
	}
	return k
}

// binExact adds v to the bin of the largest αₐ ≤ v, none when v < α₀ or
// NaN: from the nearest grid step, then exact comparisons (at most a step
// or two).
func binExact(v float64, alphas []float64, bins []int64) {
	na := len(alphas)
	if !(v >= alphas[0]) {
		return
	}
	a := min(max(int((v-0.6)*50), 0), na-1) // a guess; the comparisons decide
	for a < na-1 && v >= alphas[a+1] {
		a++
	}
	for v < alphas[a] {
		a--
	}
	bins[a]++
}

// divisionThreshold returns the least g with g/l ≥ a in floating point
// (l > 0 finite, a > 0): rounded division is monotone in g, so g/l ≥ a
// exactly when g ≥ the result.
func divisionThreshold(a, l float64) float64 {
	g := a * l
	for g/l < a {
		g = math.Nextafter(g, math.Inf(1))
	}
	for {
		p := math.Nextafter(g, math.Inf(-1))
		if !(p/l >= a) {
			return g
		}
		g = p
	}
}

// lambertW0 is the principal branch of the Lambert W function for z ≥ 0:
// w with w·eʷ = z, by Halley's iteration.
func lambertW0(z float64) float64 {
	w := math.Log1p(z)
	if z > 3 {
		l := math.Log(z)
		w = l - math.Log(l)
	}
	for range 100 {
		ew := math.Exp(w)
		f := w*ew - z
		wn := w - f/(ew*(w+1)-(w+2)*f/(2*w+2))
		if math.Abs(wn-w) <= 1e-15*math.Abs(wn) {
			return wn
		}
		w = wn
	}
	return w
}
