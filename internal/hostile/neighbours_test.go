package hostile

import (
	"bytes"
	"math"
	"testing"

	"github.com/intdim/intdim/tensorio/npz"
)

// lists returns n points on a line at xᵢ = i² (all distances distinct) as
// scikit-learn's kneighbors(X, k) lists them (column 0 the point itself),
// then lets edit change them before they are written as dir/name.
func lists(name string, n, k int, edit func(idx []int64, dist []float64)) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		idx := make([]int64, 0, n*k)
		dist := make([]float64, 0, n*k)
		for i := range n {
			idx, dist = append(idx, int64(i)), append(dist, 0)
			lo, hi := i-1, i+1
			for c := 1; c < k; c++ {
				dl, dh := math.Inf(1), math.Inf(1)
				if lo >= 0 {
					dl = float64(i*i - lo*lo)
				}
				if hi < n {
					dh = float64(hi*hi - i*i)
				}
				if dl < dh {
					idx, dist = append(idx, int64(lo)), append(dist, dl)
					lo--
				} else {
					idx, dist = append(idx, int64(hi)), append(dist, dh)
					hi++
				}
			}
		}
		if edit != nil {
			edit(idx, dist)
		}
		var b bytes.Buffer
		w := npz.NewWriter(&b)
		if err := w.Add("distances", []int{n, k}, dist); err != nil {
			t.Fatal(err)
		}
		if err := w.Add("indices", []int{n, k}, idx); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		File(name, b.Bytes())(t, dir)
	}
}

// TestNeighbours: bad neighbour lists and distance matrices (issue 11) are
// refused in one line naming the file, the row and the problem; methods the
// lists cannot give are refused by name.
func TestNeighbours(t *testing.T) {
	est := func(a ...string) []string { return append([]string{"estimate"}, a...) }
	nb := func(a ...string) []string { return est(append(a, "--neighbours", "g.npz")...) }
	const n, k = 50, 6
	at := func(i, c int) int { return i*k + c }
	sym := func(f func(i, j int) float64) func(i, j int) float64 {
		return func(i, j int) float64 { return f(min(i, j), max(i, j)) }
	}
	line := sym(func(i, j int) float64 { return float64(j*j - i*i) })
	Run(t, []Case{
		{Name: "index out of range", Args: nb(), Setup: lists("g.npz", n, k, func(idx []int64, _ []float64) { idx[at(3, 2)] = n }),
			Exit: 2, Stderr: "g.npz: row 3, column 2: index 50 outside [0, 50)"},
		{Name: "negative index (FAISS -1)", Args: nb(), Setup: lists("g.npz", n, k, func(idx []int64, _ []float64) { idx[at(4, 5)] = -1 }),
			Exit: 2, Stderr: "g.npz: row 4, column 5: index -1 outside [0, 50)"},
		{Name: "NaN distance", Args: nb(), Setup: lists("g.npz", n, k, func(_ []int64, d []float64) { d[at(5, 3)] = math.NaN() }),
			Exit: 2, Stderr: "g.npz: row 5, column 3: distance NaN (want finite and non-negative)"},
		{Name: "negative distance", Args: nb(), Setup: lists("g.npz", n, k, func(_ []int64, d []float64) { d[at(5, 1)] = -1 }),
			Exit: 2, Stderr: "g.npz: row 5, column 1: distance -1"},
		{Name: "not ascending", Args: nb(), Setup: lists("g.npz", n, k, func(_ []int64, d []float64) { d[at(6, 2)], d[at(6, 3)] = d[at(6, 3)], d[at(6, 2)] }),
			Exit: 2, Stderr: "g.npz: row 6, column 3: distance"},
		{Name: "index twice", Args: nb(), Setup: lists("g.npz", n, k, func(idx []int64, _ []float64) { idx[at(7, 2)] = idx[at(7, 1)] }),
			Exit: 2, Stderr: "g.npz: row 7, column 2: index"},
		{Name: "self with --no-self", Args: nb("--no-self"), Setup: lists("g.npz", n, k, nil),
			Exit: 2, Stderr: "g.npz: row 0, column 0: the point lists itself, but the lists were said to have no self column"},
		{Name: "no self column", Args: nb(), Setup: lists("g.npz", n, k, func(idx []int64, d []float64) { idx[at(0, 0)], d[at(0, 0)] = 49, 0.5 }),
			Exit: 2, Stderr: "g.npz: row 0: column 0 is index 49 at distance 0.5, not the point itself (lists without the self column need --no-self)"},
		{Name: "missing array", Args: nb(), Setup: Points("g.npz", 50, 3),
			Exit: 2, Stderr: "g.npz"},
		{Name: "pca refused", Args: nb("--method", "pca"), Setup: lists("g.npz", n, k, nil),
			Exit: 2, Stderr: "g.npz: pca needs the rows"},
		{Name: "mle refused", Args: nb("--method", "mle"), Setup: lists("g.npz", n, k, nil),
			Exit: 2, Stderr: "g.npz: mle: k = 20 needs 20 neighbours per point, the lists hold 5 (use --k 5 or longer lists)"},
		{Name: "input and neighbours", Args: nb("x.npy"), Setup: lists("g.npz", n, k, nil),
			Exit: 2, Stderr: "want one INPUT, --neighbours or --distances, got 2"},
		{Name: "no-self alone", Args: est("--no-self", "x.npy"), Setup: Points("x.npy", 50, 3),
			Exit: 2, Stderr: "--no-self applies to --neighbours only"},
		{Name: "distances not square", Args: est("--distances", "d.npy"), Setup: NPY("d.npy", 50, 49, line),
			Exit: 2, Stderr: "d.npy: shape (50×49), want a square N × N distance matrix"},
		{Name: "distances asymmetric", Args: est("--distances", "d.npy"), Setup: NPY("d.npy", 50, 50, func(i, j int) float64 {
			if i == 9 && j == 2 {
				return 1
			}
			return line(i, j)
		}), Exit: 2, Stderr: "d.npy: row 9, column 2: 1, but 77 at row 2, column 9: the matrix is not symmetric"},
		{Name: "distances diagonal", Args: est("--distances", "d.npy"), Setup: NPY("d.npy", 50, 50, func(i, j int) float64 { return line(i, j) + 1 }),
			Exit: 2, Stderr: "d.npy: row 0, column 0: diagonal entry 1, not 0"},
		{Name: "distances infinite", Args: est("--distances", "d.npy"), Setup: NPY("d.npy", 50, 50, func(i, j int) float64 {
			if i+j == 30 {
				return math.Inf(1)
			}
			return line(i, j)
		}), Exit: 2, Stderr: "d.npy: row 0, column 30: distance +Inf"},
		{Name: "distances all zero", Args: est("--distances", "d.npy"), Setup: NPY("d.npy", 50, 50, Const(0)),
			Exit: 2, Stderr: "d.npy: 1 distinct points"},
	})
}
