package knn

import (
	"math"
	"runtime"
	"unsafe"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
)

// Duplicates describes the exact duplicate rows of a matrix.
type Duplicates struct {
	// Keep lists, ascending, the first row of every distinct value.
	Keep []int
	// Count[j] is how many rows equal row Keep[j] (1 when it is unique).
	Count []int
	// Group[i] is the position in Keep of the distinct value of row i.
	Group []int
}

// Removed returns the number of rows that duplicate an earlier row.
func (u *Duplicates) Removed() int { return len(u.Group) - len(u.Keep) }

// FindDuplicates groups the rows of x that are equal value for value (with
// +0 and −0 treated as equal). It runs in O(n·d) expected time.
func FindDuplicates(x *cloud.Matrix) *Duplicates {
	n := x.N()
	u := &Duplicates{Group: make([]int, n), Keep: make([]int, 0, n)}
	if x.Elem() == cloud.Float32 {
		u.Keep = scanRows(n, x.D(), x.F32(), u.Group, u.Keep)
	} else {
		u.Keep = scanRows(n, x.D(), x.F64(), u.Group, u.Keep)
	}
	u.Count = make([]int, len(u.Keep))
	for _, g := range u.Group {
		u.Count[g]++
	}
	return u
}

// DistinctRows returns FindDuplicates(x).Keep, the first row of every
// distinct value ascending, or nil when no row repeats an earlier one; it
// records no groups, and allocates the list only from the first repeat.
func DistinctRows(x *cloud.Matrix) []int {
	if x.Elem() == cloud.Float32 {
		return scanRows(x.N(), x.D(), x.F32(), nil, nil)
	}
	return scanRows(x.N(), x.D(), x.F64(), nil, nil)
}

// scanRows finds the repeated rows of the n rows of d values of data
// (row-major) and returns keep with the first row of every distinct value
// appended, ascending; with group (length n), group[i] is the position of
// row i's value among them. Without group, keep stays nil until the first
// repeat, and the result is nil when there is none.
//
// An open-addressing table, at most half full, of 8-byte slots (32 KiB
// for 2,000 rows: in L1): the high 32 bits of a distinct value's hash
// over 1 + its first row, 0 if empty; linear probing, rows compared only
// where the hashes' high bits agree. No allocation per row.
func scanRows[E real](n, d int, data []E, group, keep []int) []int {
	if uint64(n) >= math.MaxUint32 { // uint64: n is an int of 32 bits on 386
		return scanRowsWide(n, d, data, group, keep)
	}
	row := func(i int) []E { return data[i*d : (i+1)*d : (i+1)*d] }
	keys := make([]uint64, n) // hashed first: the rows' hashes overlap in the pipeline
	if f, ok := any(data).([]float64); ok {
		if !kernel.HashRows64(f, n, d, keys) { // vector hashing, d ≤ 24
			hashRows64(f, d, keys)
		}
	} else if x32, ok := any(data).([]float32); ok {
		hashRows32(x32, n, d, keys)
	} else {
		for i := range keys {
			keys[i] = hashRow(row(i))
		}
	}
	eq := func(i, j int) bool { return equalRows(row(i), row(j)) }
	if group == nil {
		return distinctByBits(keys, eq)
	}
	return probeRows(keys, group, keep, eq)
}

// distinctByBits is DistinctRows from the rows' hashes keys (eq(i, j)
// compares rows i and j): a first pass sets one bit per row, picked by its
// hash's low bits, in a bitmap of at least 32n bits (in L1 for a few
// thousand rows) and notes, without a branch, the bits set twice; rows
// with a bit of their own repeat no other row (equal rows hash alike), and
// only the others, a few per cent, go through the table (probeRows) in row
// order. Nil when no row repeats an earlier one.
func distinctByBits(keys []uint64, eq func(i, j int) bool) []int {
	n := len(keys)
	bits := 64
	for bits < 32*n {
		bits *= 2
	}
	seen := make([]uint64, 2*bits/64) // the bits set, then those set twice
	once, twice := seen[:bits/64], seen[bits/64:]
	mask := uint64(bits - 1)
	var shared uint64
	for _, k := range keys {
		b := k & mask
		w, bit := b>>6, uint64(1)<<(b&63)
		old := once[w]
		once[w] = old | bit
		twice[w] |= old & bit
		shared |= old & bit
	}
	if shared == 0 {
		return nil
	}
	var cand []int
	for i, k := range keys {
		if b := k & mask; twice[b>>6]&(1<<(b&63)) != 0 {
			cand = append(cand, i)
		}
	}
	sub := make([]uint64, len(cand))
	for a, i := range cand {
		sub[a] = keys[i]
	}
	keepSub := probeRows(sub, nil, nil, func(a, b int) bool { return eq(cand[a], cand[b]) })
	if keepSub == nil {
		return nil
	}
	// Every row but the candidates keepSub leaves out, ascending.
	drop := make([]bool, n)
	for _, i := range cand {
		drop[i] = true
	}
	for _, a := range keepSub {
		drop[cand[a]] = false
	}
	keep := make([]int, 0, n)
	for i, dr := range drop {
		if !dr {
			keep = append(keep, i)
		}
	}
	return keep
}

// probeRows is scanRows' table pass over the rows' hashes keys
// (tableSize(len(keys)) slots): eq(i, j) compares rows i and j, called
// only where the hashes' high 32 bits agree.
func probeRows(keys []uint64, group, keep []int, eq func(i, j int) bool) []int {
	n := len(keys)
	size := tableSize(n)
	slots := make([]uint64, size)
	mask := uint64(size - 1)
	lazy := group == nil
	for i, key := range keys {
		tag := key >> 32
		s := key & mask
		found := -1
		for ; slots[s] != 0; s = (s + 1) & mask {
			if v := slots[s]; v>>32 == tag {
				if j := int(uint32(v)) - 1; eq(i, j) {
					found = j
					break
				}
			}
		}
		if found >= 0 {
			keep = repeatRow(i, found, n, group, keep)
			continue
		}
		slots[s] = tag<<32 | uint64(i+1)
		if group != nil {
			group[i] = len(keep)
		}
		if !lazy || keep != nil {
			keep = append(keep, i)
		}
	}
	return keep
}

// tableSize is the slots of a duplicate table for n rows: the least power
// of two ≥ 2n (the table at most half full).
func tableSize(n int) int {
	size := 1
	for size < 2*n {
		size *= 2
	}
	return size
}

// repeatRow records row i as a repeat of the earlier row found for the
// table passes: its group is found's, and a lazy keep list (group nil,
// keep nil while no row has repeated) starts as rows 0 … i − 1, with room
// for n.
func repeatRow(i, found, n int, group, keep []int) []int {
	if group != nil {
		group[i] = group[found]
		return keep
	}
	if keep == nil {
		keep = make([]int, i, n)
		for j := range keep {
			keep[j] = j
		}
	}
	return keep
}

// scanRowsWide is scanRows for n ≥ 2³² − 1 rows: slots of a full hash and
// a full row index.
func scanRowsWide[E real](n, d int, data []E, group, keep []int) []int {
	row := func(i int) []E { return data[i*d : (i+1)*d : (i+1)*d] }
	size := tableSize(n)
	type slot struct {
		hash uint64
		row  int // 1 + the first row of the value, 0 if empty
	}
	slots := make([]slot, size)
	mask := uint64(size - 1)
	lazy := group == nil
	for i := range n {
		key := hashRow(row(i))
		s := key & mask
		found := -1
		for ; slots[s].row != 0; s = (s + 1) & mask {
			if j := slots[s].row - 1; slots[s].hash == key && equalRows(row(i), row(j)) {
				found = j
				break
			}
		}
		if found >= 0 {
			keep = repeatRow(i, found, n, group, keep)
			continue
		}
		slots[s] = slot{key, i + 1}
		if group != nil {
			group[i] = len(keep)
		}
		if !lazy || keep != nil {
			keep = append(keep, i)
		}
	}
	return keep
}

// hashRow mixes the bits of a row's values (−0 as +0) into 64 bits: four
// independent multiply–xor lanes (short dependency chains: the lanes'
// multiplies overlap), then a final avalanche that brings the high bits,
// where a value's changes propagate, down to the low bits that pick the
// slot. Equal rows hash equally; unequal ones are told apart by equalRows.
// A float32 row's first 64·⌊d/64⌋ values go through kernel.HashLanes32's
// 32 lanes first (hashFinish32), as hashRows32 hashes many rows.
func hashRow[E real](row []E) uint64 {
	if r32, ok := any(row).([]float32); ok {
		var lanes [kernel.HashLaneCount]uint64
		kernel.HashLanes32(r32, 1, len(r32), lanes[:])
		return hashFinish32(r32, &lanes)
	}
	return hashFrom(row, 0, 1, 2, 3, 4)
}

// hashRows32 sets keys[i] to hashRow of row i of the n×d float32 matrix x:
// kernel.HashLanes32 over hashBatch rows at a time (their lanes, 16 KiB,
// stay in L1), each finished by hashFinish32. AVX-512 lanes (eight 64-bit
// multiplies an instruction) take pool1's 2,000 rows of 5,408 values in
// a fraction of the scalar lanes' time (BENCHMARKS.md, issue 16).
func hashRows32(x []float32, n, d int, keys []uint64) {
	// Many values: parallelChunks' runs of 64 rows (hashBatch) on
	// GOMAXPROCS goroutines (pool1's 2,000 rows: 2.5 ms alone, read from
	// memory).
	if n*d < hashSplitValues {
		hashRowRange(x, 0, n, d, keys)
		return
	}
	parallelChunks(n, runtime.GOMAXPROCS(0), func(lo, hi int) { hashRowRange(x, lo, hi, d, keys) })
}

// hashSplitValues is the number of values from which hashRows32 splits
// its rows among goroutines.
const hashSplitValues = 1 << 20

// hashRowRange is hashRows32 on the rows [i0, i1), hashBatch at a time.
func hashRowRange(x []float32, i0, i1, d int, keys []uint64) {
	var lanes [hashBatch * kernel.HashLaneCount]uint64
	for ; i0 < i1; i0 += hashBatch {
		b := min(hashBatch, i1-i0)
		kernel.HashLanes32(x[i0*d:(i0+b)*d], b, d, lanes[:b*kernel.HashLaneCount])
		for t := range b {
			keys[i0+t] = hashFinish32(x[(i0+t)*d:(i0+t+1)*d], (*[kernel.HashLaneCount]uint64)(lanes[t*kernel.HashLaneCount:]))
		}
	}
}

// hashBatch is the number of rows hashRows32 takes at a time.
const hashBatch = 64

// hashFinish32 is hashRow of the float32 row r32 from the lanes of
// kernel.HashLanes32 over its first s = 64·⌊len/64⌋ values: lane q of four
// starts at lanes[q] and takes lanes[q + 4t], t = 1 … 7, by multiply–xor;
// then the values from s on, as hashFrom takes them, and its avalanche.
func hashFinish32(r32 []float32, lanes *[kernel.HashLaneCount]uint64) uint64 {
	const m = 0x9E3779B97F4A7C15
	var h [4]uint64
	for q := range h {
		h[q] = lanes[q]
		for t := 1; t < kernel.HashLaneCount/4; t++ {
			h[q] = (h[q] ^ lanes[4*t+q]) * m
		}
	}
	return hashFrom(r32, len(r32)/kernel.HashLaneFloats*kernel.HashLaneFloats, h[0], h[1], h[2], h[3])
}

// hashFrom is hashRow's four lanes from values i on, starting from h0 …
// h3, and the avalanche.
func hashFrom[E real](row []E, i int, h0, h1, h2, h3 uint64) uint64 {
	const m = 0x9E3779B97F4A7C15
	if r32, ok := any(row).([]float32); ok && len(r32)-i >= 8 {
		// float32: the bits of two values per lane and multiply, eight
		// per step, −0 made +0 in the integers (the high bit of each half
		// kept only where the rest is not zero): 1.7 times the pace of
		// one value per multiply on conv1's rows (2,000 × 21,632: 80 →
		// 48 ms, one thread, load 4). The pairs are read as 64-bit words
		// (the low half the first value on every target Go builds for
		// here, all little-endian; the hash only has to agree with itself
		// within a run). The words may be only 4-byte aligned (a row's
		// start is not realigned: equal rows at different offsets must
		// hash alike), which amd64, arm64 and 386 load without fault: one load per pair, 1.5 times the pace of two
		// 32-bit loads joined (pool1's 2,000 rows of 5,408: 14.5 → 9 ms).
		w := unsafe.Slice((*uint64)(unsafe.Pointer(&r32[i])), (len(r32)-i)/2)
		j := 0
		for ; j+4 <= len(w); j += 4 {
			r := w[j : j+4 : j+4]
			h0 = (h0 ^ kernel.HashPair(r[0])) * m
			h1 = (h1 ^ kernel.HashPair(r[1])) * m
			h2 = (h2 ^ kernel.HashPair(r[2])) * m
			h3 = (h3 ^ kernel.HashPair(r[3])) * m
		}
		i += 2 * j
	}
	for ; i+4 <= len(row); i += 4 {
		h0 = (h0 ^ math.Float64bits(float64(row[i])+0)) * m
		h1 = (h1 ^ math.Float64bits(float64(row[i+1])+0)) * m
		h2 = (h2 ^ math.Float64bits(float64(row[i+2])+0)) * m
		h3 = (h3 ^ math.Float64bits(float64(row[i+3])+0)) * m
	}
	for ; i < len(row); i++ {
		h0 = (h0 ^ math.Float64bits(float64(row[i])+0)) * m
	}
	h0 ^= h0 >> 29
	h1 ^= h1 >> 31
	h2 ^= h2 >> 27
	h3 ^= h3 >> 33
	h := h0 ^ (h1 * 31) ^ (h2 * 961) ^ (h3 * 29791) ^ uint64(len(row))
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 29
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

// hashRows64 sets keys[i] to the hash of row i of the rows of d values of
// f, a shorter one than hashRow's for float64 rows: two multiply–xor lanes
// (−0 as +0), then one multiply between xor-shifts, which brings the high
// bits, where a value's changes propagate, down to the low bits that pick
// the slot (and every bit into the high 32 that tag it); one loop over the
// rows, inlined. DistinctRows of 2,000 Gaussian rows of 3 values: about a
// third less CPU than hashRow's (load 5–7).
func hashRows64(f []float64, d int, keys []uint64) {
	const m = 0x9E3779B97F4A7C15
	for i := range keys {
		row := f[i*d : (i+1)*d : (i+1)*d]
		h0, h1 := uint64(d), uint64(0x632be59bd9b4e019)
		j := 0
		for ; j+2 <= len(row); j += 2 {
			h0 = (h0 ^ math.Float64bits(row[j]+0)) * m
			h1 = (h1 ^ math.Float64bits(row[j+1]+0)) * m
		}
		if j < len(row) {
			h0 = (h0 ^ math.Float64bits(row[j]+0)) * m
		}
		h := h0 ^ (h1>>32 | h1<<32)
		h ^= h >> 32
		h *= 0xd6e8feb86659fd93
		h ^= h >> 29
		keys[i] = h
	}
}

func equalRows[E real](a, b []E) bool {
	for i, v := range a {
		if v != b[i] {
			return false
		}
	}
	return true
}
