package kernel

// peakSink keeps the pure-Go FMA loop from being optimised away.
var peakSink float32

// peakLoopGo is the scalar twin of the register-only FMA loops: 8
// independent multiply-adds a ← 0.999·a + 0.001 per iteration. It returns
// the sum of the 8 accumulators, which tends to 8 (each to the fixed point 1).
func peakLoopGo(iters int) float32 {
	var a0, a1, a2, a3, a4, a5, a6, a7 float32 = 0, 1, 2, 3, 4, 5, 6, 7
	const m, c = 0.999, 1e-3
	for i := 0; i < iters; i++ {
		a0 = a0*m + c
		a1 = a1*m + c
		a2 = a2*m + c
		a3 = a3*m + c
		a4 = a4*m + c
		a5 = a5*m + c
		a6 = a6*m + c
		a7 = a7*m + c
	}
	return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7
}
