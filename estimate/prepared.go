package estimate

import (
	"fmt"
	"slices"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// Prepared is a point cloud made ready for its one neighbour search: Points
// is Prepare, knn.Search of K neighbours of every row of Rows, and Finish.
// Splitting the three lets the search run elsewhere, in pieces (intdim plan,
// run-task, merge: each piece is knn.SearchRows on a block of rows), with
// the same report bit for bit, since the graph is the same.
type Prepared struct {
	e       *engine
	rep     *Report
	methods []string
	k       int
	done    bool
}

// Prepare validates opt, rescales, normalises (cosine metric) and collapses
// the duplicate rows of x as Points does, draws the resampling subsets, and
// returns the rows to search. Errors are those of Points before its search.
func Prepare(x *cloud.Matrix, opt *Options) (*Prepared, error) {
	o := opt.withDefaults()
	methods, err := parseMethods(o.Method)
	if err != nil {
		return nil, err
	}
	e, rep, err := prepare(x, o)
	if err != nil {
		return nil, err
	}
	if err := e.drawSubsets(); err != nil {
		return nil, err
	}
	if slices.Contains(methods, "mle") && e.o.K > e.n-1 {
		return nil, fmt.Errorf("mle: k = %d needs more than %d points", e.o.K, e.n)
	}
	k := e.searchK(methods)
	if k > 0 {
		k = min(k, e.n-1)
	}
	return &Prepared{e: e, rep: rep, methods: methods, k: k}, nil
}

// Rows returns the rows to search: x after rescaling, normalisation and the
// collapse of duplicates (row i of the graph given to Finish is row i of
// Rows). Under the cosine metric the rows are already normalised: search
// them as Euclidean (SearchOptions).
func (p *Prepared) Rows() *cloud.Matrix { return p.e.x }

// Collapsed returns the number of duplicate rows collapsed (0 when the
// policy is not to collapse them).
func (p *Prepared) Collapsed() int { return p.rep.Duplicates }

// K returns the number of neighbours per row Finish needs; 0 when the
// methods need no search (pca).
func (p *Prepared) K() int { return p.k }

// SearchOptions returns the options of the search of Rows.
func (p *Prepared) SearchOptions() *knn.Options {
	return p.e.o.knnOptions()
}

// Finish runs the estimators on g, the K nearest neighbours of every row
// of Rows (knn.Search(Rows(), K(), SearchOptions()), or the same graph
// assembled from knn.SearchRows pieces); g is ignored when K is 0. Finish
// may be called once.
func (p *Prepared) Finish(g *knn.Graph) (*Report, error) {
	if p.done {
		panic("estimate: Prepared.Finish called twice")
	}
	p.done = true
	if p.k > 0 {
		if g == nil || g.N != p.e.n || g.K != p.k {
			panic(fmt.Sprintf("estimate: Finish: graph of the wrong shape for %d rows, %d neighbours", p.e.n, p.k))
		}
		p.e.g = g
	}
	return p.e.finish(p.rep, p.methods)
}
