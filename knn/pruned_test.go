package knn

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// lowRank returns n rows of a d-dimensional cloud near an r-dimensional
// subspace with a decaying spectrum: ReLU(W·z + b) with z ~ N(0, diag(1/t)),
// plus isotropic noise of size noise.
func lowRank(n, d, r int, noise float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 99))
	w := make([]float64, r*d)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	x := make([]float64, n*d)
	z := make([]float64, r)
	for i := 0; i < n; i++ {
		for t := range z {
			z[t] = rng.NormFloat64() / float64(t+1)
		}
		for j := 0; j < d; j++ {
			var s float64
			for t, v := range z {
				s += v * w[t*d+j]
			}
			x[i*d+j] = max(s, 0) + noise*rng.NormFloat64()
		}
	}
	return x
}

// checkPruned searches x both ways and requires the same graph bit for bit,
// and that the pruned search really ran.
func checkPruned(t *testing.T, name string, x *cloud.Matrix, k int, metric Metric) {
	t.Helper()
	want, err := Search(x, k, &Options{Search: SearchBrute, Metric: metric, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want.Search != SearchBrute {
		t.Fatalf("%s: brute search reported %v", name, want.Search)
	}
	for _, th := range []int{1, 3} {
		got, err := Search(x, k, &Options{Search: SearchPruned, Metric: metric, Threads: th})
		if err != nil {
			t.Fatal(err)
		}
		if got.Search != SearchPruned {
			t.Fatalf("%s: forced pruned search reported %v", name, got.Search)
		}
		for i := range want.Index {
			if got.Index[i] != want.Index[i] || math.Float64bits(got.Dist[i]) != math.Float64bits(want.Dist[i]) {
				t.Fatalf("%s k=%d threads=%d: entry %d (row %d): got (%d, %v), want (%d, %v)", name, k, th, i, i/k,
					got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
			}
		}
	}
}

// The k of the estimators: TwoNN 2, 3 (paper mode, subsets), the
// scikit-dimension defaults 20 and 100, --overlap-k 30, GRIDE's max rank
// (256 by default; here capped by n).
var prunedKs = []int{1, 2, 3, 20, 30, 100, 256}

// shortKs are prunedKs under -short (the race detector's run).
func shortKs() []int {
	if testing.Short() {
		return []int{1, 2, 20}
	}
	return prunedKs
}

func TestPrunedRandom(t *testing.T) {
	x := randMatrix(600, 40, 3)
	for _, k := range shortKs() {
		checkPruned(t, "gaussian", m64(x, 600, 40), k, Euclidean)
	}
}

func TestPrunedLowRank(t *testing.T) {
	n, d := 900, 120
	x := lowRank(n, d, 12, 1e-3, 5)
	for _, k := range shortKs() {
		checkPruned(t, "low rank", m64(x, n, d), k, Euclidean)
		checkPruned(t, "low rank cosine", m64(x, n, d), k, Cosine)
	}
	x32 := make([]float32, len(x))
	for i, v := range x {
		x32[i] = float32(v)
	}
	m, err := cloud.New32(x32, n, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{2, 20} {
		checkPruned(t, "low rank float32", m, k, Euclidean)
	}
}

// Many exact duplicates (dead units: whole groups of equal rows) and rows
// at exactly equal distances: ties are broken by index as brute force does,
// and rows whose candidates overflow fall back to a direct search.
func TestPrunedDuplicatesAndTies(t *testing.T) {
	n, d := 700, 64
	base := lowRank(50, d, 6, 0, 8)
	rng := rand.New(rand.NewPCG(4, 4))
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		src := rng.IntN(50)
		if i%7 == 0 {
			src = 0 // a large group of one value
		}
		copy(x[i*d:(i+1)*d], base[src*d:(src+1)*d])
		if i%5 == 1 { // some unique rows near their group
			x[i*d+rng.IntN(d)] += 1e-9
		}
	}
	for _, k := range []int{1, 2, 3, 20, 100} {
		checkPruned(t, "duplicates", m64(x, n, d), k, Euclidean)
	}
	// Integer grid: many equal distances.
	g := make([]float64, n*d)
	for i := range g {
		g[i] = float64(rng.IntN(3))
	}
	for _, k := range []int{2, 3, 30} {
		checkPruned(t, "ties", m64(g, n, d), k, Euclidean)
	}
	old, oldP := candidateFloor, prunedFloor
	candidateFloor, prunedFloor = 8, 0
	defer func() { candidateFloor, prunedFloor = old, oldP }()
	checkPruned(t, "duplicates overflow", m64(x, n, d), 2, Euclidean)
	checkPruned(t, "random overflow", m64(randMatrix(300, 30, 9), 300, 30), 3, Euclidean)
}

// Rows far from the sample's centre, tiny and huge values: the margins are
// relative, so the bound stays valid at any scale.
func TestPrunedScales(t *testing.T) {
	n, d := 400, 30
	for _, s := range []float64{1e-30, 1, 1e30} {
		x := lowRank(n, d, 5, 1e-6, 9)
		for i := range x {
			x[i] = x[i]*s + 1e3*s
		}
		checkPruned(t, "scaled", m64(x, n, d), 3, Euclidean)
	}
}

func TestParseSearch(t *testing.T) {
	for _, m := range []SearchMode{SearchAuto, SearchBrute, SearchPruned} {
		got, err := ParseSearch(m.String())
		if err != nil || got != m {
			t.Fatalf("ParseSearch(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseSearch("fast"); err == nil {
		t.Fatal("ParseSearch accepted fast")
	}
}

// Isotropic Gaussian data gain nothing from the spectrum: auto searches by
// brute force. For 10,000 points near rank 10 in 300 dimensions the cost
// model predicts a gain, and auto prunes.
func TestAutoChoice(t *testing.T) {
	n, d := 4000, 400
	x := randMatrix(n, d, 12)
	g, err := Search(m64(x, n, d), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.Search != SearchBrute {
		t.Fatalf("isotropic Gaussian: auto chose %v", g.Search)
	}
	pl := planPrune(view(m64(x, n, d)), 2, 2, true)
	if pl == nil || !(pl.pruned > pl.brute) {
		t.Fatalf("isotropic Gaussian: the model predicts a gain (plan %v)", pl != nil)
	}
	n, d = 10000, 300
	y := lowRank(n, d, 10, 1e-4, 13)
	pl = planPrune(view(m64(y, n, d)), 2, 2, true)
	if pl == nil || !(pl.pruned < 0.75*pl.brute) {
		t.Fatalf("rank 10 in 300 dimensions: the model predicts no gain: %.3g s pruned against %.3g s brute", pl.pruned, pl.brute)
	}
	t.Logf("low rank: m = %d, predicted %.3g s pruned against %.3g s brute", pl.m, pl.pruned, pl.brute)
	if g, err := Search(m64(y, n, d), 2, nil); err != nil || g.Search != SearchPruned {
		t.Fatalf("rank 10 in 300 dimensions: auto did not prune (%v)", err)
	}
}

// FuzzPruned: on any small cloud built from the input (values from a few
// bytes each, so that duplicates, ties, constant columns and wild scales
// occur), the pruned search equals brute force bit for bit.
func FuzzPruned(f *testing.F) {
	f.Add([]byte("\x05\x03\x02abcdefghijklmnopqrstuvwxyz0123456789"), uint8(2))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 4, 0, 0, 9}, 30), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, kb uint8) {
		if len(data) < 4 {
			return
		}
		d := int(data[0]%12) + 2
		scale := math.Ldexp(1, int(int8(data[1]))/2)
		vals := data[2:]
		n := min(len(vals)/d, 200)
		if n < 18 {
			return
		}
		x := fuzzLattice(vals[:n*d], scale)
		k := int(kb)%(n-1) + 1
		m := m64(x, n, d)
		want := bruteForce(view(m), k, 1)
		pl := planPrune(view(m), k, 2, true)
		if pl == nil {
			return // constant data: no direction to project on (Search runs brute force)
		}
		got := prunedSearch(view(m), k, 2, pl)
		for i := range want.Index {
			if got.Index[i] != want.Index[i] || math.Float64bits(got.Dist[i]) != math.Float64bits(want.Dist[i]) {
				t.Fatalf("%d×%d k=%d entry %d: got (%d, %v), want (%d, %v)", n, d, k, i, got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
			}
		}
	})
}

// A forced pruned search loads a layer that fits instead of streaming it;
// one that does not fit still streams.
func TestStreamsFor(t *testing.T) {
	n, d := 2000, 21632 // the demo's conv1
	if !Streams(n, d, 4, 8<<30, false) || !StreamsFor(n, d, 4, 8<<30, false, SearchAuto) {
		t.Fatal("conv1 is not streamed by default")
	}
	if StreamsFor(n, d, 4, 8<<30, false, SearchPruned) {
		t.Fatal("conv1 streams under a forced pruned search")
	}
	if !StreamsFor(n, d, 4, 64<<20, false, SearchPruned) {
		t.Fatal("conv1 does not stream when it does not fit")
	}
}

// Few wide rows (n = 2,000), where a plan costs a large part of brute
// force: auto plans only past lowRankSample, and then prunes (a low-rank
// layer, as the demo's pool1) with the same graph as brute force; an
// isotropic layer is refused by the sample and searched by brute force.
func TestAutoFewWideRows(t *testing.T) {
	n, d := 2000, 3000
	if !(planCost(n, d) > 0.03*bruteCost(n, d, 2)) || planCost(n, d) > 0.4*bruteCost(n, d, 2) || n*(128+16) > 2*d*128 {
		t.Fatalf("%d × %d is not the case under test (plan %.3g s, brute %.3g s)", n, d, planCost(n, d), bruteCost(n, d, 2))
	}
	f32 := func(x []float64) *cloud.Matrix {
		y := make([]float32, len(x))
		for i, v := range x {
			y[i] = float32(v)
		}
		return cloud.Must32(y, n, d)
	}
	for _, c := range []struct {
		name string
		x    *cloud.Matrix
		low  bool
	}{
		{"rank 12", f32(lowRank(n, d, 12, 1e-3, 21)), true},
		{"isotropic", f32(randMatrix(n, d, 22)), false},
	} {
		v := view(c.x)
		mean := make([]float64, d)
		for i := 0; i < n; i++ {
			v.addRow(mean, i)
		}
		for j := range mean {
			mean[j] /= float64(n)
		}
		if got := lowRankSample(v, mean, 1, 2); got != c.low {
			t.Fatalf("%s: lowRankSample %v, want %v (fraction %.4f)", c.name, got, c.low, lowRankFraction(v, mean, 1, 2))
		}
		t.Logf("%s: fraction in the sample's span %.4f", c.name, lowRankFraction(v, mean, 1, 2))
		want, err := Search(c.x, 2, &Options{Search: SearchBrute})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Search(c.x, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if (got.Search == SearchPruned) != c.low {
			t.Fatalf("%s: auto searched by %v", c.name, got.Search)
		}
		for i := range want.Index {
			if got.Index[i] != want.Index[i] || math.Float64bits(got.Dist[i]) != math.Float64bits(want.Dist[i]) {
				t.Fatalf("%s: entry %d: got (%d, %v), want (%d, %v)", c.name, i, got.Index[i], got.Dist[i], want.Index[i], want.Dist[i])
			}
		}
	}
}
