package geometry_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/geometry"
)

func gaussian(n, d int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n*d)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

// Identical representations: every neighbourhood is shared (overlap 1) and
// every nearest neighbour has rank 1, so Δ = 2/N exactly (DADApy's
// normalisation: the minimum of Δ is 2/N, not 0).
func TestIdentical(t *testing.T) {
	const n, d, k = 300, 5, 20
	x := cloud.Must64(gaussian(n, d, 1), n, d)
	g := search(t, x, k)
	ov, err := geometry.Overlap(g, g, k)
	if err != nil || ov != 1 {
		t.Fatalf("overlap %v, %v; want 1", ov, err)
	}
	delta, err := geometry.Imbalance(g, g, x)
	if err != nil || delta != 2.0/n {
		t.Fatalf("imbalance %v, %v; want 2/N = %v", delta, err, 2.0/n)
	}
}

// A representation whose points are shuffled against the first (point i of
// B is an unrelated point) shares about k/(N−1) of each neighbourhood, and
// its imbalance is about 1 (a random rank has mean N/2).
func TestPermuted(t *testing.T) {
	const n, d, k = 1000, 4, 30
	a := gaussian(n, d, 2)
	perm := rand.New(rand.NewPCG(3, 3)).Perm(n)
	b := make([]float64, n*d)
	for i, p := range perm {
		copy(b[i*d:(i+1)*d], a[p*d:(p+1)*d])
	}
	xa, xb := cloud.Must64(a, n, d), cloud.Must64(b, n, d)
	ga, gb := search(t, xa, k), search(t, xb, k)
	ov, err := geometry.Overlap(ga, gb, k)
	if err != nil {
		t.Fatal(err)
	}
	// Each shared neighbour is a Bernoulli(k/(N−1)) draw: mean k/(N−1) = 0.03,
	// standard error of the mean over N points about sqrt(0.03/(k·N)) ≈ 0.001.
	if want := float64(k) / (n - 1); math.Abs(ov-want) > 0.006 {
		t.Errorf("overlap %v, want about k/(N−1) = %v", ov, want)
	}
	delta, err := geometry.Imbalance(ga, gb, xb)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(delta-1) > 0.1 {
		t.Errorf("imbalance %v, want about 1", delta)
	}
}

// Labels equal within each tight cluster: every neighbour shares the label.
// Labels drawn at random among 4 classes: about 1/4.
func TestLabelOverlap(t *testing.T) {
	const n, d, k = 400, 3, 10
	x := gaussian(n, d, 4)
	labels := make([]int, n)
	for i := range n {
		labels[i] = i % 4
		x[i*d] += 100 * float64(labels[i]) // four clusters far apart
	}
	g := search(t, cloud.Must64(x, n, d), k)
	w, u, err := geometry.LabelOverlap(g, labels, k)
	if err != nil || w != 1 || u != 1 {
		t.Fatalf("label overlap %v, %v, %v; want 1, 1", w, u, err)
	}
	r := rand.New(rand.NewPCG(5, 5))
	for i := range labels {
		labels[i] = r.IntN(4)
	}
	w, u, err = geometry.LabelOverlap(g, labels, k)
	if err != nil || math.Abs(w-0.25) > 0.05 || math.Abs(u-0.25) > 0.05 {
		t.Fatalf("random labels: %v, %v, %v; want about 1/4", w, u, err)
	}
	if _, _, err := geometry.LabelOverlap(g, labels[:n-1], k); err == nil {
		t.Error("399 labels for 400 points: no error")
	}
}

// Duplicates and ties: a cloud with exact copies (distance 0) and points on a
// grid (many equal distances). The rank read from a short neighbour list
// must equal the rank counted over the whole row, so the result does not
// depend on how many neighbours were searched.
func TestTiesShortAndFullLists(t *testing.T) {
	const d = 2
	var a []float64
	for i := range 12 {
		for j := range 12 {
			a = append(a, float64(i), float64(j))
		}
	}
	a = append(a, a[:40]...) // 20 exact copies
	n := len(a) / d
	xa := cloud.Must64(a, n, d)
	b := make([]float64, len(a))
	for i := range b {
		b[i] = math.Round(math.Sin(a[i]*1.7+float64(i%d))*4) / 4 // coarse: many ties
	}
	xb := cloud.Must64(b, n, d)
	ga := search(t, xa, 3)
	full := search(t, xb, n-1)
	short := search(t, xb, 2)
	rf, err := geometry.Ranks(ga, full, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := geometry.Ranks(ga, short, xb)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rf {
		if rf[i] != rs[i] {
			t.Fatalf("point %d: rank %d from the full list, %d counted over the row", i, rf[i], rs[i])
		}
	}
	// Some targets lie beyond B's 2-neighbour lists: they need B's points.
	if _, err := geometry.Ranks(ga, short, nil); err == nil {
		t.Error("short lists without B's points: no error")
	}
}

func TestMismatch(t *testing.T) {
	ga := search(t, cloud.Must64(gaussian(50, 2, 6), 50, 2), 5)
	gb := search(t, cloud.Must64(gaussian(60, 2, 7), 60, 2), 5)
	if _, err := geometry.Overlap(ga, gb, 5); err == nil {
		t.Error("overlap of 50 and 60 points: no error")
	}
	if _, err := geometry.Imbalance(ga, gb, nil); err == nil {
		t.Error("imbalance of 50 and 60 points: no error")
	}
	if _, err := geometry.Overlap(ga, ga, 6); err == nil {
		t.Error("k = 6 from 5-neighbour graphs: no error")
	}
	if _, err := geometry.Overlap(ga, ga, 0); err == nil {
		t.Error("k = 0: no error")
	}
}
