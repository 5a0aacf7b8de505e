package knn

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// TestSubsetFromListsExact: random 90 % and 5 % subsets, several seeds,
// Euclidean and cosine, data with ties: the answer from the lists equals a
// search of the gathered subset bit for bit.
func TestSubsetFromListsExact(t *testing.T) {
	n, d := 400, 6
	grid := make([]float64, n*d) // many equal distances
	for i := range grid {
		grid[i] = float64((i * 7919) % 5)
	}
	for _, data := range []struct {
		name string
		x    []float64
	}{{"gauss", randMatrix(n, d, 11)}, {"grid", grid}} {
		for _, metric := range []Metric{Euclidean, Cosine} {
			if metric == Cosine && data.name == "grid" {
				continue // grid has zero rows
			}
			opt := &Options{Metric: metric}
			for seed := uint64(1); seed <= 4; seed++ {
				r := rand.New(rand.NewPCG(seed, 3))
				for _, c := range []struct{ size, k int }{{360, 2}, {360, 5}, {20, 2}, {100, 3}} {
					K := SubsetK(n, c.size, c.k)
					g, err := Search(m64(data.x, n, d), K, opt)
					if err != nil {
						t.Fatal(err)
					}
					rows := r.Perm(n)[:c.size]
					got, err := g.Subset(m64(data.x, n, d), rows, c.k, opt)
					if err != nil {
						t.Fatal(err)
					}
					want, err := Search(m64(gather(data.x, d, rows), c.size, d), c.k, opt)
					if err != nil {
						t.Fatal(err)
					}
					sameGraph(t, got, want)
				}
			}
		}
	}
}

// TestSubsetShortListsFallBack: lists too short for most rows (direct
// search of the subset) and for a few rows (per-row fallback).
func TestSubsetShortListsFallBack(t *testing.T) {
	n, d := 300, 4
	x := randMatrix(n, d, 21)
	g, err := Search(m64(x, n, d), 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(8, 8))
	for _, size := range []int{150, 299} {
		rows := r.Perm(n)[:size]
		got, err := g.Subset(m64(x, n, d), rows, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		sameGraph(t, got, naive(gather(x, d, rows), size, d, 2))
	}
	if _, err := g.Subset(m64(x, n, d), []int{1, 2}, 2, nil); err == nil {
		t.Fatal("k ≥ subset size accepted")
	}
}

func TestSubsetK(t *testing.T) {
	if got := SubsetK(2000, 1800, 2); got != 8 {
		t.Errorf("SubsetK(90 %%, k=2) = %d, want 8", got)
	}
	if got := SubsetK(2000, 100, 2); got != 48 {
		t.Errorf("SubsetK(5 %%, k=2) = %d, want the cap 48", got)
	}
	if got := SubsetK(2000, 1000, 2); got < 10 || got > 30 {
		t.Errorf("SubsetK(50 %%, k=2) = %d", got)
	}
	if got := SubsetK(10, 5, 2); got > 9 {
		t.Errorf("SubsetK capped at n−1: %d", got)
	}
}

// TestSearchQueries: the kernel fallback of Subset equals brute force for
// the queried rows, on data with ties and near-duplicates.
func TestSearchQueries(t *testing.T) {
	n, d := 250, 7
	x := randMatrix(n, d, 31)
	for i := 0; i < n; i += 3 {
		for j := 0; j < d; j++ {
			x[i*d+j] = float64(int(x[i*d+j]*2)) + 1e5 // ties, large offset
		}
	}
	copy(x[10*d:11*d], x[4*d:5*d])
	want := bruteF(x, n, d, 5, 1)
	few := []int{249, 0, 4, 10, 77, 78, 3} // scanned directly
	many := append([]int{}, few...)        // through the kernel
	for q := 100; q < 130; q++ {
		many = append(many, q)
	}
	for _, queries := range [][]int{few, many} {
		for _, th := range []int{1, 2} {
			idx, dist := searchQueries(view(m64(x, n, d)), 5, queries, th)
			for tq, q := range queries {
				wi, wd := want.Neighbors(q)
				for s := 0; s < 5; s++ {
					if idx[tq*5+s] != wi[s] || dist[tq*5+s] != wd[s] {
						t.Fatalf("query %d: got %v %v, want %v %v", q, idx[tq*5:tq*5+5], dist[tq*5:tq*5+5], wi, wd)
					}
				}
			}
		}
	}
}

// TestSubsetWithoutRows: with x = nil the lists alone answer, exactly, or
// ErrShortLists says they cannot.
func TestSubsetWithoutRows(t *testing.T) {
	n, d := 300, 5
	x := randMatrix(n, d, 41)
	g, err := Search(m64(x, n, d), SubsetK(n, 270, 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 2))
	rows := r.Perm(n)[:270]
	got, err := g.Subset(nil, rows, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, got, naive(gather(x, d, rows), len(rows), d, 2))
	small, err := Search(m64(x, n, d), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := small.Subset(nil, rows[:30], 2, nil); !errors.Is(err, ErrShortLists) {
		t.Fatalf("short lists without rows: %v", err)
	}
}
