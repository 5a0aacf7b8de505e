package profile

import (
	"fmt"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/geometry"
	"github.com/intdim/intdim/knn"
)

// ImbalanceK is the number of neighbours per point the builder keeps of
// every layer for the information imbalance: a rank is read from these
// lists where they reach it (as 'intdim imbalance' reads it from lists of
// as many), and counted over the layer's rows otherwise.
const ImbalanceK = 30

// Rows returns the points of layer i (the i-th layer added) again, as
// they were given to Add, for ranks the kept lists cannot give; release
// frees them. An error leaves the imbalances that need them null, with a
// warning.
type Rows func(i int) (x *cloud.Matrix, release func(), err error)

// Imbalance makes the builder keep, for every layer it estimates, its
// ImbalanceK nearest neighbours, and Profile add each layer's information
// imbalances (geometry.Imbalance, rank 1) against the input and the output
// of the profile: the first and the last layer added,
//
//	Δ(layer→input), Δ(input→layer), Δ(layer→output), Δ(output→layer).
//
// Each rank rᵢ of geometry.Ranks is read from the kept lists where the
// target is in them, which costs no search; the others (Δ(·→input) and
// Δ(·→output) for points whose target lies beyond the input's or output's
// 30 nearest, Δ(input→layer), Δ(output→layer) beyond the layer's) are
// the full rankings: they need the rows, which Profile asks rows for, each
// layer at most once and only when some rank needs it, and counts
// (geometry.CountRanks: N·D work per point with such a target, all of that
// layer's targets at once). The values equal geometry.Imbalance on graphs
// searched apart ('intdim imbalance'). rows may be nil when the caller
// cannot give them again: then only the ranks the lists give are used and
// an imbalance that needs more is null, with a warning. Under the cosine
// metric rows are normalised here (knn.Normalize), as the search does.
func (b *Builder) Imbalance(rows Rows) {
	b.imbalance, b.rows = true, rows
}

// rankJob is one imbalance of one layer: ranks of targets from the lists,
// those missing (0) to count over the rows of layer in.
type rankJob struct {
	ranks   []int
	targets []int32 // t = nn(i) where ranks[i] == 0, else -1
	in      int     // the layer whose rows count the missing ranks
	dst     **float64
	layer   int
}

// imbalances fills every layer's four imbalances against the first and the
// last layer (see Imbalance).
func (b *Builder) imbalances(p *Profile) {
	m := len(b.graphs)
	if !b.imbalance || m == 0 {
		return
	}
	in, out := 0, m-1
	p.ImbalanceInput, p.ImbalanceOutput = p.Layers[in].Name, p.Layers[out].Name
	gin, gout := b.graphs[in], b.graphs[out]
	var jobs []*rankJob
	add := func(layer int, a, c *knn.Graph, cIndex int, dst **float64) {
		if a == nil || c == nil || a.N != c.N {
			return
		}
		r, missing, err := geometry.ListRanks(a, c)
		if err != nil {
			return
		}
		j := &rankJob{ranks: r, in: cIndex, dst: dst, layer: layer}
		if missing > 0 {
			j.targets = make([]int32, len(r))
			for i, v := range r {
				j.targets[i] = -1
				if v == 0 {
					j.targets[i] = a.Index[i*a.K]
				}
			}
		}
		jobs = append(jobs, j)
	}
	for i, g := range b.graphs {
		if g == nil {
			if !p.Layers[i].Failed() {
				p.Layers[i].Warnings = append(p.Layers[i].Warnings, estimate.Warning{Code: estimate.WarnGeometry, Msg: "no imbalance: no neighbour graph was kept of this layer"})
			}
			continue
		}
		l := &p.Layers[i]
		add(i, g, gin, in, &l.DeltaToInput)
		add(i, gin, g, i, &l.DeltaFromInput)
		add(i, g, gout, out, &l.DeltaToOutput)
		add(i, gout, g, i, &l.DeltaFromOutput)
	}
	// The full rankings: each layer's rows once, for all the targets
	// counted over them.
	failed := map[*rankJob]error{}
	for c := range m {
		var sets [][]int32
		var owners []*rankJob
		for _, j := range jobs {
			if j.in == c && j.targets != nil {
				sets, owners = append(sets, j.targets), append(owners, j)
			}
		}
		if len(sets) == 0 {
			continue
		}
		counted, err := b.countRanks(c, sets)
		for s, j := range owners {
			if err != nil {
				failed[j] = err
				continue
			}
			for i, v := range counted[s] {
				if v > 0 {
					j.ranks[i] = v
				}
			}
		}
	}
	warned := map[int]bool{}
	for _, j := range jobs {
		if err := failed[j]; err != nil {
			if !warned[j.layer] {
				warned[j.layer] = true
				l := &p.Layers[j.layer]
				l.Warnings = append(l.Warnings, estimate.Warnf(estimate.WarnGeometry, "imbalance left out: %v", err))
			}
			continue
		}
		v := geometry.ImbalanceOf(j.ranks)
		*j.dst = &v
	}
}

// countRanks counts the ranks of sets over the rows of layer c.
func (b *Builder) countRanks(c int, sets [][]int32) ([][]int, error) {
	name := b.layers[c].Name
	if b.rows == nil {
		return nil, fmt.Errorf("some ranks need the rows of layer %s, which are not available", name)
	}
	x, release, err := b.rows(c)
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", name, err)
	}
	defer release()
	if x.N() != b.graphs[c].N {
		return nil, fmt.Errorf("layer %s: %d rows given again, %d searched", name, x.N(), b.graphs[c].N)
	}
	if b.opt.Metric == knn.Cosine {
		if x, err = knn.Normalize(x); err != nil {
			return nil, fmt.Errorf("layer %s: %w", name, err)
		}
	}
	return geometry.CountRanks(x, sets, b.opt.Threads), nil
}
