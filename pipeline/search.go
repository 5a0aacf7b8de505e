package pipeline

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/kernel"
	"github.com/intdim/intdim/internal/linalg"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/tensorio/npy"
)

// SearchFile returns the k nearest neighbours of every row of the .npy
// file at path (rows = Shape[0], a row flattened over the other axes),
// optionally with the z-score Gram matrix for PC-ID (zgram). Whether the
// file is loaded (and searched with knn.Search, float32 kept as float32)
// or streamed in column blocks (knn.SearchColumns) and never held whole is
// decided by knn.StreamsSampled under memBudget (≤ 0 means
// knn.DefaultMemBudget()). The graph is identical either way. Errors name
// the file.
func SearchFile(path string, k int, opt *knn.Options, memBudget int64, zgram bool) (*knn.FileSearch, error) {
	if k < 1 {
		panic("pipeline: SearchFile: k < 1")
	}
	if memBudget <= 0 {
		memBudget = knn.DefaultMemBudget()
	}
	// npy.Open refuses a non-regular file before opening it and checks the
	// data length by the rule of the loading reader, so the streamed and
	// loaded paths accept the same files.
	f, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := f.Header
	n, d := h.Rows(), h.Cols()
	res := &knn.FileSearch{N: n, D: d}
	if k > n-1 {
		return res, fmt.Errorf("%s: %w: k = %d with %d points", path, knn.ErrTooFewPoints, k, n)
	}
	elem := 8
	if h.Narrow() {
		elem = 4
	}
	search := knn.SearchAuto
	if opt != nil {
		search = opt.Search
	}
	streams, sampled, err := knn.StreamsSampled(n, d, elem, memBudget, zgram, search, sampleRows(f, nil))
	if err != nil {
		return res, err
	}
	if streams {
		res, err := knn.SearchColumns(npyColumns{f}, k, opt, memBudget, zgram)
		if err != nil {
			return res, fileError(path, err)
		}
		return res, nil
	}
	_, v, err := npy.ReadFileValues(path)
	if err != nil {
		return res, err
	}
	var m *cloud.Matrix
	if v.F32 != nil {
		m, err = cloud.New32(v.F32, n, d)
	} else {
		m, err = cloud.New64(v.F64, n, d)
	}
	if err != nil {
		return res, fmt.Errorf("%s: %v", path, err)
	}
	if zgram {
		zm := m
		if opt != nil && opt.Metric == knn.Cosine {
			if zm, err = knn.Normalize(m); err != nil {
				return res, fmt.Errorf("%s: %v", path, err)
			}
		}
		var z []float64
		var dz int
		if zm.Elem() == cloud.Float32 {
			z, dz = linalg.ZScore(zm.F32(), n, d)
		} else {
			z, dz = linalg.ZScore(zm.F64(), n, d)
		}
		threads := runtime.GOMAXPROCS(0)
		if opt != nil && opt.Threads > 0 {
			threads = opt.Threads
		}
		res.ZGram, res.ZDim = kernel.Gram64(z, n, dz, threads), dz
	}
	if sampled != nil {
		// The sample test passed on the file: the search need not repeat it.
		var o knn.Options
		if opt != nil {
			o = *opt
		}
		o.Sampled = sampled
		opt = &o
	}
	if res.Graph, err = knn.Search(m, k, opt); err != nil {
		return res, fmt.Errorf("%s: %v", path, err)
	}
	return res, nil
}

// npyColumns is an open .npy file as a knn.ColumnSource.
type npyColumns struct{ f *npy.File }

func (c npyColumns) Dims() (n, d int) { return c.f.Rows(), c.f.Cols() }

func (c npyColumns) ReadColumns(c0, c1 int, dst []float64) error { return c.f.ReadColumns(c0, c1, dst) }

// fileError prefixes err with path, without the path an os.PathError
// already carries.
func fileError(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s: %w", path, err)
}

// sampleRows reads rows of the open .npy file f for the sample test of
// knn.StreamsSampled (of the layer's rows, nil for every row of the file),
// in the values the loader gives (float32 when narrow); nil in Fortran
// order, where a few rows cost a read of every column.
func sampleRows(f *npy.File, rows []int) knn.SampleRows {
	if f.Fortran {
		return nil
	}
	return func(idx []int) (*cloud.Matrix, error) {
		sel := idx
		if rows != nil {
			sel = make([]int, len(idx))
			for i, p := range idx {
				sel[i] = rows[p]
			}
		}
		return npyRows{f, sel}.matrix(f.Narrow())
	}
}
