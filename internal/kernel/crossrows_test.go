package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCrossRows32 checks that CrossRows32 writes, for strips of every
// height and start, exactly the entries Cross32 hands its callback (padding
// columns zero), with each tile variant, and leaves the rest of dst alone.
func TestCrossRows32(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, im := range available {
		useImpl(t, im)
		for _, sz := range [][3]int{{30, 50, 7}, {200, 130, 20}, {13, 40, 300}, {5, 7, FlushEvery}, {97, 33, 1}, {4, 4, 0}} {
			m, n, d := sz[0], sz[1], sz[2]
			x, y := randF32(r, m*d), randF32(r, n*d)
			px, py := Pack(x, m, d), Pack(y, n, d)
			want := make([]float32, m*n)
			Cross32(px, py, 1, func(_, i0, i1, j0, j1 int, g []float32, ld int) {
				for i := i0; i < i1; i++ {
					copy(want[i*n+j0:i*n+j1], g[(i-i0)*ld:(i-i0)*ld+j1-j0])
				}
			})
			mr := px.TileRows()
			if px.Rows%mr != 0 {
				t.Fatalf("%s: Rows %d not a multiple of the tile height %d", im.name, px.Rows, mr)
			}
			for _, h := range []int{mr, 2 * mr, px.Rows} {
				ld := py.Rows + 5
				for i0 := 0; i0 < px.Rows; i0 += h {
					i1 := min(i0+h, px.Rows)
					dst := make([]float32, h*ld+3)
					for q := range dst {
						dst[q] = sentinel
					}
					CrossRows32(px, py, i0, i1, dst, ld)
					for i := i0; i < i1; i++ {
						for j := 0; j < ld; j++ {
							got := dst[(i-i0)*ld+j]
							var w float32
							switch {
							case j >= py.Rows:
								w = sentinel // not written
							case i < m && j < n:
								w = want[i*n+j]
							}
							if math.Float32bits(got) != math.Float32bits(w) {
								t.Fatalf("%s %d×%d×%d rows [%d, %d): entry (%d, %d) = %v, want %v", im.name, m, n, d, i0, i1, i, j, got, w)
							}
						}
					}
					for _, v := range dst[(i1-i0)*ld:] {
						if math.Float32bits(v) != math.Float32bits(sentinel) {
							t.Fatalf("%s: CrossRows32 wrote past its rows", im.name)
						}
					}
				}
			}
		}
	}
}

// TestCrossRows32Panics: ranges off the tile grid and short buffers are
// refused.
func TestCrossRows32Panics(t *testing.T) {
	p := Pack(randF32(rand.New(rand.NewPCG(1, 2)), 40*3), 40, 3)
	mr := p.TileRows()
	for _, c := range []struct{ i0, i1, ld, n int }{
		{1, 1 + mr, p.Rows, mr * p.Rows},
		{0, mr + 1, p.Rows, 2 * mr * p.Rows},
		{0, mr, p.Rows - 1, mr * p.Rows},
		{0, mr, p.Rows, mr*p.Rows - 1},
		{0, p.Rows + mr, p.Rows, (p.Rows + mr) * p.Rows},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("rows [%d, %d) ld %d len %d: no panic", c.i0, c.i1, c.ld, c.n)
				}
			}()
			CrossRows32(p, p, c.i0, c.i1, make([]float32, c.n), c.ld)
		}()
	}
}
