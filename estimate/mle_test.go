package estimate

import (
	"fmt"
	"github.com/intdim/intdim/cloud"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// TestMLERefs compares with scikit-dimension MLE() (1e-6 relative).
func TestMLERefs(t *testing.T) {
	for _, c := range loadRefCases(t) {
		if c.name == "dup10_swissroll_D3" {
			continue // checked in checkDuplicateSet: ErrDuplicates
		}
		got, err := MLE(c.g, 20)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want := scalar(t, c.ref.Results["skdim.mle"].Value); !relClose(got, want, 1e-6) {
			t.Errorf("%s: MLE = %.12g, skdim.mle = %.12g", c.name, got, want)
		}
	}
}

// TestMLEManifolds: Levina–Bickel on manifolds of known ID. With k = 20 the
// neighbourhoods are larger than TwoNN's, so the boundary and curvature bias
// is larger at high d (about −15 % for a 10-cube with N = 2000).
func TestMLEManifolds(t *testing.T) {
	cases := []struct {
		name   string
		x      []float64
		d      int
		lo, hi float64
	}{
		{"hypercube d=2 in 4", synth.Hypercube(1500, 2, 4, 11), 4, 1.85, 2.1},
		{"sphere d=3", synth.Sphere(1500, 3, 12), 4, 2.8, 3.2},
		{"gaussian d=5 in 9", synth.Gaussian(1500, 5, 9, 13), 9, 4.3, 5.3},
	}
	for _, c := range cases {
		m := len(c.x) / c.d
		g, err := knn.Search(cloud.Must64(c.x, m, c.d), 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := MLE(g, 20)
		if err != nil {
			t.Fatal(err)
		}
		if got < c.lo || got > c.hi {
			t.Errorf("%s: MLE = %.3f, want in [%g, %g]", c.name, got, c.lo, c.hi)
		}
		t.Logf("%s: MLE = %.3f", c.name, got)
	}
}

// TestMLEClosedForm: T_j = j^(1/d) (the expected shape of a d-dimensional
// neighbourhood) gives m = (k − 1)/Σ log(T_k/T_j) by hand.
func TestMLEClosedForm(t *testing.T) {
	const k, d = 5, 3.0
	g := &knn.Graph{N: 2, K: k, Index: make([]int32, 2*k), Dist: make([]float64, 2*k)}
	var s float64
	for j := 1; j <= k; j++ {
		g.Dist[j-1] = math.Pow(float64(j), 1/d)
		g.Dist[k+j-1] = 2 * math.Pow(float64(j), 1/d) // scale does not matter
		s += math.Log(float64(k)/float64(j)) / d
	}
	want := (k - 1) / s
	got, err := MLE(g, k)
	if err != nil || math.Abs(got-want) > 1e-14*want {
		t.Errorf("MLE = %v, %v; want %v", got, err, want)
	}
	// Only the first k of g.K neighbours count.
	if got2, _ := MLE(g, 3); got2 == got {
		t.Errorf("MLE with k = 3 equals k = 5")
	}
}

func ExampleMLE() {
	// The unit 3-sphere in 4 dimensions, k = 20 neighbours.
	x := synth.Sphere(2000, 3, 1)
	g, err := knn.Search(cloud.Must64(x, 2000, 4), 20, nil)
	if err != nil {
		panic(err)
	}
	id, err := MLE(g, 20)
	if err != nil {
		panic(err)
	}
	fmt.Printf("ID ≈ %.0f\n", id)
	// Output: ID ≈ 3
}

// TestMLEBlocks checks MLE and LocalMLE over several blocks of logRows (a
// last partial one, k = g.K and k < g.K) against the definition with
// math.Log, bit for bit.
func TestMLEBlocks(t *testing.T) {
	const n, K = 2*logBlockRows + 37, 9
	rng := rand.New(rand.NewPCG(3, 5))
	g := &knn.Graph{N: n, K: K, Index: make([]int32, n*K), Dist: make([]float64, n*K)}
	for i := range n {
		d := 0.0
		for j := range K {
			d += 0.01 + rng.Float64()
			g.Dist[i*K+j] = d
		}
	}
	for _, k := range []int{K, 5} {
		var sum float64
		want := make([]float64, n)
		for i := range n {
			l := make([]float64, k)
			for j := range k {
				l[j] = math.Log(g.Dist[i*K+j])
			}
			var s float64
			for _, lj := range l[:k-1] {
				s += l[k-1] - lj
			}
			sum += s / float64(k-1)
			want[i] = float64(k-1) / s
		}
		got, err := MLE(g, k)
		if err != nil || got != float64(n)/sum {
			t.Errorf("k = %d: MLE = %v, %v; want %v", k, got, err, float64(n)/sum)
		}
		pts, err := LocalMLE(g, k)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if pts[i] != want[i] {
				t.Fatalf("k = %d: LocalMLE[%d] = %v, want %v", k, i, pts[i], want[i])
			}
		}
	}
}
