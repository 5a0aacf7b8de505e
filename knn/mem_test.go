package knn

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// wideLayerRows makes rows of a d-wide layer one at a time (so that a sample
// of a layer too large for a test is made without the layer): with rank
// r > 0, row i is max(W·z_i, 0) plus noise 10⁻³, W fixed (r × d) and z_i
// ~ N(0, diag(1/t²)), as lowRank; with r = 0, isotropic N(0, 1).
func wideLayerRows(d, r int, seed uint64) func(i int, dst []float32) {
	w := make([]float64, r*d)
	rng := rand.New(rand.NewPCG(seed, 1))
	for j := range w {
		w[j] = rng.NormFloat64()
	}
	return func(i int, dst []float32) {
		rng := rand.New(rand.NewPCG(seed, uint64(i)+2))
		if r == 0 {
			for j := range dst {
				dst[j] = float32(rng.NormFloat64())
			}
			return
		}
		z := make([]float64, r)
		for t := range z {
			z[t] = rng.NormFloat64() / float64(t+1)
		}
		for j := range dst {
			var s float64
			for t, v := range z {
				s += v * w[t*d+j]
			}
			dst[j] = float32(max(s, 0) + 1e-3*rng.NormFloat64())
		}
	}
}

// sampler is a SampleRows of the rows made by gen, counting its calls.
func sampler(d int, gen func(int, []float32), calls *int) SampleRows {
	return func(idx []int) (*cloud.Matrix, error) {
		*calls++
		v := make([]float32, len(idx)*d)
		for t, i := range idx {
			gen(i, v[t*d:(t+1)*d])
		}
		return cloud.New32(v, len(idx), d)
	}
}

// The sample test of a wide layer: the demo's conv1 sizes (2,000 ×
// 21,632, streamed by StreamsFor), loaded when low-rank (auto will
// prune), streamed when isotropic; no sample is read where it cannot
// change the answer, and a read error is returned.
func TestStreamsSampled(t *testing.T) {
	n, d := 2000, 21632
	if !StreamsFor(n, d, 4, 8<<30, false, SearchAuto) {
		t.Fatal("conv1 is not streamed by StreamsFor")
	}
	calls := 0
	low := sampler(d, wideLayerRows(d, 12, 31), &calls)
	iso := sampler(d, wideLayerRows(d, 0, 32), &calls)
	for _, c := range []struct {
		name   string
		mem    int64
		pca    bool
		search SearchMode
		rows   SampleRows
		want   bool
		reads  int
	}{
		{"low rank", 8 << 30, false, SearchAuto, low, false, 1},
		{"isotropic", 8 << 30, false, SearchAuto, iso, true, 1},
		{"no sampler", 8 << 30, false, SearchAuto, nil, true, 0},
		{"does not fit", 64 << 20, false, SearchAuto, low, true, 0},
		{"pca", 8 << 30, true, SearchAuto, low, true, 0},
		{"brute", 8 << 30, false, SearchBrute, low, true, 0},
		{"pruned", 8 << 30, false, SearchPruned, low, false, 0},
		{"does not fit, pruned", 64 << 20, false, SearchPruned, low, true, 0},
	} {
		calls = 0
		got, _, err := StreamsSampled(n, d, 4, c.mem, c.pca, c.search, c.rows)
		if err != nil || got != c.want || calls != c.reads {
			t.Errorf("%s: streams %v (err %v, %d reads), want %v (%d reads)", c.name, got, err, calls, c.want, c.reads)
		}
	}
	// A narrow layer (d < 4n) loads without a sample.
	calls = 0
	if got, _, err := StreamsSampled(n, 4*n-1, 4, 8<<30, false, SearchAuto, low); got || err != nil || calls != 0 {
		t.Errorf("narrow: streams %v (err %v, %d reads)", got, err, calls)
	}
	bad := errors.New("read error")
	got, _, err := StreamsSampled(n, d, 4, 8<<30, false, SearchAuto, func([]int) (*cloud.Matrix, error) { return nil, bad })
	if !errors.Is(err, bad) || !got {
		t.Errorf("read error: streams %v, err %v", got, err)
	}
	// Non-finite rows are not judged low-rank: the streamed search
	// reports them.
	nan := func(idx []int) (*cloud.Matrix, error) {
		v := make([]float32, len(idx)*d)
		v[5] = float32(math.NaN())
		return cloud.New32(v, len(idx), d)
	}
	if got, _, err := StreamsSampled(n, d, 4, 8<<30, false, SearchAuto, nan); !got || err != nil {
		t.Errorf("NaN sample: streams %v, err %v", got, err)
	}
}

// Auto on a wide low-rank layer over the wide threshold (lowered here,
// with the streamed block, so that the layer stays small: 2,000 × 8,000, d = 4n): StreamsSampled loads
// it, and the search prunes with brute force's exact graph; an isotropic
// layer of the same size still streams.
func TestAutoWideLoaded(t *testing.T) {
	defer func(w, b int64) { wideLoad, streamBlockMax = w, b }(wideLoad, streamBlockMax)
	wideLoad, streamBlockMax = 16<<20, 16<<20
	n, d := 2000, 8000
	if !StreamsFor(n, d, 4, 8<<30, false, SearchAuto) {
		t.Fatal("2,000 × 8,000 is not streamed by StreamsFor under the lowered threshold")
	}
	calls := 0
	if got, _, err := StreamsSampled(n, d, 4, 8<<30, false, SearchAuto, sampler(d, wideLayerRows(d, 0, 42), &calls)); !got || err != nil {
		t.Fatalf("isotropic: streams %v, err %v", got, err)
	}
	gen := wideLayerRows(d, 12, 41)
	v := make([]float32, n*d)
	for i := 0; i < n; i++ {
		gen(i, v[i*d:(i+1)*d])
	}
	x := cloud.Must32(v, n, d)
	got, test, err := StreamsSampled(n, d, 4, 8<<30, false, SearchAuto, func(idx []int) (*cloud.Matrix, error) {
		s := make([]float32, 0, len(idx)*d)
		for _, i := range idx {
			s = append(s, x.Row32(i)...)
		}
		return cloud.New32(s, len(idx), d)
	})
	if got || err != nil {
		t.Fatalf("low rank: streams %v, err %v", got, err)
	}
	want, err := Search(x, 2, &Options{Search: SearchBrute})
	if err != nil {
		t.Fatal(err)
	}
	if test == nil || *test != (SampleTest{N: n, D: d, LowRank: true}) {
		t.Fatalf("low rank: verdict %+v", test)
	}
	// Searched without the verdict (its own sample test) and with it.
	for _, opt := range []*Options{nil, {Sampled: test}} {
		g, err := Search(x, 2, opt)
		if err != nil {
			t.Fatal(err)
		}
		if g.Search != SearchPruned {
			t.Fatalf("auto searched the loaded layer by %v", g.Search)
		}
		for i := range want.Index {
			if g.Index[i] != want.Index[i] || math.Float64bits(g.Dist[i]) != math.Float64bits(want.Dist[i]) {
				t.Fatalf("entry %d: got (%d, %v), want (%d, %v)", i, g.Index[i], g.Dist[i], want.Index[i], want.Dist[i])
			}
		}
	}
}
