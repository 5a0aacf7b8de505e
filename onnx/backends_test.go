//go:build ort || gomlx

package onnx

import "testing"

// sameActs checks that two backends' activations agree to float32 rounding.
func sameActs(t *testing.T, what string, layers []Layer, got, want [][]float32) {
	t.Helper()
	for j, l := range layers {
		ref := make([]float64, len(want[j]))
		for i, v := range want[j] {
			ref[i] = float64(v)
		}
		if d := maxRelDiff(got[j], ref); d > 1e-5 {
			t.Errorf("%s %s: backends differ by %.3g", what, l.Name, d)
		}
	}
}
