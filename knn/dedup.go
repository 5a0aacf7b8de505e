package knn

import "math"

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

// FindDuplicates groups the rows of the n×d matrix x that are bit-for-bit
// equal (with +0 and −0 treated as equal). It runs in O(n·d) expected time.
func FindDuplicates(x []float64, n, d int) *Duplicates {
	u := &Duplicates{Group: make([]int, n)}
	buckets := make(map[uint64][]int, n)
	for i := 0; i < n; i++ {
		row := x[i*d : (i+1)*d]
		key := hashRow(row)
		found := -1
		for _, g := range buckets[key] {
			if equalRows(row, x[u.Keep[g]*d:(u.Keep[g]+1)*d]) {
				found = g
				break
			}
		}
		if found < 0 {
			found = len(u.Keep)
			u.Keep = append(u.Keep, i)
			u.Count = append(u.Count, 0)
			buckets[key] = append(buckets[key], found)
		}
		u.Count[found]++
		u.Group[i] = found
	}
	return u
}

// hashRow mixes the bits of a row's values (−0 as +0) into 64 bits: four
// independent multiply–xor lanes, then a final avalanche. Equal rows hash
// equally; unequal ones are told apart by equalRows.
func hashRow(row []float64) uint64 {
	const m = 0x9E3779B97F4A7C15
	h0, h1, h2, h3 := uint64(1), uint64(2), uint64(3), uint64(4)
	i := 0
	for ; i+4 <= len(row); i += 4 {
		h0 = (h0 ^ math.Float64bits(row[i]+0)) * m
		h1 = (h1 ^ math.Float64bits(row[i+1]+0)) * m
		h2 = (h2 ^ math.Float64bits(row[i+2]+0)) * m
		h3 = (h3 ^ math.Float64bits(row[i+3]+0)) * m
		h0 ^= h0 >> 29
		h1 ^= h1 >> 29
		h2 ^= h2 >> 29
		h3 ^= h3 >> 29
	}
	for ; i < len(row); i++ {
		h0 = (h0 ^ math.Float64bits(row[i]+0)) * m
		h0 ^= h0 >> 29
	}
	h := h0 ^ (h1 * 31) ^ (h2 * 961) ^ (h3 * 29791) ^ uint64(len(row))
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

func equalRows(a, b []float64) bool {
	for i, v := range a {
		if v != b[i] {
			return false
		}
	}
	return true
}

// Gather returns the rows of the n×d matrix x listed in rows, in that order,
// as a new len(rows)×d matrix.
func Gather(x []float64, d int, rows []int) []float64 {
	out := make([]float64, len(rows)*d)
	for j, r := range rows {
		copy(out[j*d:(j+1)*d], x[r*d:(r+1)*d])
	}
	return out
}
