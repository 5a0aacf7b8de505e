package knn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/intdim/intdim/cloud"
)

// naiveDuplicates is the quadratic definition of FindDuplicates' result
// for the n×d rows x: keep the first row of each value (values compared
// with ==, so −0 equals +0), group the position of each row's value,
// count the group sizes.
func naiveDuplicates[E float32 | float64](x []E, n, d int) (keep, group, count []int) {
	group = make([]int, n)
rows:
	for i := range n {
		for g, k := range keep {
			if slices.Equal(x[i*d:(i+1)*d], x[k*d:(k+1)*d]) {
				group[i] = g
				count[g]++
				continue rows
			}
		}
		group[i] = len(keep)
		keep = append(keep, i)
		count = append(count, 1)
	}
	return keep, group, count
}

// TestFindDuplicatesNaive: on rows drawn from a few values (many
// duplicates, and enough distinct rows to probe past occupied slots),
// FindDuplicates groups exactly as the quadratic definition: Keep the
// first row of each value, Group the position of its value, Count the
// group sizes.
func TestFindDuplicatesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 7, 64, 500} {
		d := 3
		x := make([]float64, n*d)
		for i := range x {
			x[i] = float64(r.IntN(4))
		}
		u := FindDuplicates(m64(x, n, d))
		keep, group, count := naiveDuplicates(x, n, d)
		if !slices.Equal(u.Keep, keep) || !slices.Equal(u.Group, group) || !slices.Equal(u.Count, count) {
			t.Fatalf("n=%d: keep %v group %v count %v, want %v %v %v", n, u.Keep, u.Group, u.Count, keep, group, count)
		}
	}
}

// TestFindDuplicatesFloat32: float32 rows (hashed two values per lane)
// with −0 and +0 in any places group as the values compare (−0 == +0):
// the quadratic definition again, widths below, at and past one step of
// eight values.
func TestFindDuplicatesFloat32(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	negZero := float32(math.Copysign(0, -1))
	vals := []float32{0, negZero, 1, -1.5}
	for _, d := range []int{3, 8, 19} {
		for _, n := range []int{2, 64, 500} {
			x := make([]float32, n*d)
			for i := range x {
				// mostly zeros of either sign: many equal rows
				if r.IntN(16) == 0 {
					x[i] = vals[2+r.IntN(2)]
				} else {
					x[i] = vals[r.IntN(2)]
				}
			}
			u := FindDuplicates(cloud.Must32(x, n, d))
			keep, group, count := naiveDuplicates(x, n, d)
			if !slices.Equal(u.Keep, keep) || !slices.Equal(u.Group, group) || !slices.Equal(u.Count, count) {
				t.Fatalf("%d×%d: keep %v group %v count %v, want %v %v %v", n, d, u.Keep, u.Group, u.Count, keep, group, count)
			}
			if n >= 64 && len(keep) == n {
				t.Fatalf("%d×%d: no duplicates drawn", n, d)
			}
		}
	}
}

// TestDistinctRows: DistinctRows is FindDuplicates' Keep where a row
// repeats and nil where none does, float64 and float32, on rows drawn from
// a few values (−0 and +0 among them), of widths 1 to 25, with the first
// repeat anywhere (row 1, the last row, none).
func TestDistinctRows(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	vals := []float64{0, math.Copysign(0, -1), 1, -1.5, 1e300, 3}
	for _, d := range []int{1, 2, 3, 5, 8, 20, 25} {
		for _, n := range []int{1, 2, 3, 40, 500} {
			for _, few := range []int{2, len(vals)} {
				x := make([]float64, n*d)
				for i := range x {
					x[i] = vals[r.IntN(few)]
					if few == len(vals) {
						x[i] += r.NormFloat64() // mostly distinct rows
					}
				}
				if few == len(vals) && n >= 3 && r.IntN(2) == 0 {
					copy(x[(n-1)*d:], x[r.IntN(n-1)*d:][:d]) // the first repeat is the last row
				}
				x32 := make([]float32, len(x))
				for i, v := range x {
					x32[i] = float32(v)
				}
				for _, m := range []*cloud.Matrix{cloud.Must64(x, n, d), cloud.Must32(x32, n, d)} {
					u := FindDuplicates(m)
					got := DistinctRows(m)
					if u.Removed() == 0 {
						if got != nil {
							t.Fatalf("%v %d×%d: %v, want nil (no repeats)", m.Elem(), n, d, got)
						}
						continue
					}
					keep, _, _ := naiveDuplicates(x, n, d)
					if m.Elem() == cloud.Float32 {
						keep, _, _ = naiveDuplicates(x32, n, d)
					}
					if !slices.Equal(got, u.Keep) || !slices.Equal(got, keep) {
						t.Fatalf("%v %d×%d: %v, want %v", m.Elem(), n, d, got, keep)
					}
					// The path for 2³² rows or more, on these.
					group := make([]int, n)
					_, wantGroup, _ := naiveDuplicates(x, n, d)
					if m.Elem() == cloud.Float32 {
						_, wantGroup, _ = naiveDuplicates(x32, n, d)
					}
					if w := scanRowsWide(n, d, x, nil, nil); m.Elem() == cloud.Float64 && !slices.Equal(w, keep) {
						t.Fatalf("wide %d×%d: %v, want %v", n, d, w, keep)
					}
					if w := scanRowsWide(n, d, x32, group, nil); m.Elem() == cloud.Float32 && (!slices.Equal(w, keep) || !slices.Equal(group, wantGroup)) {
						t.Fatalf("wide float32 %d×%d: %v %v, want %v %v", n, d, w, group, keep, wantGroup)
					}
				}
			}
		}
	}
}

// TestDistinctByBits: the bitmap pass with hashes that share low bits
// (every row a candidate) and with distinct low bits (none), rows equal
// or not in any pattern: the result is the quadratic definition's Keep,
// or nil without repeats.
func TestDistinctByBits(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{1, 2, 5, 64, 300} {
		for trial := range 30 {
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = float64(r.IntN(max(1, n/(1+trial%3))))
			}
			keys := make([]uint64, n)
			for i, v := range vals {
				switch trial % 3 {
				case 0: // the same low bits, different high bits: all candidates
					keys[i] = uint64(v)<<40 | 7
				case 1: // one low-bit pattern per value
					keys[i] = uint64(v)*0x9E3779B97F4A7C15 | 1
				default: // every key equal
					keys[i] = 42
				}
			}
			got := distinctByBits(keys, func(i, j int) bool { return vals[i] == vals[j] })
			keep, _, _ := naiveDuplicates(vals, n, 1)
			if len(keep) == n {
				keep = nil
			}
			if !slices.Equal(got, keep) {
				t.Fatalf("n=%d trial %d: %v, want %v", n, trial, got, keep)
			}
		}
	}
}

// hashRowPairs is hashRow's float32 path written from its definition,
// each pair of values joined from two 32-bit loads: 32 lanes over the
// first 64·⌊n/64⌋ values (kernel.HashLanes32), folded into four, then
// four lanes over the pairs that remain and one value at a time.
func hashRowPairs(r32 []float32) uint64 {
	const m = 0x9E3779B97F4A7C15
	const abs, one = 0x7fffffff7fffffff, 0x8000000080000000
	pair := func(lo, hi float32) uint64 {
		v := uint64(math.Float32bits(lo)) | uint64(math.Float32bits(hi))<<32
		return v & (abs | (v&abs+abs)&one)
	}
	var lanes [32]uint64
	for l := range lanes {
		lanes[l] = uint64(l + 1)
	}
	s := len(r32) / 64 * 64
	for j := 0; j < s/2; j++ {
		lanes[j%32] = (lanes[j%32] ^ pair(r32[2*j], r32[2*j+1])) * m
	}
	var h [4]uint64
	for q := range h {
		h[q] = lanes[q]
		for t := 1; t < 8; t++ {
			h[q] = (h[q] ^ lanes[4*t+q]) * m
		}
	}
	h0, h1, h2, h3 := h[0], h[1], h[2], h[3]
	i := s
	if len(r32)-i >= 8 {
		for ; i+8 <= len(r32); i += 8 {
			r := r32[i : i+8]
			h0 = (h0 ^ pair(r[0], r[1])) * m
			h1 = (h1 ^ pair(r[2], r[3])) * m
			h2 = (h2 ^ pair(r[4], r[5])) * m
			h3 = (h3 ^ pair(r[6], r[7])) * m
		}
	}
	for ; i+4 <= len(r32); i += 4 {
		h0 = (h0 ^ math.Float64bits(float64(r32[i])+0)) * m
		h1 = (h1 ^ math.Float64bits(float64(r32[i+1])+0)) * m
		h2 = (h2 ^ math.Float64bits(float64(r32[i+2])+0)) * m
		h3 = (h3 ^ math.Float64bits(float64(r32[i+3])+0)) * m
	}
	for ; i < len(r32); i++ {
		h0 = (h0 ^ math.Float64bits(float64(r32[i])+0)) * m
	}
	h0 ^= h0 >> 29
	h1 ^= h1 >> 31
	h2 ^= h2 >> 27
	h3 ^= h3 >> 33
	hh := h0 ^ (h1 * 31) ^ (h2 * 961) ^ (h3 * 29791) ^ uint64(len(r32))
	hh ^= hh >> 33
	hh *= 0xc4ceb9fe1a85ec53
	hh ^= hh >> 29
	hh *= 0xff51afd7ed558ccd
	hh ^= hh >> 33
	return hh
}

// TestHashRowWords: hashRow of float32 rows (pairs read as 64-bit words,
// the first 64·⌊n/64⌋ values through kernel.HashLanes32) equals the
// definition written with two 32-bit loads for every length up to 200, at
// an 8-byte boundary and 4 bytes past one, with −0 and +0 hashing alike;
// hashRows32 gives each row's hashRow for batches across hashBatch.
func TestHashRowWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	buf := make([]float32, 201)
	for n := 1; n <= 200; n++ {
		for _, off := range []int{0, 1} {
			row := buf[off : off+n]
			for i := range row {
				row[i] = float32(rng.NormFloat64())
			}
			if got, want := hashRow(row), hashRowPairs(row); got != want {
				t.Fatalf("n = %d, offset %d: %#x, want %#x", n, off, got, want)
			}
			pos := rng.IntN(n)
			row[pos] = 0
			h := hashRow(row)
			row[pos] = float32(math.Copysign(0, -1))
			if hashRow(row) != h || hashRowPairs(row) != h {
				t.Fatalf("n = %d, offset %d: −0 and +0 at %d hash apart", n, off, pos)
			}
		}
	}
	for _, d := range []int{1, 63, 64, 130} {
		for _, n := range []int{1, hashBatch, hashBatch + 3, 2*hashBatch + 1} {
			x := make([]float32, n*d)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			keys := make([]uint64, n)
			hashRows32(x, n, d, keys)
			for i := range n {
				if keys[i] != hashRow(x[i*d:(i+1)*d]) {
					t.Fatalf("d=%d n=%d: row %d hashes apart from hashRow", d, n, i)
				}
			}
		}
	}
}

// hashRows32 on enough values to split its rows among goroutines: each
// row's hashRow, for 1 to 4 of them.
func TestHashRows32Split(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n, d := 4*hashBatch+7, 3*hashSplitValues/(4*hashBatch+7)+1
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	want := make([]uint64, n)
	for i := range want {
		want[i] = hashRow(x[i*d : (i+1)*d])
	}
	for _, procs := range []int{1, 2, 3, 4} {
		old := runtime.GOMAXPROCS(procs)
		keys := make([]uint64, n)
		hashRows32(x, n, d, keys)
		runtime.GOMAXPROCS(old)
		for i := range n {
			if keys[i] != want[i] {
				t.Fatalf("GOMAXPROCS %d: row %d hashes apart from hashRow", procs, i)
			}
		}
	}
}
