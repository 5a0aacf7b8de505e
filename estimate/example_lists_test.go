package estimate_test

import (
	"fmt"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/synth"
	"github.com/intdim/intdim/knn"
)

// Neighbour lists computed elsewhere (here by knn.Search, laid out as
// scikit-learn's kneighbors(X) returns them, column 0 the point itself)
// give the estimate of the points.
func ExampleFromLists() {
	const n, k = 500, 10
	x := cloud.Must64(synth.Hypercube(n, 4, 10, 1), n, 10)
	g, _ := knn.Search(x, k, nil)
	var idx []int64
	var dist []float64
	for i := range n {
		ix, d := g.Neighbors(i)
		idx, dist = append(idx, int64(i)), append(dist, 0)
		for c := range ix {
			idx, dist = append(idx, int64(ix[c])), append(dist, d[c])
		}
	}
	lists, err := knn.FromLists(idx, dist, n, k+1, nil)
	if err != nil {
		panic(err)
	}
	fromLists, _ := estimate.FromLists(lists, &estimate.Options{Method: "mle", K: 10})
	fromPoints, _ := estimate.Points(x, &estimate.Options{Method: "mle", K: 10})
	fmt.Printf("%.4f %.4f\n", fromLists.Results[0].ID, fromPoints.Results[0].ID)
	// Output:
	// 3.5831 3.5831
}
