package profile

import (
	"fmt"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/geometry"
	"github.com/intdim/intdim/knn"
)

// graphMethods are the methods estimate.FromGraph answers from a graph of
// the rows exactly as estimate.Points does from the rows.
var graphMethods = map[string]bool{"twonn": true, "twonn-ml": true, "gride": true, "mle": true, "binomial": true}

// Overlap makes the builder keep, for every layer it estimates, the k
// nearest neighbours of every point, and Profile add the layer × layer
// neighbourhood-overlap matrix (geometry.Overlap) and, when labels are
// given (one per point, every layer then needs len(labels) points), each
// layer's label overlap (geometry.LabelOverlap, class-weighted). k < 1
// turns it off.
//
// One search per layer serves the ID and the overlap: Add searches the full,
// uncollapsed points with max(estimate.NeighboursNeeded, k) neighbours and
// estimates from that graph (estimate.FromGraph). The overlap is computed
// on the full point set, so that index i is the same point in every layer;
// exact duplicates are neighbours at distance 0 and ties are broken by the
// smaller index (knn's convention, see package geometry). Where the ID
// cannot come from that graph — a layer with exact duplicates to collapse,
// the cosine metric, or a method other than twonn, twonn-ml, gride, mle and
// binomial — the layer is estimated by estimate.Points as without the
// overlap, which searches the collapsed points a second time.
func (b *Builder) Overlap(k int, labels []int) {
	b.overlapK, b.labels = k, labels
}

// OverlapK returns the overlap's k set by Overlap, 0 when off.
func (b *Builder) OverlapK() int { return b.overlapK }

// searchOnce searches the full layer once with enough neighbours for the
// estimator and the overlap, and estimates from that graph when it can.
// It returns the graph cut to the overlap's k.
func (b *Builder) searchOnce(l Layer) (*estimate.Report, *knn.Graph, error) {
	x := l.Points
	n := x.N()
	if b.labels != nil && len(b.labels) != n {
		return nil, nil, fmt.Errorf("%d points, but %d labels", n, len(b.labels))
	}
	if b.overlapK > n-1 {
		return nil, nil, fmt.Errorf("overlap k = %d needs more than %d points", b.overlapK, n)
	}
	need, err := estimate.NeighboursNeeded(n, &b.opt)
	if err != nil {
		return nil, nil, err
	}
	g, err := knn.Search(x, min(max(need, b.overlapK), n-1), &knn.Options{Threads: b.opt.Threads})
	if err != nil {
		return nil, nil, err
	}
	var rep *estimate.Report
	if graphMethods[string(b.opt.Method)] && b.opt.Metric == knn.Euclidean && !hasZero(g) {
		rep, err = estimate.FromGraph(g, n, x.D(), nil, &b.opt)
	} else {
		rep, err = estimate.Points(x, &b.opt)
	}
	if err != nil {
		return nil, nil, err
	}
	return rep, truncate(g, b.overlapK), nil
}

// hasZero reports whether some point has a neighbour at distance 0.
func hasZero(g *knn.Graph) bool {
	for i := range g.N {
		if g.Dist[i*g.K] == 0 {
			return true
		}
	}
	return false
}

// truncate returns the first k neighbours of every point of g.
func truncate(g *knn.Graph, k int) *knn.Graph {
	if g.K == k {
		return g
	}
	t := &knn.Graph{N: g.N, K: k, Index: make([]int32, g.N*k), Dist: make([]float64, g.N*k)}
	for i := range g.N {
		idx, dist := g.Neighbors(i)
		copy(t.Index[i*k:(i+1)*k], idx[:k])
		copy(t.Dist[i*k:(i+1)*k], dist[:k])
	}
	return t
}

// overlaps fills p's overlap matrix and label overlaps from the kept
// graphs: entry [i][j] is nil where layer i or j failed or their numbers
// of points differ.
func (b *Builder) overlaps(p *Profile) {
	if b.overlapK < 1 {
		return
	}
	k := b.overlapK
	p.OverlapK = k
	m := len(b.graphs)
	p.Overlap = make([][]*float64, m)
	for i := range m {
		p.Overlap[i] = make([]*float64, m)
	}
	for i := range m {
		gi := b.graphs[i]
		if gi == nil {
			continue
		}
		one := 1.0
		p.Overlap[i][i] = &one
		for j := i + 1; j < m; j++ {
			gj := b.graphs[j]
			if gj == nil || gj.N != gi.N {
				continue
			}
			v, err := geometry.Overlap(gi, gj, k)
			if err != nil {
				continue
			}
			p.Overlap[i][j], p.Overlap[j][i] = &v, &v
		}
		if b.labels != nil {
			if w, _, err := geometry.LabelOverlap(gi, b.labels, k); err == nil {
				p.Layers[i].LabelOverlap = &w
			}
		}
	}
}
