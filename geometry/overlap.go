package geometry

import (
	"fmt"
	"slices"

	"github.com/intdim/intdim/knn"
)

// checkK checks that graph g has at least k neighbours per point and that
// k ≥ 1.
func checkK(g *knn.Graph, k int, name string) error {
	if k < 1 {
		return fmt.Errorf("geometry: k = %d, need k ≥ 1", k)
	}
	if g.K < k {
		return fmt.Errorf("geometry: %s graph has %d neighbours per point, need k = %d", name, g.K, k)
	}
	return nil
}

// OverlapPoints returns, for every point i, the fraction of its k nearest
// neighbours shared by the two representations,
//
//	oᵢ = |N_k^A(i) ∩ N_k^B(i)| / k,
//
// where N_k^A(i) are the first k neighbours of i in graph a (DADApy's
// return_data_overlap with avg=False). a and b must be graphs of the same N
// points with at least k neighbours each.
func OverlapPoints(a, b *knn.Graph, k int) ([]float64, error) {
	if a.N != b.N {
		return nil, fmt.Errorf("geometry: the representations have %d and %d points", a.N, b.N)
	}
	if err := checkK(a, k, "first"); err != nil {
		return nil, err
	}
	if err := checkK(b, k, "second"); err != nil {
		return nil, err
	}
	out := make([]float64, a.N)
	mark := make([]int32, a.N) // mark[j] == i+1: j is among i's neighbours in a
	for i := range a.N {
		ia := a.Index[i*a.K : (i+1)*a.K] // indices only: Dist may be nil
		ib := b.Index[i*b.K : (i+1)*b.K]
		for _, j := range ia[:k] {
			mark[j] = int32(i) + 1
		}
		shared := 0
		for _, j := range ib[:k] {
			if mark[j] == int32(i)+1 {
				shared++
			}
		}
		out[i] = float64(shared) / float64(k)
	}
	return out, nil
}

// Overlap returns the neighbourhood overlap of two representations of the
// same points: the mean over points of OverlapPoints,
//
//	χ_k(A, B) = (1/N) Σᵢ |N_k^A(i) ∩ N_k^B(i)| / k
//
// (DADApy's data overlap; Valeriani et al. 2023, "The geometry of hidden
// representations of large transformer models"). It is 1 for identical
// neighbourhoods and about k/(N−1) for unrelated ones.
func Overlap(a, b *knn.Graph, k int) (float64, error) {
	p, err := OverlapPoints(a, b, k)
	if err != nil {
		return 0, err
	}
	return mean(p), nil
}

// LabelOverlapPoints returns, for every point i, the fraction of its k
// nearest neighbours in g that carry its label, labels[j] = labels[i]
// (DADApy's return_label_overlap with avg=False).
func LabelOverlapPoints(g *knn.Graph, labels []int, k int) ([]float64, error) {
	if len(labels) != g.N {
		return nil, fmt.Errorf("geometry: %d points, but %d labels", g.N, len(labels))
	}
	if err := checkK(g, k, "the"); err != nil {
		return nil, err
	}
	out := make([]float64, g.N)
	for i := range g.N {
		idx := g.Index[i*g.K : (i+1)*g.K]
		same := 0
		for _, j := range idx[:k] {
			if labels[j] == labels[i] {
				same++
			}
		}
		out[i] = float64(same) / float64(k)
	}
	return out, nil
}

// LabelOverlap returns the label overlap of graph g: weighted is the mean over
// classes of the class means of LabelOverlapPoints (each point weighted by
// 1/(size of its class), DADApy's default weighted=True), unweighted the plain
// mean over points (weighted=False). Both are 1 when every point's k
// neighbours share its label; for labels unrelated to the points the weighted
// value is about 1/(number of classes) when classes have equal sizes.
func LabelOverlap(g *knn.Graph, labels []int, k int) (weighted, unweighted float64, err error) {
	p, err := LabelOverlapPoints(g, labels, k)
	if err != nil {
		return 0, 0, err
	}
	sum := map[int]float64{}
	count := map[int]int{}
	for i, v := range p {
		sum[labels[i]] += v
		count[labels[i]]++
	}
	// Sum the class means in label order, so the value never depends on
	// map iteration order.
	keys := make([]int, 0, len(count))
	for c := range count {
		keys = append(keys, c)
	}
	slices.Sort(keys)
	for _, c := range keys {
		weighted += sum[c] / float64(count[c])
	}
	return weighted / float64(len(keys)), mean(p), nil
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}
