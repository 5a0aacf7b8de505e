package profile

import (
	"errors"
	"fmt"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/geometry"
	"github.com/intdim/intdim/knn"
)

// graphMethods are the methods estimate.FromGraph answers from a graph of
// the rows exactly as estimate.Points does from the rows.
var graphMethods = map[string]bool{"twonn": true, "twonn-ml": true, "gride": true, "mle": true, "binomial": true, "gride-auto": true}

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
// the cosine metric, or a method other than twonn, twonn-ml, gride, mle,
// binomial and gride-auto — the layer is estimated by estimate.Points as without the
// overlap, which searches the collapsed points a second time.
func (b *Builder) Overlap(k int, labels []int) {
	b.overlapK, b.labels = k, labels
}

// OverlapK returns the overlap's k set by Overlap, 0 when off.
func (b *Builder) OverlapK() int { return b.overlapK }

// KeepK returns the neighbours per point the builder keeps of every layer
// for the overlap and the imbalance (0 when neither is on): a graph given
// to AddGraph needs at least that many (N − 1 for a layer of N ≤ KeepK
// points: the imbalance's lists are cut to the points there are).
func (b *Builder) KeepK() int {
	k := b.overlapK
	if b.imbalance {
		k = max(k, ImbalanceK)
	}
	return k
}

// searchOnce searches the full layer once with enough neighbours for the
// estimator and the overlap, and estimates from that graph when it can.
// It returns the graph cut to the overlap's k.
// The graph is searched under the builder's metric (--metric cosine: the
// chord between unit rows). Under cosine with rows of zero norm, which
// have no direction, the layer is estimated by estimate.Points (its
// zero-rows policy) and keeps no graph: its overlaps are null, with a
// warning.
func (b *Builder) searchOnce(l Layer) (*estimate.Report, *knn.Graph, error) {
	x := l.Points
	n := x.N()
	if err := b.checkKeep(n); err != nil {
		return nil, nil, err
	}
	need, err := estimate.NeighboursNeeded(n, &b.opt)
	if err != nil {
		return nil, nil, err
	}
	g, err := knn.Search(x, min(max(need, b.KeepK()), n-1), &knn.Options{Metric: b.opt.Metric, Threads: b.opt.Threads, Search: b.opt.Search})
	var zn *knn.ZeroNormError
	if errors.As(err, &zn) {
		rep, err := estimate.Points(x, &b.opt)
		if err != nil {
			return nil, nil, err
		}
		rep.Warnings = append(rep.Warnings, estimate.Warning{Code: estimate.WarnGeometry, Msg: "no overlap or imbalance: rows of zero norm have no cosine neighbours"})
		return rep, nil, nil
	}
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
	return rep, truncate(g, min(b.KeepK(), n-1)), nil
}

// checkKeep checks a layer of n points against the labels and the kept k.
func (b *Builder) checkKeep(n int) error {
	if b.labels != nil && len(b.labels) != n {
		return fmt.Errorf("%d points, but %d labels", n, len(b.labels))
	}
	if b.overlapK > n-1 {
		return fmt.Errorf("overlap k = %d needs more than %d points", b.overlapK, n)
	}
	return nil
}

// AddGraph appends a layer estimated elsewhere (AddReport) together with
// its neighbour graph g of the full (uncollapsed) points under the
// builder's metric, searched with at least KeepK neighbours, for the
// overlap and the imbalance: a layer streamed from disk is measured from
// its one streamed search. Only g's first KeepK neighbour indices are
// kept. It returns an error, and keeps no graph, when g is too short or
// the layer's points do not match the labels.
func (b *Builder) AddGraph(name string, depth *float64, rep *estimate.Report, pcid *int, g *knn.Graph) error {
	b.AddReport(name, depth, rep, pcid)
	if b.KeepK() == 0 {
		return nil
	}
	if err := b.checkKeep(g.N); err != nil {
		return fmt.Errorf("layer %s: %w", name, err)
	}
	keep := min(b.KeepK(), g.N-1)
	if g.K < keep {
		return fmt.Errorf("layer %s: graph of %d neighbours, the overlap and imbalance keep %d", name, g.K, keep)
	}
	b.graphs[len(b.graphs)-1] = truncate(g, keep)
	return nil
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

// truncate returns the indices of the first k neighbours of every point of
// g, without their distances (Dist nil: package geometry reads indices
// only), so a kept graph costs 4·N·k bytes.
func truncate(g *knn.Graph, k int) *knn.Graph {
	t := &knn.Graph{N: g.N, K: k, Index: make([]int32, g.N*k)}
	for i := range g.N {
		copy(t.Index[i*k:(i+1)*k], g.Index[i*g.K:i*g.K+k])
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
	for i, g := range b.graphs {
		if g == nil && !p.Layers[i].Failed() {
			p.Layers[i].Warnings = append(p.Layers[i].Warnings, estimate.Warning{Code: estimate.WarnGeometry, Msg: "no overlap: no neighbour graph was kept of this layer"})
		}
	}
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
