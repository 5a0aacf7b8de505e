package hostile

import "testing"

// TestTokensLabelsOverlapFlags: the flags added for token arrays, stacked
// layers, labels, the overlap matrix and pointwise methods refuse bad
// values and inputs of the wrong shape in one line naming them.
func TestTokensLabelsOverlapFlags(t *testing.T) {
	a := Points("a.npy", 50, 3)
	frac := Setups(a, NPY("y.npy", 50, 1, func(i, _ int) float64 { return float64(i) / 3 }))
	short := Setups(a, NPY("y.npy", 49, 1, Const(1)))
	Run(t, []Case{
		{Name: "tokens: unknown mode", Args: []string{"estimate", "--tokens", "bogus", "a.npy"}, Setup: a,
			Exit: 2, Stderr: `--tokens "bogus": want flatten, first, last, mean, all`},
		{Name: "tokens: rank 2", Args: []string{"estimate", "--tokens", "mean", "a.npy"}, Setup: a,
			Exit: 2, Stderr: "a.npy: --tokens mean needs a rank-3 array [N, T, D], this one is 50×3"},
		{Name: "layer axis: rank 2", Args: []string{"profile", "--layer-axis", "0", "a.npy"}, Setup: a,
			Exit: 2, Stderr: "a.npy: --layer-axis 0 needs an array [L, N, …] of rank ≥ 3"},
		{Name: "profile labels: not integers", Args: []string{"profile", "--labels", "y.npy", "a.npy"}, Setup: frac,
			Exit: 2, Stderr: "y.npy: labels: value 1 is 0.3333333333333333, not an integer"},
		{Name: "estimate labels: wrong count", Args: []string{"estimate", "--labels", "y.npy", "a.npy"}, Setup: short,
			Exit: 2, Stderr: "a.npy: 50 points, but 49 labels in y.npy"},
		{Name: "overlap k zero", Args: []string{"profile", "--overlap", "--overlap-k", "0", "a.npy"}, Setup: a,
			Exit: 2, Stderr: "--overlap-k 0: need at least 1"},
		{Name: "local: unknown method", Args: []string{"local", "--method", "gride", "a.npy"}, Setup: a,
			Exit: 2, Stderr: `--method "gride": want mle, mom, tle, mada, ess, lpca-fo or twonn`},
	})
}
