package knn_test

import (
	"fmt"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// Four points on a line: every point's two nearest neighbours, nearest first.
func ExampleSearch() {
	x := []float64{0, 1, 3, 7} // 4 points in 1 dimension
	g, err := knn.Search(cloud.Must64(x, 4, 1), 2, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := 0; i < g.N; i++ {
		idx, dist := g.Neighbors(i)
		fmt.Println(i, idx, dist)
	}
	// Output:
	// 0 [1 2] [1 3]
	// 1 [0 2] [1 2]
	// 2 [1 0] [2 3]
	// 3 [2 1] [4 6]
}

// Exact duplicate rows are found in linear time.
func ExampleFindDuplicates() {
	x := []float64{1, 2, 3, 4, 1, 2}
	u := knn.FindDuplicates(cloud.Must64(x, 3, 2))
	fmt.Println(u.Keep, u.Count, u.Removed())
	// Output: [0 1] [2 1] 1
}
