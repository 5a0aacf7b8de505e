package cloud

import "fmt"

// TokenModes lists the ways Tokens turns sequences of token
// representations into points, the first being the default.
var TokenModes = []string{"flatten", "first", "last", "mean", "all"}

// Tokens returns the point cloud of m read as N sequences of t tokens of
// D = m.D()/t values each (an array [N, T, D], as transformers' hidden
// states are saved), per mode:
//
//	flatten  m itself: N points of T·D values
//	first    the first token of each sequence: N points xᵢ,₀ (D values)
//	last     the last token: N points xᵢ,T−1
//	mean     the mean over tokens: N points (1/T) Σₜ xᵢ,ₜ, summed in
//	         float64 and rounded once to m's element type
//	all      every token a point: N·T points xᵢ,ₜ (a view of m's values)
//
// The result keeps m's element type; first, last and mean are new
// matrices, flatten and all view m's memory (m must stay open while they
// are used). An empty mode is flatten.
func Tokens(m *Matrix, t int, mode string) (*Matrix, error) {
	if t < 1 || m.d%t != 0 {
		return nil, fmt.Errorf("cloud: %d tokens do not divide rows of %d values", t, m.d)
	}
	n, d := m.n, m.d/t
	switch mode {
	case "", "flatten":
		return m, nil
	case "all":
		if m.elem == Float32 {
			return New32(m.f32, n*t, d)
		}
		return New64(m.f64, n*t, d)
	case "first", "last":
		tok := 0
		if mode == "last" {
			tok = t - 1
		}
		if m.elem == Float32 {
			out := make([]float32, n*d)
			for i := range n {
				copy(out[i*d:(i+1)*d], m.Row32(i)[tok*d:(tok+1)*d])
			}
			return New32(out, n, d)
		}
		out := make([]float64, n*d)
		for i := range n {
			copy(out[i*d:(i+1)*d], m.Row64(i)[tok*d:(tok+1)*d])
		}
		return New64(out, n, d)
	case "mean":
		sum := make([]float64, d)
		mean := func(at func(k int) float64) {
			clear(sum)
			for k := range t * d {
				sum[k%d] += at(k)
			}
			for j := range sum {
				sum[j] /= float64(t)
			}
		}
		if m.elem == Float32 {
			out := make([]float32, n*d)
			for i := range n {
				row := m.Row32(i)
				mean(func(k int) float64 { return float64(row[k]) })
				for j, v := range sum {
					out[i*d+j] = float32(v)
				}
			}
			return New32(out, n, d)
		}
		out := make([]float64, n*d)
		for i := range n {
			row := m.Row64(i)
			mean(func(k int) float64 { return row[k] })
			copy(out[i*d:], sum)
		}
		return New64(out, n, d)
	}
	return nil, fmt.Errorf("cloud: unknown token mode %q (want flatten, first, last, mean or all)", mode)
}
