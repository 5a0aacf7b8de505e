package knn

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
	"unsafe"

	"github.com/intdim/intdim/cloud"
)

// checkStrips cuts the positions of x's strip index at cuts and requires
// the merge of every strip (SearchStripPruned, through the index's binary
// form too) to be Search's graph bit for bit, and every strip to keep
// each of its entries' distances exact.
func checkStrips(t *testing.T, name string, x *cloud.Matrix, k int, pr *Pruning, metric Metric, cuts []int) {
	t.Helper()
	n := x.N()
	want, err := Search(x, k, &Options{Search: SearchBrute, Metric: metric, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	si, err := NewStripIndex(x, k, pr, &Options{Metric: metric, Threads: 2})
	if err != nil || si == nil {
		t.Fatalf("%s: NewStripIndex: %v, %v", name, si, err)
	}
	data, err := si.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	if m, err := si.WriteTo(&w); err != nil || m != int64(len(data)) || !bytes.Equal(w.Bytes(), data) {
		t.Fatalf("%s: WriteTo wrote %d bytes (%v), not MarshalBinary's %d", name, m, err, len(data))
	}
	back, err := ReadStripIndex(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	// Unaligned: decoded, not read in place.
	odd := append(make([]byte, 1, len(data)+1), data...)[1:]
	back2, err := ReadStripIndex(odd)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if back.epsQ != pr.pl.epsQ || back2.epsQ != pr.pl.epsQ {
		t.Fatalf("%s: εQ %g, %g read back, the pruning's %g", name, back.epsQ, back2.epsQ, pr.pl.epsQ)
	}
	coords, order := StripIndexLayout(n, si.mm)
	if o := coords + 8*int64(n*si.mm); o != order || order+4*int64(n) != int64(len(data)) ||
		math.Float64frombits(binary.LittleEndian.Uint64(data[coords:])) != si.p[0] ||
		int32(binary.LittleEndian.Uint32(data[order:])) != si.perm[0] {
		t.Fatalf("%s: StripIndexLayout %d, %d: not where the coordinates and the order are", name, coords, order)
	}
	for bi, s := range []*StripIndex{si, back, back2} {
		g := EmptyGraph(n, k)
		for c := 0; c+1 < len(cuts); c++ {
			a, b := cuts[c], cuts[c+1]
			st, err := SearchStripPruned(x, k, a, b, pr, s, &Options{Metric: metric, Threads: 1 + (c+bi)%3})
			if err != nil {
				t.Fatal(err)
			}
			if bi == 1 && a > 0 {
				// A strip reads no coordinate before its first position
				// (plan checks only the part of the file it reads): with
				// those overwritten (10⁶, far from every row: read, they
				// would rule true neighbours out), the same lists.
				bad := bytes.Clone(data)
				for o := coords; o < coords+8*int64(a*si.mm); o += 8 {
					binary.LittleEndian.PutUint64(bad[o:], math.Float64bits(1e6))
				}
				sb, err := ReadStripIndex(bad)
				if err != nil {
					t.Fatal(err)
				}
				st2, err := SearchStripPruned(x, k, a, b, pr, sb, &Options{Metric: metric, Threads: 2})
				if err != nil {
					t.Fatal(err)
				}
				for e := range st.Index {
					if st2.Index[e] != st.Index[e] || math.Float64bits(st2.Dist[e]) != math.Float64bits(st.Dist[e]) {
						t.Fatalf("%s: strip [%d, %d) with the coordinates before it overwritten: entry %d differs", name, a, b, e)
					}
				}
			}
			if st.N != n-a || st.K != k {
				t.Fatalf("%s: strip [%d, %d): graph %d×%d", name, a, b, st.N, st.K)
			}
			g.MergeRows(s.Perm()[a:], st)
		}
		for s := range g.Index {
			if g.Index[s] != want.Index[s] || math.Float64bits(g.Dist[s]) != math.Float64bits(want.Dist[s]) {
				t.Fatalf("%s k=%d cuts %v index %d: row %d: got (%d, %v), want (%d, %v)", name, k, cuts, bi,
					s/k, g.Index[s], g.Dist[s], want.Index[s], want.Dist[s])
			}
		}
	}
}

func TestSearchStripPruned(t *testing.T) {
	n, d := 1500, 80
	x := m64(lowRank(n, d, 8, 0.01, 21), n, d)
	for _, k := range []int{1, 2, 20} {
		pr, err := PlanSearch(x, k, &Options{Search: SearchPruned})
		if err != nil || pr == nil {
			t.Fatalf("k=%d: PlanSearch forced: %v, %v", k, pr, err)
		}
		checkStrips(t, "low rank", x, k, pr, Euclidean, []int{0, n})
		checkStrips(t, "low rank", x, k, pr, Euclidean, []int{0, 1, 400, 1013, n})
		checkStrips(t, "low rank", x, k, pr, Euclidean, []int{0, 100, 201, 333, 500, 777, 1200, n - 1, n})
	}
	x32 := make([]float32, n*d)
	for i, v := range lowRank(n, d, 12, 0.02, 5) {
		x32[i] = float32(v)
	}
	m := cloud.Must32(x32, n, d)
	pr, err := PlanSearch(m, 3, &Options{Search: SearchPruned, Metric: Cosine})
	if err != nil || pr == nil {
		t.Fatal(pr, err)
	}
	checkStrips(t, "float32 cosine", m, 3, pr, Cosine, []int{0, 700, n - 1, n})
}

// Duplicates, ties, overflowing rows and a foreign pruning: the strips
// stay exact.
func TestSearchStripPrunedTies(t *testing.T) {
	n := 700
	m := groupedRows(n, 64)
	for _, k := range []int{2, 20} {
		pr, err := PlanSearch(m, k, &Options{Search: SearchPruned})
		if err != nil || pr == nil {
			t.Fatal(pr, err)
		}
		checkStrips(t, "duplicates", m, k, pr, Euclidean, []int{0, 350, n})
		old, oldP := candidateFloor, prunedFloor
		candidateFloor, prunedFloor = 8, 0
		checkStrips(t, "duplicates overflow", m, k, pr, Euclidean, []int{0, 123, 400, n})
		candidateFloor, prunedFloor = old, oldP
	}
	y := m64(lowRank(800, 40, 5, 0.01, 1), 800, 40)
	pr, err := PlanSearch(m64(randMatrix(800, 40, 77), 800, 40), 2, &Options{Search: SearchPruned})
	if err != nil || pr == nil {
		t.Fatal(pr, err)
	}
	checkStrips(t, "foreign", y, 2, pr, Euclidean, []int{0, 300, 800})
}

func TestStripIndexUnmarshalRefuses(t *testing.T) {
	x := m64(lowRank(600, 30, 5, 0.01, 2), 600, 30)
	pr, err := PlanSearch(x, 2, &Options{Search: SearchPruned})
	if err != nil || pr == nil {
		t.Fatal(pr, err)
	}
	si, err := NewStripIndex(x, 2, pr, nil)
	if err != nil || si == nil {
		t.Fatal(si, err)
	}
	good, _ := si.MarshalBinary()
	edit := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	putF := func(b []byte, off int, v float64) {
		bits := math.Float64bits(v)
		for i := range 8 {
			b[off+i] = byte(bits >> (8 * i))
		}
	}
	n := 600
	c2Off, ubOff, permOff := stripHead, stripHead+8*n, len(good)-4*n
	bad := map[string][]byte{
		"empty":         nil,
		"magic":         edit(func(b []byte) { b[0] = 'X' }),
		"version":       edit(func(b []byte) { b[8] = 9 }),
		"truncated":     good[:len(good)-8],
		"longer":        append(append([]byte(nil), good...), 0),
		"perm repeats":  edit(func(b []byte) { copy(b[permOff:permOff+4], b[permOff+4:permOff+8]) }),
		"perm outside":  edit(func(b []byte) { b[permOff+3] = 0x7f }),
		"negative norm": edit(func(b []byte) { putF(b, c2Off, -1) }),
		"NaN bound":     edit(func(b []byte) { putF(b, ubOff, math.NaN()) }),
		"padding":       edit(func(b []byte) { b[20] = 1 }),
		"epsQ NaN":      edit(func(b []byte) { putF(b, 24, math.NaN()) }),
		"epsQ < 0":      edit(func(b []byte) { putF(b, 24, -1e-20) }),
	}
	for name, data := range bad {
		if _, err := ReadStripIndex(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ReadStripIndex(good); err != nil {
		t.Fatal(err)
	}
	// Coordinates that are not finite are read, and a strip that uses
	// them is searched exactly, with the same lists.
	want, _ := Search(x, 2, nil)
	for _, v := range []float64{math.Inf(1), math.NaN()} {
		si, err := ReadStripIndex(edit(func(b []byte) { putF(b, permOff-8, v) }))
		if err != nil {
			t.Fatalf("coordinate %v: %v", v, err)
		}
		g := EmptyGraph(n, 2)
		for _, c := range [][2]int{{0, 250}, {250, 600}} {
			st, err := SearchStripPruned(x, 2, c[0], c[1], pr, si, nil)
			if err != nil {
				t.Fatal(err)
			}
			g.MergeRows(si.Perm()[c[0]:], st)
		}
		for s := range g.Index {
			if g.Index[s] != want.Index[s] || g.Dist[s] != want.Dist[s] {
				t.Fatalf("coordinate %v: entry %d: (%d, %v), want (%d, %v)", v, s, g.Index[s], g.Dist[s], want.Index[s], want.Dist[s])
			}
		}
	}
}

// FuzzReadStripIndex: any bytes given as a strip index are refused with an
// error or read into an index that a strip search either refuses or uses
// without panicking (a forged index may only make the strip inexact).
func FuzzReadStripIndex(f *testing.F) {
	n, d := 300, 24
	x := m64(lowRank(n, d, 4, 0.01, 5), n, d)
	pr, err := PlanSearch(x, 2, &Options{Search: SearchPruned})
	if err != nil || pr == nil {
		f.Fatal(pr, err)
	}
	si, err := NewStripIndex(x, 2, pr, nil)
	if err != nil {
		f.Fatal(err)
	}
	good, _ := si.MarshalBinary()
	f.Add(good)
	f.Add(good[:stripHead])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadStripIndex(data)
		if err != nil {
			return
		}
		if len(s.Perm()) != s.n {
			t.Fatalf("order of %d rows for an index of %d", len(s.Perm()), s.n)
		}
		g, err := SearchStripPruned(x, 2, 0, min(n, 50), pr, s, nil)
		if err == nil && (g.N != n || g.K != 2) {
			t.Fatalf("graph %d×%d", g.N, g.K)
		}
	})
}

// TestStripIndexReusing checks that an index made in a previous index's
// memory (filled with NaN first, so that any coordinate left unwritten
// shows) is NewStripIndex's byte for byte, for a layer as large as the
// previous one and a smaller one, and that a larger one is too.
func TestStripIndexReusing(t *testing.T) {
	mk := func(n, seed int) (*cloud.Matrix, *Pruning) {
		x := m64(lowRank(n, 30, 5, 0.01, uint64(seed)), n, 30)
		pr, err := PlanSearch(x, 2, &Options{Search: SearchPruned})
		if err != nil || pr == nil {
			t.Fatal(pr, err)
		}
		return x, pr
	}
	x0, pr0 := mk(600, 2)
	reuses := 0
	prev, err := NewStripIndex(x0, 2, pr0, nil)
	if err != nil || prev == nil {
		t.Fatal(prev, err)
	}
	for _, c := range []struct{ n, seed int }{{600, 3}, {400, 4}, {800, 5}} {
		x, pr := mk(c.n, c.seed)
		fresh, err := NewStripIndex(x, 2, pr, nil)
		if err != nil || fresh == nil {
			t.Fatal(fresh, err)
		}
		want, _ := fresh.MarshalBinary()
		old := prev.p
		for i := range old[:cap(old)] {
			old[:cap(old)][i] = math.NaN()
		}
		si, err := NewStripIndexReusing(x, 2, pr, nil, prev)
		if err != nil || si == nil {
			t.Fatal(si, err)
		}
		if prev.p != nil {
			t.Fatalf("n %d: the previous index keeps its coordinates", c.n)
		}
		reused := &old[:1][0] == &si.p[:1][0]
		if reused != (cap(old) >= len(si.p)) {
			t.Fatalf("n %d: memory reused %v, capacity %d for %d", c.n, reused, cap(old), len(si.p))
		}
		reuses += map[bool]int{true: 1}[reused]
		if got, _ := si.MarshalBinary(); !bytes.Equal(got, want) {
			t.Fatalf("n %d: the index in reused memory differs from NewStripIndex's", c.n)
		}
		prev = si
	}
	if reuses < 2 {
		t.Fatalf("memory reused %d times of 3", reuses)
	}
}

// alignedFloats: n zeros, element at on a 64-byte boundary, the slice
// capped at n (what a strip's norms after its block need).
func TestAlignedFloats(t *testing.T) {
	for _, n := range []int{1, 2, 7, 8, 9, 100, 4097} {
		for _, at := range []int{0, 1, 3, n / 2, n - 1} {
			if at < 0 || at >= n {
				continue
			}
			h := alignedFloats(n, at)
			if len(h) != n || cap(h) != n {
				t.Fatalf("n=%d at=%d: len %d cap %d", n, at, len(h), cap(h))
			}
			if p := uintptr(unsafe.Pointer(&h[at])); p%64 != 0 {
				t.Fatalf("n=%d at=%d: &h[at] = %#x, not on 64 bytes", n, at, p)
			}
			for i, v := range h {
				if v != 0 {
					t.Fatalf("n=%d at=%d: h[%d] = %g", n, at, i, v)
				}
			}
		}
	}
}
