package knn_test

import (
	"fmt"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
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
