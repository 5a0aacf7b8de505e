package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func transposed(x []float32, n, d int) []float32 {
	t := make([]float32, n*d)
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			t[k*n+i] = x[i*d+k]
		}
	}
	return t
}

// TestPackReuse checks that Cross of operands packed by PackLeft and
// PackRight (row-major or transposed storage, buffers reused across shapes
// from large to small and back, stale values left in them) gives exactly
// the dot products of Dots.
func TestPackReuse(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var px, py Packed
	for _, sz := range [][3]int{{200, 300, 290}, {7, 5, 9}, {64, 968, 288}, {13, 1, 1}, {1, 40, 3000}, {33, 65, 0}, {250, 70, 17}} {
		m, n, d := sz[0], sz[1], sz[2]
		x, y := randF32(r, m*d), randF32(r, n*d)
		want := make([]float64, m*n)
		Dots(want, x, m, y, n, d, 1)
		for _, tx := range []bool{false, true} {
			for _, ty := range []bool{false, true} {
				xs, ys := x, y
				if tx {
					xs = transposed(x, m, d)
				}
				if ty {
					ys = transposed(y, n, d)
				}
				px.PackLeft(xs, m, d, tx)
				py.PackRight(ys, n, d, ty)
				got := make([]float64, m*n)
				for i := range got {
					got[i] = math.NaN()
				}
				Cross(&px, &py, 1, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
					for i := i0; i < i1; i++ {
						copy(got[i*n+j0:i*n+j1], g[(i-i0)*ld:(i-i0)*ld+j1-j0])
					}
				})
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%d×%d×%d tx=%v ty=%v: entry %d = %v, want %v", m, n, d, tx, ty, i, got[i], want[i])
					}
				}
			}
		}
	}
}

func TestPackReuseAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x, y := randF32(r, 64*288), randF32(r, 968*288)
	var px, py Packed
	px.PackLeft(x, 64, 288, false)
	py.PackRight(y, 968, 288, false)
	if a := testing.AllocsPerRun(10, func() {
		px.PackLeft(x, 64, 288, false)
		py.PackRight(y, 968, 288, true)
	}); a != 0 {
		t.Errorf("repacking allocates %v times", a)
	}
}

// TestCross32 checks that Cross32 hands exactly float32 of Cross's entries,
// on both sides of FlushEvery features.
func TestCross32(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, sz := range [][3]int{{30, 50, 300}, {5, 7, FlushEvery}, {13, 40, FlushEvery + 1}, {200, 3, 5000}, {4, 4, 0}} {
		m, n, d := sz[0], sz[1], sz[2]
		x, y := randF32(r, m*d), randF32(r, n*d)
		var px, py Packed
		px.PackLeft(x, m, d, false)
		py.PackRight(y, n, d, false)
		want := make([]float64, m*n)
		Cross(&px, &py, 1, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
			for i := i0; i < i1; i++ {
				copy(want[i*n+j0:i*n+j1], g[(i-i0)*ld:(i-i0)*ld+j1-j0])
			}
		})
		for _, threads := range []int{1, 3} {
			got := make([]float32, m*n)
			for i := range got {
				got[i] = sentinel
			}
			Cross32(&px, &py, threads, func(_, i0, i1, j0, j1 int, g []float32, ld int) {
				for i := i0; i < i1; i++ {
					copy(got[i*n+j0:i*n+j1], g[(i-i0)*ld:(i-i0)*ld+j1-j0])
				}
			})
			for i, w := range want {
				if math.Float32bits(got[i]) != math.Float32bits(float32(w)) {
					t.Fatalf("%d×%d×%d threads=%d: entry %d = %v, want %v", m, n, d, threads, i, got[i], float32(w))
				}
			}
		}
	}
}

// TestPackLeftFunc: packing rows from a function gives PackLeft's and
// PackRight's layouts, padding rows zero even in a buffer that held a
// larger matrix.
func TestPackLeftFunc(t *testing.T) {
	const d = 7
	var p Packed
	for _, n := range []int{50, 13, 1, 24} { // 50 first: the buffer holds stale rows
		x := make([]float32, n*d)
		for i := range x {
			x[i] = float32(i%11) - 4.5
		}
		var want Packed
		want.PackLeft(x, n, d, false)
		p.PackLeftFunc(n, d, func(i int, dst []float32) { copy(dst, x[i*d:(i+1)*d]) })
		if p.N != n || p.Rows != want.Rows || p.b != nil || !slices.Equal(p.a, want.a) {
			t.Fatalf("n = %d: rows %d (want %d), layouts differ", n, p.Rows, want.Rows)
		}
		want.PackRight(x, n, d, false)
		p.PackRightFunc(n, d, func(i int, dst []float32) { copy(dst, x[i*d:(i+1)*d]) })
		if p.N != n || p.Rows != want.Rows || p.a != nil || !slices.Equal(p.b, want.b) {
			t.Fatalf("n = %d: rows %d (want %d), right layouts differ", n, p.Rows, want.Rows)
		}
	}
}

// TestPackDefinition: Pack, PackFunc and PackRightFunc lay rows out as the
// Packed comment defines (panels interleaved by feature, zero past n), for
// widths across packChunk and counts across the row groups; the row
// function is called once per row, in order.
func TestPackDefinition(t *testing.T) {
	for _, d := range []int{1, 7, packChunk, packChunk + 3, 3*packChunk - 1} {
		for _, n := range []int{1, 13, padRows - 1, padRows + 1, 2*padRows + 40} {
			x := make([]float32, n*d)
			for i := range x {
				x[i] = float32(i%977) - 488.5
			}
			check := func(name string, p *Packed) {
				for _, l := range []struct {
					v []float32
					w int
				}{{p.a, p.im.mr}, {p.b, p.im.nr}} {
					if l.v == nil {
						continue
					}
					if len(l.v) != p.Rows*d {
						t.Fatalf("%s d=%d n=%d: %d values, want %d", name, d, n, len(l.v), p.Rows*d)
					}
					for i := 0; i < p.Rows; i++ {
						for k := 0; k < d; k++ {
							var want float32
							if i < n {
								want = x[i*d+k]
							}
							if got := l.v[i/l.w*l.w*d+k*l.w+i%l.w]; got != want {
								t.Fatalf("%s d=%d n=%d width %d: row %d feature %d = %v, want %v", name, d, n, l.w, i, k, got, want)
							}
						}
					}
				}
			}
			check("Pack", Pack(x, n, d))
			for _, f := range []struct {
				name string
				pack func(int, int, func(int, []float32)) *Packed
			}{{"PackFunc", PackFunc}, {"PackRightFunc", PackRightFunc}} {
				next := 0
				p := f.pack(n, d, func(i int, dst []float32) {
					if i != next || len(dst) != d {
						t.Fatalf("%s: row %d (len %d) asked, want %d", f.name, i, len(dst), next)
					}
					next++
					copy(dst, x[i*d:(i+1)*d])
				})
				if next != n {
					t.Fatalf("%s: %d rows asked, want %d", f.name, next, n)
				}
				check(f.name, p)
			}
		}
	}
}

// TestSymGram32 checks that SymGram32 hands exactly float32 of SymGram's
// entries, for the same blocks, on both sides of FlushEvery features, and
// so does SymGram32Near for every band of near diagonals (near = 0 is
// SymGram32).
func TestSymGram32(t *testing.T) {
	for _, near := range []int{0, 1, 3, 100} {
		testSymGram32(t, near)
	}
}

func testSymGram32(t *testing.T, near int) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, sz := range [][2]int{{30, 128}, {400, 32}, {1000, 16}, {13, FlushEvery + 1}, {5, 0}} {
		n, d := sz[0], sz[1]
		p := Pack(randF32(r, n*d), n, d)
		want := make([]float64, n*n)
		seen := make([]bool, n*n)
		SymGram(p, 1, func(_, i0, i1, j0, j1 int, g []float64, ld int) {
			for i := i0; i < i1; i++ {
				copy(want[i*n+j0:i*n+j1], g[(i-i0)*ld:(i-i0)*ld+j1-j0])
			}
		})
		for _, threads := range []int{1, 3} {
			clear(seen)
			SymGram32Near(p, threads, near, func(_, i0, i1, j0, j1 int, g []float32, ld int) {
				for i := i0; i < i1; i++ {
					for j := j0; j < j1; j++ {
						if seen[i*n+j] {
							t.Errorf("n=%d d=%d near=%d: entry (%d, %d) handed twice", n, d, near, i, j)
							return
						}
						seen[i*n+j] = true
						if w := float32(want[i*n+j]); math.Float32bits(g[(i-i0)*ld+j-j0]) != math.Float32bits(w) {
							t.Errorf("n=%d d=%d threads=%d: entry (%d, %d) = %v, want %v", n, d, threads, i, j, g[(i-i0)*ld+j-j0], w)
							return
						}
					}
				}
			})
			for i := 0; i < n; i++ {
				for j := i + 1; j < n; j++ {
					if !seen[i*n+j] {
						t.Fatalf("n=%d d=%d near=%d: entry (%d, %d) missing", n, d, near, i, j)
					}
				}
			}
		}
	}
}

// TestSymTasksNear: the blocks of the near diagonals come first, then the
// others, each part block row by block row (columns in order within a
// block row); every block on or above the diagonal once.
func TestSymTasksNear(t *testing.T) {
	for _, rows := range []int{1, BlockRows, 6*BlockRows - 5} {
		nb := (rows + BlockRows - 1) / BlockRows
		for _, near := range []int{0, 1, 2, 4, nb, nb + 3} {
			tasks := symTasksNear(rows, near)
			if len(tasks) != nb*(nb+1)/2 {
				t.Fatalf("rows=%d near=%d: %d blocks, want %d", rows, near, len(tasks), nb*(nb+1)/2)
			}
			seen := map[symTask]bool{}
			band := 0
			for t0 := 0; t0 < min(near, nb); t0++ {
				band += nb - t0
			}
			for q, b := range tasks {
				if b.bj < b.bi || b.bj >= nb || seen[b] {
					t.Fatalf("rows=%d near=%d: block %v at %d", rows, near, b, q)
				}
				seen[b] = true
				if q == 0 {
					continue
				}
				a := tasks[q-1]
				inBand := q < band
				if inBand != (b.bj-b.bi < near) {
					t.Fatalf("rows=%d near=%d: block %v at %d (band of %d)", rows, near, b, q, band)
				}
				if (inBand || q > band) && !(b.bi == a.bi && b.bj == a.bj+1 || b.bi > a.bi) {
					t.Fatalf("rows=%d near=%d: block %v after %v", rows, near, b, a)
				}
			}
		}
	}
}

// TestStartRightT: the right-hand layout written by StartRightT and
// SetRightT (runs of each column in pieces of 1, 7, 32, 256 and whole
// columns, at offsets that do and do not start a panel, into a buffer
// reused from a larger matrix with stale values) equals PackRight of the
// transposed storage, entry for entry, padding included.
func TestStartRightT(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var big, p Packed
	big.PackRight(randF32(r, 700*300), 700, 300, false)
	p.bbuf = big.bbuf // stale values in the reused buffer
	for _, sz := range [][2]int{{5408, 200}, {33, 7}, {1, 1}, {64, 3}, {97, 40}, {300, 1}} {
		n, d := sz[0], sz[1]
		y := randF32(r, n*d)
		yt := transposed(y, n, d) // d×n: row s is column s of y
		var want Packed
		want.PackRight(yt, n, d, true)
		for _, piece := range []int{1, 7, 32, 256, n} {
			p.StartRightT(n, d)
			for s := 0; s < d; s++ {
				for j0 := 0; j0 < n; j0 += piece {
					p.SetRightT(s, j0, yt[s*n+j0:s*n+min(j0+piece, n)])
				}
			}
			if p.N != want.N || p.D != want.D || p.Rows != want.Rows || !slices.Equal(p.b, want.b) || p.a != nil {
				t.Fatalf("%d×%d in pieces of %d: layout differs from PackRight's", n, d, piece)
			}
		}
	}
}

// TestRecycle: a packed matrix's buffers handed to another (Recycle) take
// its next left packing (the larger buffer) and right packing where large
// enough, with PackLeft's and PackRight's values over the stale ones; the
// giver is left empty; a receiver's larger buffer is kept.
func TestRecycle(t *testing.T) {
	const d = 9
	x := make([]float32, 40*d)
	for i := range x {
		x[i] = float32(i%13) - 6.5
	}
	var big Packed
	big.StartRightT(d, 60) // a right layout of 60 rows of d
	big.PackLeft(x, 40, d, false)
	la, lb := &big.abuf[:1][0], &big.bbuf[:1][0]
	larger := la
	if cap(big.bbuf) > cap(big.abuf) {
		larger = lb
	}
	var q Packed
	big.Recycle(&q)
	if big.abuf != nil || big.bbuf != nil || big.a != nil || big.b != nil || big.N != 0 {
		t.Fatal("Recycle left buffers in the giver")
	}
	var want Packed
	want.PackLeft(x[:20*d], 20, d, false)
	q.PackLeftFunc(20, d, func(i int, dst []float32) { copy(dst, x[i*d:(i+1)*d]) })
	if &q.a[0] != larger || !slices.Equal(q.a, want.a) {
		t.Fatalf("left layout in the larger buffer %v, values equal %v", &q.a[0] == larger, slices.Equal(q.a, want.a))
	}
	want.PackRight(x[:20*d], 20, d, false)
	q.PackRightFunc(20, d, func(i int, dst []float32) { copy(dst, x[i*d:(i+1)*d]) })
	if !slices.Equal(q.b, want.b) {
		t.Fatal("right layout differs")
	}
	keep := make([]float32, 0, 100000)
	r := Packed{abuf: keep}
	var small Packed
	small.PackLeft(x[:2*d], 2, d, false)
	small.Recycle(&r)
	if cap(r.abuf) != 100000 {
		t.Fatal("a receiver's larger buffer was replaced")
	}
}
