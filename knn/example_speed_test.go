package knn_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/tensorio/npy"
)

// One search serves every subset: search with SubsetK neighbours, then
// answer each subset from the lists.
func ExampleGraph_Subset() {
	x := []float64{0, 1, 3, 7, 8, 20} // 6 points in 1 dimension
	rows := []int{0, 2, 3, 5}         // a subset
	g, err := knn.Search(cloud.Must64(x, 6, 1), knn.SubsetK(6, len(rows), 1), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	sub, err := g.Subset(cloud.Must64(x, 6, 1), rows, 1, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for p := range rows {
		idx, dist := sub.Neighbors(p)
		fmt.Println(x[rows[p]], "->", x[rows[idx[0]]], dist[0])
	}
	// Output:
	// 0 -> 3 3
	// 3 -> 0 3
	// 7 -> 3 4
	// 20 -> 7 13
}

// A .npy layer is searched from disk; with a budget smaller than the
// matrix it is streamed in column blocks, with the same result.
func ExampleSearchFile() {
	dir, err := os.MkdirTemp("", "knn")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "layer.npy")
	f, err := os.Create(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := make([]float32, 4*100) // 4 points, 100 features
	for i := 0; i < 4; i++ {
		for j := 0; j < 100; j++ {
			x[i*100+j] = float32(i * i)
		}
	}
	if err := npy.Write(f, []int{4, 100}, x); err != nil {
		fmt.Println(err)
		return
	}
	f.Close()
	g, n, d, err := knn.SearchFile(path, 1, nil, 1024) // 1 KiB: streamed
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n, d, g.Index, g.Dist)
	// Output: 4 100 [1 0 1 2] [10 10 30 50]
}
