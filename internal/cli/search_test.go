package cli

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// searchCloud is n rows of ReLU(W·z) with a decaying spectrum, some rows
// duplicated, as a .npy file.
func searchCloud(t *testing.T, name string, n, d int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 3))
	const rank = 8
	w := make([]float64, rank*d)
	for i := range w {
		w[i] = r.NormFloat64()
	}
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		if i%9 == 4 { // an exact duplicate of an earlier row
			copy(x[i*d:(i+1)*d], x[(i/2)*d:(i/2+1)*d])
			continue
		}
		for t := 0; t < rank; t++ {
			z := r.NormFloat64() / float64(t+1)
			for j := 0; j < d; j++ {
				x[i*d+j] += z * w[t*d+j]
			}
		}
		for j := 0; j < d; j++ {
			x[i*d+j] = math.Max(x[i*d+j], 0) + 1e-3*r.NormFloat64()
		}
	}
	return writeFile(t, name, npyBytes("<f8", []int{n, d}, f64bytes(x)))
}

// TestSearchFlagSameOutput: every command that searches gives the same
// bytes with --search pruned and --search tree as with --search brute.
func TestSearchFlagSameOutput(t *testing.T) {
	a := searchCloud(t, "a.npy", 420, 48, 1)
	b := searchCloud(t, "b.npy", 420, 30, 2)
	cases := [][]string{
		{"estimate", "--method", "all", "--format", "json", a},
		{"estimate", "--method", "every", "--format", "json", a},
		{"estimate", "--method", "gride", "--max-rank", "64", "--format", "json", a},
		{"estimate", "--resample", "5", "--metric", "cosine", "--format", "json", a},
		{"scale", "--blocks", "4", "--format", "json", a},
		{"profile", "--format", "json", a, b},
		{"local", "--format", "json", a},
		{"overlap", "--k", "30", "--format", "json", a, b},
		{"imbalance", "--format", "json", a, b},
	}
	for _, c := range cases {
		code, brute, errs := run(append(c[:1:1], append([]string{"--search", "brute"}, c[1:]...)...)...)
		if code != 0 {
			t.Fatalf("%v --search brute: exit %d: %s", c, code, errs)
		}
		for _, mode := range []string{"pruned", "tree"} {
			args := append(c[:1:1], append([]string{"--search", mode}, c[1:]...)...)
			code, pruned, errs := run(args...)
			if code != 0 {
				t.Fatalf("%v --search %s: exit %d: %s", c, mode, code, errs)
			}
			if pruned != brute {
				t.Fatalf("%v: --search %s and brute differ:\n%s\n%s", c, mode, pruned, brute)
			}
		}
		if !strings.Contains(brute, "{") {
			t.Fatalf("%v: no JSON: %q", c, brute)
		}
	}
	code, _, errs := run("estimate", "--search", "fast", a)
	if code != 2 || !strings.Contains(errs, "--search") {
		t.Fatalf("--search fast: exit %d, %q", code, errs)
	}
}
