package knn

import (
	"math/rand/v2"
	"slices"
	"testing"
)

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
		var keep, count []int
		group := make([]int, n)
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
		if !slices.Equal(u.Keep, keep) || !slices.Equal(u.Group, group) || !slices.Equal(u.Count, count) {
			t.Fatalf("n=%d: keep %v group %v count %v, want %v %v %v", n, u.Keep, u.Group, u.Count, keep, group, count)
		}
	}
}
