package pipeline

import (
	"testing"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/tensorio/npy"
)

// TestSampleRows: the rows knn.StreamsSampled reads for its sample test
// are those of the loaded layer (of a class's rows, mapped), in the
// layer's element type; none in Fortran order.
func TestSampleRows(t *testing.T) {
	n, d := 50, 7
	x := synth.Gaussian(n, 3, d, 5)
	for _, data := range []any{x, f32(x)} {
		path := writeNPY(t, "s.npy", []int{n, d}, data)
		f, err := npy.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, c := range []struct {
			rows, idx, want []int
		}{
			{nil, []int{3, 0, 49, 3}, []int{3, 0, 49, 3}},
			{[]int{10, 20, 30, 40}, []int{2, 0, 3}, []int{30, 10, 40}},
		} {
			m, err := sampleRows(f, c.rows)(c.idx)
			if err != nil {
				t.Fatal(err)
			}
			if m.N() != len(c.want) || m.D() != d || (m.Elem() == cloud.Float32) != f.Narrow() {
				t.Fatalf("%T: %d×%d %v", data, m.N(), m.D(), m.Elem())
			}
			for t2, i := range c.want {
				for j := 0; j < d; j++ {
					want := x[i*d+j]
					if f.Narrow() {
						want = float64(float32(want))
					}
					if got := m.At(t2, j); got != want {
						t.Fatalf("%T: row %d (file row %d) column %d: %v, want %v", data, t2, i, j, got, want)
					}
				}
			}
		}
		f.Fortran = true
		if sampleRows(f, nil) != nil {
			t.Errorf("%T: a sample read in Fortran order", data)
		}
	}
}
