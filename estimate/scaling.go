package estimate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/knn"
)

// ScaleOptions selects the scale analyses of Scale.
type ScaleOptions struct {
	// Blocks > 0 runs the block analysis of Ansuini et al. 2019 (Fig. 2B):
	// for b = 1 … Blocks, a random permutation of the points is cut into b
	// disjoint blocks of ⌊N/b⌋ points and TwoNN is fitted on each; the
	// result at scale ⌊N/b⌋ is the mean and standard deviation over blocks.
	Blocks int
	// Decimate runs the decimation of DADApy's return_id_scaling_2NN: at
	// each size s = N/2ⁱ (rounded half to even; i < ⌊log₂ N⌋ − 1, s > 10),
	// 2ⁱ random subsets of s points; the result is their mean ID and its
	// standard error std/√2ⁱ, as DADApy reports it.
	Decimate bool
	// Gride adds GRIDE at n₂ = 2, 4, … up to Options.MaxRank.
	Gride bool
}

// Scale measures the ID against the scale of the data: the number of
// points (block analysis, decimation) or the neighbour rank (GRIDE). Every
// analysis is answered from a single neighbour search. Each analysis is one
// Result with Scales, IDs and Errs (methods "twonn-blocks", "twonn-decimate"
// and "gride"); Result.ID is the estimate on all the points.
func Scale(x *cloud.Matrix, so ScaleOptions, opt *Options) (*Report, error) {
	return ScaleSearch(x, so, opt, nil)
}

// ScaleSearch is Scale with the neighbour search of x's rows done by
// search(k), which must return the k nearest neighbours of every row as
// knn.Search does: knn.SearchColumns over the rows in place, say, which
// holds no packed copy of rows too wide for one. It is used only where
// Scale searches x itself (no duplicates collapsed, no rows normalised or
// rescaled); otherwise, or with search nil, the rows are searched with
// knn.Search.
func ScaleSearch(x *cloud.Matrix, so ScaleOptions, opt *Options, search func(k int) (*knn.Graph, error)) (*Report, error) {
	o := opt.withDefaults()
	if so.Blocks < 0 {
		return nil, fmt.Errorf("blocks %d is negative", so.Blocks)
	}
	if so.Blocks == 0 && !so.Decimate && !so.Gride {
		return nil, fmt.Errorf("no analysis selected (blocks, decimate or gride)")
	}
	e, rep, err := prepare(x, o)
	if err != nil {
		return nil, err
	}
	var analyses []string
	if so.Blocks > 0 {
		var bs []int
		for b := 1; b <= so.Blocks; b++ {
			if e.n/b < 3 {
				e.warnings = append(e.warnings, Warnf(WarnScaleStops, "block analysis stops at %d blocks: blocks of %d points are too small", b-1, e.n/b))
				break
			}
			bs = append(bs, b)
		}
		analyses = append(analyses, "twonn-blocks")
		e.blocks = append(e.blocks, bs)
	}
	if so.Decimate {
		var bs []int
		for i := 0; i < int(math.Log2(float64(e.n)))-1; i++ {
			if decimatedSize(e.n, 1<<i) <= 10 {
				break
			}
			bs = append(bs, 1<<i)
		}
		if len(bs) == 0 {
			return nil, fmt.Errorf("decimation: %d points are too few (the first halving must leave more than 10)", e.n)
		}
		analyses = append(analyses, "twonn-decimate")
		e.blocks = append(e.blocks, bs)
	}
	k := 2
	for _, bs := range e.blocks {
		if len(bs) > 0 {
			k = max(k, knn.SubsetK(e.n, decimatedSize(e.n, bs[len(bs)-1]), 2))
		}
	}
	if so.Gride {
		k = max(k, e.maxRank())
	}
	if search != nil && e.x == x {
		if e.g, err = search(min(k, e.n-1)); err != nil {
			return nil, err
		}
	} else if err := e.search(k); err != nil {
		return nil, err
	}
	e.countDropped(rep, true)
	full, err := e.twonn(e.g)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(o.Seed, 0xb10c))
	for a, bs := range e.blocks {
		res := Result{Method: analyses[a], ID: full}
		decimate := analyses[a] == "twonn-decimate"
		for _, b := range bs {
			size := e.n / b
			if decimate {
				size = decimatedSize(e.n, b)
			}
			perm := r.Perm(e.n)
			ids := make([]float64, b)
			for j := range b {
				var rows []int
				if decimate {
					rows = r.Perm(e.n)[:size] // independent subsets, as DADApy
				} else {
					rows = slices.Clone(perm[j*size : (j+1)*size]) // disjoint blocks
				}
				slices.Sort(rows)
				sg, err := e.g.Subset(e.x, rows, 2, e.kopt)
				if err != nil {
					return nil, err
				}
				if ids[j], err = e.twonn(sg); err != nil {
					return nil, fmt.Errorf("%s with %d blocks: %w", analyses[a], b, err)
				}
			}
			mean, std := meanStd(ids)
			if decimate {
				std /= math.Sqrt(float64(b))
			}
			res.Scales = append(res.Scales, size)
			res.IDs = append(res.IDs, mean)
			res.Errs = append(res.Errs, std)
		}
		res.Err = ptr(res.Errs[0])
		rep.Results = append(rep.Results, res)
	}
	if so.Gride {
		res, err := e.run("gride")
		if err != nil {
			return nil, fmt.Errorf("gride: %w", err)
		}
		rep.Results = append(rep.Results, *res)
	}
	rep.Warnings = append(rep.Warnings, e.warnings...)
	for _, res := range rep.Results {
		for i, v := range res.IDs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: no finite estimate at scale %d", res.Method, res.Scales[i])
			}
		}
	}
	return rep, nil
}

// decimatedSize is N/b rounded half to even (numpy.rint, as DADApy).
func decimatedSize(n, b int) int {
	return int(math.RoundToEven(float64(n) / float64(b)))
}
