package hostile

import (
	"math"
	"testing"
)

// TestGeometry: overlap and imbalance refuse mismatched representations,
// bad labels and impossible k in one line naming the file.
func TestGeometry(t *testing.T) {
	ab := Setups(Points("a.npy", 50, 3), Points("b.npy", 50, 4))
	label := func(f func(i, j int) float64) func(*testing.T, string) {
		return Setups(Points("a.npy", 50, 3), NPY("y.npy", 50, 1, f))
	}
	Run(t, []Case{
		{Name: "overlap: different N", Args: []string{"overlap", "a.npy", "b.npy", "--k", "5"},
			Setup: Setups(Points("a.npy", 50, 3), Points("b.npy", 60, 3)),
			Exit:  2, Stderr: "a.npy has 50 points, b.npy has 60: not representations of the same points"},
		{Name: "imbalance: different N", Args: []string{"imbalance", "a.npy", "b.npy"},
			Setup: Setups(Points("a.npy", 50, 3), Points("b.npy", 40, 3)),
			Exit:  2, Stderr: "a.npy has 50 points, b.npy has 40"},
		{Name: "overlap: k too large", Args: []string{"overlap", "a.npy", "b.npy", "--k", "50"}, Setup: ab,
			Exit: 2, Stderr: "a.npy: 50 points, too few for k = 50 neighbours"},
		{Name: "overlap: k zero", Args: []string{"overlap", "a.npy", "b.npy", "--k", "0"}, Setup: ab,
			Exit: 2, Stderr: "--k 0: need at least 1"},
		{Name: "overlap: one input, no labels", Args: []string{"overlap", "a.npy"}, Setup: ab,
			Exit: 2, Stderr: "one input needs --labels"},
		{Name: "imbalance: one input", Args: []string{"imbalance", "a.npy"}, Setup: ab,
			Exit: 2, Stderr: "want two inputs A B, got 1"},
		{Name: "overlap: missing B", Args: []string{"overlap", "a.npy", "nope.npy"}, Setup: ab,
			Exit: 2, Stderr: "nope.npy"},
		{Name: "overlap: NaN in B", Args: []string{"overlap", "a.npy", "c.npy", "--k", "5"},
			Setup: Setups(Points("a.npy", 50, 3), NPY("c.npy", 50, 3, func(i, j int) float64 {
				if i == 7 {
					return math.NaN()
				}
				return float64(i*3 + j)
			})), Exit: 2, Stderr: "c.npy"},
		{Name: "labels: wrong count", Args: []string{"overlap", "a.npy", "--labels", "y.npy", "--k", "5"},
			Setup: Setups(Points("a.npy", 50, 3), NPY("y.npy", 49, 1, Const(1))),
			Exit:  2, Stderr: "y.npy: 49 labels, but a.npy has 50 points"},
		{Name: "labels: not integers", Args: []string{"overlap", "a.npy", "--labels", "y.npy", "--k", "5"},
			Setup: label(func(i, _ int) float64 { return float64(i) / 3 }),
			Exit:  2, Stderr: "y.npy: labels: value 1 is 0.3333333333333333, not an integer"},
		{Name: "labels: a matrix", Args: []string{"overlap", "a.npy", "--labels", "b.npy", "--k", "5"}, Setup: ab,
			Exit: 2, Stderr: "b.npy: labels: shape"},
		{Name: "cosine: zero row", Args: []string{"imbalance", "--metric", "cosine", "a.npy", "z.npy"},
			Setup: Setups(Points("a.npy", 50, 3), NPY("z.npy", 50, 3, func(i, j int) float64 {
				if i == 4 {
					return 0
				}
				return float64(i + j + 1)
			})), Exit: 2, Stderr: "z.npy"},
		{Name: "local: k too large", Args: []string{"local", "a.npy", "--k", "60"}, Setup: ab,
			Exit: 2, Stderr: "a.npy: 50 points, too few for k = 60 neighbours"},
		{Name: "local: out in a missing directory", Args: []string{"local", "a.npy", "--k", "5", "--out", "no/such/dir/ids.npy"}, Setup: ab,
			Exit: 1, Stderr: "no/such/dir/ids.npy"},
		{Name: "local: figure in a missing directory", Args: []string{"local", "a.npy", "--k", "5", "--figure", "no/such/dir/h.png"}, Setup: ab,
			Exit: 1, Stderr: "--figure no/such/dir/h.png: no directory no/such/dir"},
		{Name: "local: figure not an image type", Args: []string{"local", "a.npy", "--k", "5", "--figure", "h.gif"}, Setup: ab,
			Exit: 2, Stderr: "h.gif: unknown image type"},
		{Name: "local: figure onto a directory", Args: []string{"local", "a.npy", "--k", "5", "--figure", "d.png"}, Setup: Setups(ab, Dir("d.png")),
			Exit: 2, Stderr: "--figure d.png: is a directory"},
		{Name: "local: constant rows (mle)", Args: []string{"local", "c.npy", "--k", "5"}, Setup: NPY("c.npy", 50, 4, Const(1)),
			Exit: 2, Stderr: "c.npy: no point has a defined local mle ID with k = 5 (50 with a duplicate among its neighbours"},
		{Name: "local: constant rows (twonn)", Args: []string{"local", "c.npy", "--k", "5", "--method", "twonn"}, Setup: NPY("c.npy", 50, 4, Const(1)),
			Exit: 2, Stderr: "c.npy: no point has a defined local twonn ID with k = 5 (0 with a duplicate among its neighbours, 50 non-finite"},
		{Name: "local: two inputs", Args: []string{"local", "a.npy", "b.npy"}, Setup: ab,
			Exit: 2, Stderr: "want one INPUT, got 2"},
		{Name: "profile --imbalance: different N", Args: []string{"profile", "--imbalance", "--no-pca", "a.npy", "b.npy"},
			Setup: Setups(Points("a.npy", 50, 3), Points("b.npy", 40, 3)),
			Exit:  2, Stderr: "layer b has 40 points, layer a has 50"},
		{Name: "profile --overlap: different N", Args: []string{"profile", "--overlap", "--overlap-k", "5", "--no-pca", "a.npy", "b.npy"},
			Setup: Setups(Points("a.npy", 50, 3), Points("b.npy", 60, 3)),
			Exit:  2, Stderr: "layer b has 60 points, layer a has 50"},
		{Name: "profile --imbalance: with --onnx, no images", Args: []string{"profile", "--imbalance", "--onnx", "m.onnx", "--images", "."}, Setup: ab,
			Exit: 2, Stderr: ".: no .jpg, .jpeg or .png images"},
		{Name: "bad format", Args: []string{"imbalance", "--format", "xml", "a.npy", "b.npy"}, Setup: ab,
			Exit: 2, Stderr: "unknown --format"},
	})
}
