package cloud

import (
	"errors"
	"math"
	"runtime"
	"testing"
)

func TestShape(t *testing.T) {
	if _, err := New64(make([]float64, 5), 2, 3); err == nil {
		t.Error("5 values for 2×3: no error")
	}
	if _, err := New32(nil, -1, 0); err == nil {
		t.Error("negative shape: no error")
	}
	m, err := New32([]float32{1, 2, 3, 4, 5, 6}, 3, 2)
	if err != nil || m.N() != 3 || m.D() != 2 || m.Elem() != Float32 || m.Bytes() != 24 {
		t.Fatalf("3×2 float32: %v %v", m, err)
	}
	if m.At(2, 1) != 6 || m.F64() != nil || len(m.Row32(1)) != 2 || m.Row32(1)[0] != 3 {
		t.Error("accessors")
	}
	w := m.Float64()
	if len(w) != 6 || w[3] != 4 {
		t.Errorf("Float64 = %v", w)
	}
	z, err := New64(nil, 0, 4)
	if err != nil || z.Elem() != Float64 || z.N() != 0 {
		t.Errorf("empty: %v", err)
	}
}

func TestRowsKeepType(t *testing.T) {
	m := Must32([]float32{1, 2, 3, 4, 5, 6}, 3, 2)
	if err := m.Finite(); err != nil {
		t.Fatal(err)
	}
	r := m.Rows([]int{2, 0})
	if r.Elem() != Float32 || r.N() != 2 || r.F32()[0] != 5 || r.F32()[3] != 2 {
		t.Errorf("Rows = %v", r.F32())
	}
	if !r.finite.Load() {
		t.Error("rows of a checked matrix are not marked finite")
	}
}

func TestFinite(t *testing.T) {
	m := Must64([]float64{1, 2, 3, math.Inf(-1), 5, math.NaN()}, 3, 2)
	err := m.Finite()
	var nf *NonFiniteError
	if !errors.As(err, &nf) || nf.Row != 1 || nf.Col != 1 || !math.IsInf(nf.Value, -1) {
		t.Fatalf("Finite = %v", err)
	}
	if m.Finite() != err {
		t.Error("second call differs")
	}
	f := Must32([]float32{1, float32(math.NaN())}, 1, 2)
	if err := f.Finite(); !errors.As(err, &nf) || nf.Col != 1 {
		t.Errorf("float32 NaN: %v", err)
	}
}

// Finite's scan split among goroutines (splitValues or more values): a NaN
// or infinity found wherever it lies, at the parts' ends included, and
// the first one named; for 1 to 4 goroutines, the slice aligned or not.
func TestFiniteSplit(t *testing.T) {
	n := 3*splitValues + 37
	base := make([]float32, n+1)
	base64 := make([]float64, n)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 4} {
		runtime.GOMAXPROCS(procs)
		for _, off := range []int{0, 1} {
			a := base[off : off+n]
			at := []int{0, 15, 16, n/2 - 1, n / 2, n / 3 &^ 15, n/3&^15 - 1, 2 * n / 3 &^ 15, n - 1}
			for _, k := range at {
				for _, bad := range []float64{math.NaN(), math.Inf(1)} {
					a[k] = float32(bad)
					if allFiniteSplit(a, nil) {
						t.Fatalf("GOMAXPROCS %d, offset %d: %v at %d not found", procs, off, bad, k)
					}
					m := Must32(a, 1, n)
					var nf *NonFiniteError
					if err := m.Finite(); !errors.As(err, &nf) || nf.Col != k {
						t.Fatalf("GOMAXPROCS %d: %v at %d: Finite = %v", procs, bad, k, err)
					}
					a[k] = 1
					base64[k] = bad
					if allFiniteSplit(nil, base64) {
						t.Fatalf("GOMAXPROCS %d: float64 %v at %d not found", procs, bad, k)
					}
					base64[k] = 0
				}
			}
			if !allFiniteSplit(a, nil) || !allFiniteSplit(nil, base64) {
				t.Fatalf("GOMAXPROCS %d: finite values refused", procs)
			}
		}
	}
}

// TestMarkFinite: a matrix marked finite is not scanned (the caller
// vouches for it: a NaN marked is not found), rows taken from it stay
// marked, and a mark after Finite ran leaves its answer.
func TestMarkFinite(t *testing.T) {
	m := Must32([]float32{1, 2, float32(math.NaN()), 4}, 2, 2)
	m.MarkFinite()
	if err := m.Finite(); err != nil {
		t.Fatalf("marked: Finite = %v, want nil without a scan", err)
	}
	if err := m.Rows([]int{1}).Finite(); err != nil {
		t.Errorf("rows of a marked matrix: Finite = %v", err)
	}
	b := Must64([]float64{1, math.Inf(1)}, 1, 2)
	err := b.Finite()
	b.MarkFinite()
	if err == nil || b.Finite() != err {
		t.Errorf("marked after Finite: %v then %v, want the first answer kept", err, b.Finite())
	}
}

func TestClose(t *testing.T) {
	calls := 0
	m, err := Mapped32([]float32{1, 2}, 1, 2, func() error { calls++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	m.Close()
	if calls != 1 {
		t.Errorf("release called %d times", calls)
	}
}

// TestAllFinite: the exponent-bit test agrees with math.IsNaN and IsInf on
// the extremes of both widths (largest finite, smallest subnormal, ±0,
// ±Inf, NaNs with any payload), at every position of short and long rows.
func TestAllFinite(t *testing.T) {
	f32 := []float32{0, float32(math.Copysign(0, -1)), math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32,
		1, -2.5, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.Float32frombits(0x7f800001), math.Float32frombits(0xffffffff)}
	f64 := []float64{0, math.Copysign(0, -1), math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64,
		1, -2.5, math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7ff0000000000001), math.Float64frombits(0xffffffffffffffff)}
	for n := 1; n <= 9; n++ {
		for pos := range n {
			for _, v := range f32 {
				row := make([]float32, n)
				for i := range row {
					row[i] = 1.5
				}
				row[pos] = v
				want := !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
				if got := AllFinite32(row); got != want {
					t.Fatalf("float32 %v at %d of %d: %v", v, pos, n, got)
				}
			}
			for _, v := range f64 {
				row := make([]float64, n)
				row[pos] = v
				want := !math.IsNaN(v) && !math.IsInf(v, 0)
				if got := AllFinite64(row); got != want {
					t.Fatalf("float64 %v at %d of %d: %v", v, pos, n, got)
				}
			}
		}
	}
}

// TestRowsRuns: Rows copies each listed row, in the listed order, for
// lists with runs of consecutive rows, repeats, descending steps and
// single rows, float32 and float64.
func TestRowsRuns(t *testing.T) {
	const n, d = 9, 3
	x := make([]float64, n*d)
	x32 := make([]float32, n*d)
	for i := range x {
		x[i] = float64(i) + 0.5
		x32[i] = float32(i) + 0.25
	}
	for _, rows := range [][]int{{}, {4}, {0, 1, 2, 3, 4, 5, 6, 7, 8}, {0, 1, 3, 4, 5, 8}, {2, 2, 3, 1, 0}, {8, 7, 6}, {5, 6, 0, 1}} {
		got, got32 := Must64(x, n, d).Rows(rows), Must32(x32, n, d).Rows(rows)
		if got.N() != len(rows) || got32.N() != len(rows) {
			t.Fatalf("%v: %d and %d rows", rows, got.N(), got32.N())
		}
		for j, r := range rows {
			for c := range d {
				if v, w := got.F64()[j*d+c], x[r*d+c]; v != w {
					t.Fatalf("%v: float64 row %d col %d = %v, want %v", rows, j, c, v, w)
				}
				if v, w := got32.F32()[j*d+c], x32[r*d+c]; v != w {
					t.Fatalf("%v: float32 row %d col %d = %v, want %v", rows, j, c, v, w)
				}
			}
		}
	}
}

// TestAllFiniteWords: float32 rows of 16 values or more, read two to a
// word, at an 8-byte boundary or 4 bytes past one: every non-finite value
// at every position is found, finite extremes pass.
func TestAllFiniteWords(t *testing.T) {
	bad := []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.Float32frombits(0x7f800001), math.Float32frombits(0xffffffff)}
	good := []float32{0, float32(math.Copysign(0, -1)), math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 0x1p-126}
	for _, n := range []int{16, 17, 18, 23, 24, 31, 40} {
		buf := make([]float32, n+1)
		for _, off := range []int{0, 1} {
			row := buf[off : off+n]
			for pos := range n {
				for i := range row {
					row[i] = good[(i+pos)%len(good)]
				}
				if !allFinite(row, nil) {
					t.Fatalf("finite row of %d (offset %d) refused", n, off)
				}
				for _, v := range bad {
					row[pos] = v
					if allFinite(row, nil) {
						t.Fatalf("%v at %d of %d (offset %d) not found", v, pos, n, off)
					}
				}
			}
		}
	}
}
