package knn

import (
	"hash/maphash"
	"math"
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

// FindDuplicates groups the rows of the n×d matrix x that are bit-for-bit
// equal (with +0 and −0 treated as equal). It runs in O(n·d) expected time.
func FindDuplicates(x []float64, n, d int) *Duplicates {
	seed := maphash.MakeSeed()
	u := &Duplicates{Group: make([]int, n)}
	buckets := make(map[uint64][]int, n)
	var h maphash.Hash
	h.SetSeed(seed)
	var buf [8]byte
	for i := 0; i < n; i++ {
		row := x[i*d : (i+1)*d]
		h.Reset()
		for _, v := range row {
			b := math.Float64bits(v + 0) // −0 + 0 = +0
			for s := 0; s < 8; s++ {
				buf[s] = byte(b >> (8 * s))
			}
			h.Write(buf[:])
		}
		key := h.Sum64()
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
