package linalg

import "math"

// ZScore returns the z-scores of the non-constant columns of the n×d
// row-major matrix x, as an n×dz row-major matrix: (x − mean)/std with the
// population standard deviation (as scikit-learn's StandardScaler, used for
// the paper's PC-ID). A column is constant when all its values are equal;
// constant columns are dropped. Sums run row by row (cache order), in the
// same order for every column, so a block of columns gives the same values
// as the whole matrix.
//
// The values may be float32 (widened exactly) or float64.
func ZScore[E ~float32 | ~float64](x []E, n, d int) (z []float64, dz int) {
	zs := NewZScores(x, n, d)
	dz = zs.Dz()
	z = make([]float64, n*dz)
	for i := 0; i < n; i++ {
		zs.Row(i, z[i*dz:(i+1)*dz])
	}
	return z, dz
}

// ZRows gives the z-scores of ZScore a row at a time.
type ZRows interface {
	Dz() int                  // the non-constant columns
	Row(i int, out []float64) // writes row i of ZScore's matrix into out (Dz values)
}

// ZScores is ZScore's means and scales of the columns of x, from which
// Row writes each row of ZScore's matrix (the same values bit for bit)
// without the n×dz matrix in memory.
type ZScores[E ~float32 | ~float64] struct {
	x     []E
	d     int
	mean  []float64
	keep  []int
	scale []float64
}

// NewZScores computes the column means and scales of ZScore for the n×d
// row-major matrix x (two passes over x).
func NewZScores[E ~float32 | ~float64](x []E, n, d int) *ZScores[E] {
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j, v := range x[i*d : (i+1)*d] {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	ss := make([]float64, d)
	varies := make([]bool, d)
	for i := 0; i < n; i++ {
		for j, v := range x[i*d : (i+1)*d] {
			if v != x[j] {
				varies[j] = true
			}
			ss[j] += (float64(v) - mean[j]) * (float64(v) - mean[j])
		}
	}
	keep := make([]int, 0, d)
	scale := make([]float64, 0, d)
	for j := 0; j < d; j++ {
		if varies[j] && ss[j] != 0 {
			keep = append(keep, j)
			scale = append(scale, 1/math.Sqrt(ss[j]/float64(n)))
		}
	}
	return &ZScores[E]{x: x, d: d, mean: mean, keep: keep, scale: scale}
}

// Dz returns the number of non-constant columns.
func (z *ZScores[E]) Dz() int { return len(z.keep) }

// Row writes row i of ZScore's matrix into out (Dz values).
func (z *ZScores[E]) Row(i int, out []float64) {
	row := z.x[i*z.d : (i+1)*z.d]
	out = out[:len(z.keep)]
	for c, j := range z.keep {
		out[c] = (float64(row[j]) - z.mean[j]) * z.scale[c]
	}
}
