package hostile

import "testing"

// TestDegenerateLayers: a layer that cannot be estimated does not abort a
// profile: every layer is estimated, the output (valid in each format)
// holds the failed one, and the one error line names it, with status 1.
func TestDegenerateLayers(t *testing.T) {
	good := Points("p/a.npy", 200, 4)
	prof := func(a ...string) []string { return append(append([]string{"profile", "--quiet"}, a...), "p") }
	constant := Setups(good, NPY("p/b.npy", 200, 4, Const(3)))
	two := Setups(good, NPY("p/b.npy", 200, 4, func(i, j int) float64 { return float64(i % 2) }))
	zero := Setups(good, NPY("p/b.npy", 200, 4, func(i, j int) float64 { return float64(i * j) }))
	var cases []Case
	for _, f := range []string{"text", "json", "csv"} {
		cases = append(cases,
			Case{Name: "constant layer " + f, Args: prof("--format", f), Setup: constant, Exit: 1, Stdout: true, Stderr: "1 of 2 layers failed: layer b: 1 distinct points"},
			Case{Name: "two distinct points " + f, Args: prof("--format", f), Setup: two, Exit: 1, Stdout: true, Stderr: "layer b: 2 distinct points"},
			Case{Name: "zero-norm row cosine " + f, Args: prof("--format", f, "--metric", "cosine"), Setup: zero, Exit: 1, Stdout: true, Stderr: "layer b: row 0 of 200 has zero norm"},
			Case{Name: "constant layer streamed " + f, Args: prof("--format", f, "--mem", "1K"), Setup: constant, Exit: 1, Stdout: true, Stderr: "layer b: "},
		)
	}
	cases = append(cases,
		Case{Name: "zero-norm rows estimate", Args: []string{"estimate", "--metric", "cosine", "p/b.npy"}, Setup: zero, Exit: 2, Stderr: "(--zero-rows drop leaves them out)"},
		Case{Name: "zero-norm rows profile hint", Args: prof("--metric", "cosine"), Setup: zero, Exit: 1, Stdout: true, Stderr: "(--zero-rows drop leaves rows of zero norm out)"},
		Case{Name: "zero-rows unknown", Args: []string{"estimate", "--zero-rows", "keep", "p/a.npy"}, Setup: good, Exit: 2, Stderr: "unknown --zero-rows"},
	)
	Run(t, cases)
}
