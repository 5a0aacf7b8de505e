package nn

import "math"

// logSoftmaxAt returns log softmax(z)[k] = z[k] − log Σⱼ exp z[j], computed
// in float64 with the maximum subtracted.
func logSoftmaxAt(z []float32, k int) float64 {
	m := z[0]
	for _, v := range z {
		m = max(m, v)
	}
	var s float64
	for _, v := range z {
		s += math.Exp(float64(v - m))
	}
	return float64(z[k]-m) - math.Log(s)
}

// nllGrad writes into d the gradient of scale·(−log softmax(z)[y]) for n
// rows of c logits (softmax(z) − onehot(y), times scale) and returns the
// summed loss of the rows.
func nllGrad(z []float32, y []uint8, n, c int, scale float32, d []float32) float64 {
	var loss float64
	for i := 0; i < n; i++ {
		row := z[i*c : (i+1)*c]
		dr := d[i*c : (i+1)*c]
		m := row[0]
		for _, v := range row {
			m = max(m, v)
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v - m))
		}
		ls := math.Log(s)
		for j, v := range row {
			dr[j] = float32(math.Exp(float64(v-m)-ls)) * scale
		}
		dr[y[i]] -= scale
		loss -= float64(row[y[i]]-m) - ls
	}
	return loss
}
