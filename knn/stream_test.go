package knn

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
)

// memColumns is an n×d row-major matrix in memory as a ColumnSource; it
// counts the reads and fails the read number fail (1-based; 0: never).
type memColumns struct {
	x           []float64
	n, d        int
	reads, fail int
}

func (m *memColumns) Dims() (int, int) { return m.n, m.d }

func (m *memColumns) ReadColumns(c0, c1 int, dst []float64) error {
	if m.reads++; m.reads == m.fail {
		return errors.New("read failed")
	}
	w := c1 - c0
	for i := range m.n {
		copy(dst[i*w:(i+1)*w], m.x[i*m.d+c0:i*m.d+c1])
	}
	return nil
}

// TestSearchColumnsExactly: with a budget of a few KiB the source is
// streamed in 64-column blocks; the graph equals Search on the loaded
// matrix bit for bit (Euclidean and cosine, float64 values and float32
// ones widened, near-duplicate rows with a large common offset).
func TestSearchColumnsExactly(t *testing.T) {
	n, d := 90, 150 // 150 columns: blocks of 64, 64, 22
	x := randMatrix(n, d, 5)
	for i := range x {
		x[i] += 300
	}
	copy(x[7*d:8*d], x[3*d:4*d])
	x[7*d+100] += 1e-9
	x32 := make([]float64, len(x))
	for i, v := range x {
		x32[i] = float64(float32(v))
	}
	if w := streamWidth(n, d, 4096); w != 64 {
		t.Fatalf("streamWidth = %d, want 64", w)
	}
	for _, data := range [][]float64{x, x32} {
		for _, metric := range []Metric{Euclidean, Cosine} {
			for _, th := range []int{1, 3} {
				opt := &Options{Metric: metric, Threads: th}
				want, err := Search(m64(data, n, d), 6, opt)
				if err != nil {
					t.Fatal(err)
				}
				src := &memColumns{x: data, n: n, d: d}
				got, err := SearchColumns(src, 6, opt, 4096, false)
				if err != nil {
					t.Fatal(err)
				}
				if got.N != n || got.D != d || !got.Streamed || src.reads < 3 {
					t.Fatalf("shape %d×%d, streamed %v in %d reads, want %d×%d streamed", got.N, got.D, got.Streamed, src.reads, n, d)
				}
				sameGraph(t, got.Graph, want)
			}
		}
	}
}

func TestSearchColumnsErrors(t *testing.T) {
	if _, err := SearchColumns(&memColumns{x: make([]float64, 40), n: 10, d: 4}, 10, nil, 0, false); !errors.Is(err, ErrTooFewPoints) {
		t.Fatalf("k = n: %v", err)
	}
	zero := &memColumns{x: make([]float64, 1000), n: 10, d: 100}
	if _, err := SearchColumns(zero, 2, &Options{Metric: Cosine}, 1024, false); err == nil || !strings.Contains(err.Error(), "zero norm") {
		t.Fatalf("zero rows under cosine: %v", err)
	}
	bad := &memColumns{x: randMatrix(10, 100, 1), n: 10, d: 100, fail: 2}
	if _, err := SearchColumns(bad, 2, nil, 1024, false); err == nil || err.Error() != "read failed" {
		t.Fatalf("failed read: %v", err)
	}
	// Too many points for an n×n accumulator in the budget.
	many := &memColumns{x: make([]float64, 9000), n: 3000, d: 3} // 72 MB accumulator
	if _, err := SearchColumns(many, 2, nil, 100000, false); err == nil || !strings.Contains(err.Error(), "accumulator") || many.reads != 0 {
		t.Fatalf("n×n over budget: %v after %d reads", err, many.reads)
	}
}

// TestSearchColumnsZGram: the z-score Gram accumulated while streaming
// equals the one of the whole matrix (to float64 rounding), constant
// columns dropped.
func TestSearchColumnsZGram(t *testing.T) {
	n, d := 70, 200
	x := randMatrix(n, d, 8)
	for i := 0; i < n; i++ {
		x[i*d+5] = 3    // constant column
		x[i*d+150] = -1 // another, in a later block
		x[i*d+7] *= 1e4 // a wide one
	}
	streamed, err := SearchColumns(&memColumns{x: x, n: n, d: d}, 3, nil, 2048, true)
	if err != nil {
		t.Fatal(err)
	}
	z, dz := linalg.ZScore(x, n, d)
	want := kernel.Gram64(z, n, dz, 1)
	if streamed.ZDim != d-2 || dz != d-2 {
		t.Fatalf("ZDim %d and %d, want %d", streamed.ZDim, dz, d-2)
	}
	g, err := Search(m64(x, n, d), 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, streamed.Graph, g)
	for i, v := range want {
		if math.Abs(streamed.ZGram[i]-v) > 1e-12*float64(d) {
			t.Fatalf("ZGram[%d] = %v streamed, %v loaded", i, streamed.ZGram[i], v)
		}
	}
	// Diagonal: Σ z² over a row; the trace is n·dz.
	var tr float64
	for i := 0; i < n; i++ {
		tr += streamed.ZGram[i*n+i]
	}
	if math.Abs(tr-float64(n*(d-2))) > 1e-8*tr {
		t.Fatalf("trace %v, want %d", tr, n*(d-2))
	}
}

// TestSearchColumnsExtremeScale: values beyond 2^±200 are refused with
// ErrExtremeScale (a loaded matrix is rescaled first; a streamed one cannot
// be), under both metrics; 2^150 is searched as the loaded matrix is.
func TestSearchColumnsExtremeScale(t *testing.T) {
	n, d := 40, 100
	for _, e := range []int{300, -300, 150} {
		x := randMatrix(n, d, 2)
		for i := range x {
			x[i] = math.Ldexp(x[i], e)
		}
		for _, metric := range []Metric{Euclidean, Cosine} {
			opt := &Options{Metric: metric}
			got, err := SearchColumns(&memColumns{x: x, n: n, d: d}, 3, opt, 1024, false)
			if e != 150 {
				if !errors.Is(err, ErrExtremeScale) || !strings.Contains(err.Error(), "largest magnitude") {
					t.Errorf("2^%d, %v: %v, want ErrExtremeScale", e, metric, err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := Search(m64(x, n, d), 3, opt)
			if err != nil {
				t.Fatal(err)
			}
			sameGraph(t, got.Graph, want)
		}
	}
}
