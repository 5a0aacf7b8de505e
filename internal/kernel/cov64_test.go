package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// covData returns n×d rows of one of three kinds: Gaussian, Gaussian rows
// each repeated (duplicates), or a large offset (1e8) plus unit noise.
func covData(r *rand.Rand, kind string, n, d int) []float64 {
	a := make([]float64, n*d)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	switch kind {
	case "dup":
		for i := 1; i < n; i++ {
			if r.IntN(3) > 0 {
				src := r.IntN(i)
				copy(a[i*d:(i+1)*d], a[src*d:(src+1)*d])
			}
		}
	case "offset":
		for i := range a {
			a[i] += 1e8
		}
	}
	return a
}

// naiveMeans is the column means, each the sum in row order over n.
func naiveMeans(a []float64, n, d int) []float64 {
	m := make([]float64, d)
	for i := range n {
		for j := range d {
			m[j] += a[i*d+j]
		}
	}
	for j := range m {
		m[j] /= float64(n)
	}
	return m
}

// TestCovSmall64: every covImpl (assembly and the pure-Go twin) gives the
// panel path's GramCols64 bit for bit, with and without a shift, on
// Gaussian, duplicate-laden and large-offset rows, across 1 … 24 columns
// and one, several and a partial last block of kc64 rows; and, shifted by
// the column means, agrees with a naive two-pass covariance to rounding.
func TestCovSmall64(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, im := range covImpls {
		for _, kind := range []string{"gauss", "dup", "offset"} {
			for _, n := range []int{1, 2, 7, 128, 129, 300, 2000} {
				for d := 1; d <= covMaxD; d++ {
					a := covData(r, kind, n, d)
					mean := naiveMeans(a, n, d)
					for _, sh := range [][]float64{nil, mean} {
						name := fmt.Sprintf("%s %s n=%d d=%d shift=%v", im.name, kind, n, d, sh != nil)
						got := covSmall64(im, a, n, d, sh)
						want := gramColsPanels64(a, n, d, sh, 1)
						for i := range want {
							if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
								t.Fatalf("%s: [%d] = %v, want %v", name, i, got[i], want[i])
							}
						}
						if sh == nil {
							continue
						}
						for i := range d {
							for j := range d {
								var s, abs float64
								for k := range n {
									p := (a[k*d+i] - mean[i]) * (a[k*d+j] - mean[j])
									s += p
									abs += math.Abs(p)
								}
								if e := math.Abs(got[i*d+j] - s); e > 4*float64(n)*0x1p-52*abs+1e-300 {
									t.Fatalf("%s: [%d,%d] = %v, two-pass %v", name, i, j, got[i*d+j], s)
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestCovSmall64Dispatch: GramCols64 takes the direct path for d ≤ covMaxD
// only where an assembly variant exists, and its result is the panel path's.
func TestCovSmall64Dispatch(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, s := range []struct{ n, d int }{{2000, 3}, {2000, 20}, {500, 24}, {500, 25}} {
		a := covData(r, "gauss", s.n, s.d)
		got := GramCols64(a, s.n, s.d, naiveMeans(a, s.n, s.d), 1)
		want := gramColsPanels64(a, s.n, s.d, naiveMeans(a, s.n, s.d), 1)
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%v: [%d] = %v, want %v", s, i, got[i], want[i])
			}
		}
	}
}

// TestCovCentreSlack: centre writes rows·ldc values and no more, zeros
// past d in every row, and reads no value of src past rows·d (the
// masked loads of the assembly; src ends at the slice's end here).
func TestCovCentreSlack(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, im := range covImpls {
		for d := 1; d <= covMaxD; d++ {
			ldc := (d + 7) / 8 * 8
			for _, rows := range []int{1, 5} {
				src := covData(r, "gauss", rows, d)
				var sh [covMaxD]float64
				for j := range d {
					sh[j] = r.NormFloat64()
				}
				dst := make([]float64, rows*ldc+16+8)
				for i := range dst {
					dst[i] = math.NaN()
				}
				im.centre(&dst[0], ldc, &src[0], d, rows, &sh[0])
				for k := range rows {
					for j := range ldc {
						want := 0.0
						if j < d {
							want = src[k*d+j] - sh[j]
						}
						if v := dst[k*ldc+j]; math.Float64bits(v) != math.Float64bits(want) {
							t.Fatalf("%s d=%d rows=%d: [%d,%d] = %v, want %v", im.name, d, rows, k, j, v, want)
						}
					}
				}
				for i := rows * ldc; i < len(dst); i++ {
					if !math.IsNaN(dst[i]) {
						t.Fatalf("%s d=%d rows=%d: wrote [%d] past the rows", im.name, d, rows, i)
					}
				}
			}
		}
	}
}

// TestColumnSums64: every covImpl's sums, and ColumnSums64, equal the sums
// of a loop over the rows bit for bit (−0 entries and a large offset
// included), reading no value past the rows (src ends at the slice's end).
func TestColumnSums64(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	for _, kind := range []string{"gauss", "dup", "offset"} {
		for _, n := range []int{1, 2, 129, 2000} {
			for d := 1; d <= covMaxD+3; d++ {
				a := covData(r, kind, n, d)
				a[r.IntN(len(a))] = math.Copysign(0, -1)
				want := make([]float64, d)
				for k := range n {
					for j := range d {
						want[j] += a[k*d+j]
					}
				}
				check := func(name string, got []float64) {
					for j := range d {
						if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
							t.Fatalf("%s %s n=%d d=%d: [%d] = %v, want %v", name, kind, n, d, j, got[j], want[j])
						}
					}
				}
				check("ColumnSums64", ColumnSums64(a, n, d))
				if d > covMaxD {
					continue
				}
				for _, im := range covImpls {
					var out [covMaxD]float64
					im.sums(&a[0], d, n, &out[0])
					check(im.name, out[:d])
				}
			}
		}
	}
}

// TestMaxAbsBits64: MaxAbsBits64, with and without the assembly, is the
// largest of the bits of |v| (the loop over the values), on lengths around
// the assembly's steps of 32, with the largest magnitude anywhere, −0,
// infinities and NaN among the values.
func TestMaxAbsBits64(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	special := []float64{math.Copysign(0, -1), math.Inf(-1), math.Inf(1), math.NaN(), -math.MaxFloat64, 5e-324}
	old := maxAbsBest
	defer func() { maxAbsBest = old }()
	for _, n := range []int{0, 1, 31, 32, 33, 64, 100, 2000 * 3} {
		for trial := range 20 {
			f := make([]float64, n)
			for i := range f {
				f[i] = r.NormFloat64() * math.Ldexp(1, r.IntN(40)-20)
			}
			if n > 0 && trial%2 == 1 {
				f[r.IntN(n)] = special[r.IntN(len(special))]
			}
			var want uint64
			for _, v := range f {
				want = max(want, math.Float64bits(math.Abs(v)))
			}
			for _, impl := range []func(*float64, int, *[8]uint64){old, nil} {
				maxAbsBest = impl
				if got := MaxAbsBits64(f); got != want {
					t.Fatalf("n=%d asm=%v: %#x, want %#x", n, impl != nil, got, want)
				}
			}
		}
	}
}

// TestHashRows64: the assembly's keys are hashRowsGo's bit for bit, on
// rows of 1 … 24 values with −0, +0, NaN-free specials and repeats; equal
// rows (−0 as +0) get equal keys; without the assembly HashRows64 says so.
func TestHashRows64(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	special := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.MaxFloat64, 5e-324, 3}
	for d := 1; d <= covMaxD+1; d++ {
		for _, n := range []int{1, 7, 500} {
			a := covData(r, "dup", n, d)
			for i := range a {
				if r.IntN(4) == 0 {
					a[i] = special[r.IntN(len(special))]
				}
			}
			got := make([]uint64, n)
			if d > covMaxD {
				if HashRows64(a, n, d, got) {
					t.Fatalf("d=%d: HashRows64 hashed past %d columns", d, covMaxD)
				}
				continue
			}
			want := make([]uint64, n)
			hashRowsGo(a, n, d, want)
			if !HashRows64(a, n, d, got) {
				if hashRowsBest != nil {
					t.Fatalf("d=%d: HashRows64 declined", d)
				}
				continue
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("d=%d n=%d: key %d = %#x, want %#x", d, n, i, got[i], want[i])
				}
			}
		}
		if d > covMaxD {
			continue
		}
		// −0 and +0 hash alike.
		x := make([]float64, 2*d)
		for j := range d {
			x[j] = math.Copysign(0, -1)
		}
		keys := make([]uint64, 2)
		hashRowsGo(x, 2, d, keys)
		if keys[0] != keys[1] {
			t.Fatalf("d=%d: −0 row %#x, +0 row %#x", d, keys[0], keys[1])
		}
		if HashRows64(x, 2, d, keys) && keys[0] != keys[1] {
			t.Fatalf("d=%d asm: −0 row %#x, +0 row %#x", d, keys[0], keys[1])
		}
	}
}

// FuzzCov64 runs every covImpl against the panel path (covSmall64 against
// gramColsPanels64, with and without a shift), and its column sums and the
// row hashes against their twins, on arbitrary values (raw bits: NaN,
// infinities, −0) and shapes (d 1 … 24, n up to 299: three blocks of
// kc64): the results agree bit for bit (any NaN matching any NaN).
func FuzzCov64(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint16(130), uint8(11), false, true)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0x7f, 9, 0, 0, 0, 0, 0, 0, 0x80}, uint16(3), uint8(4), true, false)
	f.Fuzz(func(t *testing.T, data []byte, n16 uint16, d8 uint8, raw, shifted bool) {
		n, d := 1+int(n16%299), 1+int(d8%covMaxD)
		a := fuzzFloats(data, n*d, 0, raw)
		var sh []float64
		if shifted {
			sh = fuzzFloats(data, d, 3, raw)
		}
		want := gramColsPanels64(a, n, d, sh, 1)
		wantSums := make([]float64, covMaxD)
		colSumsGo(a, n, d, wantSums)
		wantKeys := make([]uint64, n)
		hashRowsGo(a, n, d, wantKeys)
		for _, im := range covImpls {
			got := covSmall64(im, a, n, d, sh)
			for i := range want {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("%s n=%d d=%d shift=%v: G[%d] = %v, panels %v", im.name, n, d, shifted, i, got[i], want[i])
				}
			}
			var sums [covMaxD]float64
			im.sums(&a[0], d, n, &sums[0])
			for j := range d {
				if !sameBits(sums[j], wantSums[j]) {
					t.Fatalf("%s n=%d d=%d: sum[%d] = %v, twin %v", im.name, n, d, j, sums[j], wantSums[j])
				}
			}
		}
		keys := make([]uint64, n)
		if HashRows64(a, n, d, keys) {
			for i := range keys {
				if keys[i] != wantKeys[i] {
					t.Fatalf("n=%d d=%d: key %d = %#x, twin %#x", n, d, i, keys[i], wantKeys[i])
				}
			}
		}
	})
}
