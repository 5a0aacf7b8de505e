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
	dz = len(keep)
	z = make([]float64, n*dz)
	for i := 0; i < n; i++ {
		row := x[i*d : (i+1)*d]
		out := z[i*dz : (i+1)*dz]
		for c, j := range keep {
			out[c] = (float64(row[j]) - mean[j]) * scale[c]
		}
	}
	return z, dz
}
