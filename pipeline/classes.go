package pipeline

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/tensorio/npy"
)

// Class is the intrinsic dimension of the points of one class
// (profile.Class).
type Class = profile.Class

// ClassSummary is the mean and standard deviation (numpy's std, ddof 0) of
// the IDs of the classes that have one; nil when none has.
type ClassSummary struct {
	Mean, Std *float64
	Measured  int // classes with an ID
}

// Summarise returns the mean and standard deviation of the classes' IDs.
func Summarise(cs []Class) ClassSummary {
	var ids []float64
	for _, c := range cs {
		if c.ID != nil {
			ids = append(ids, *c.ID)
		}
	}
	if len(ids) == 0 {
		return ClassSummary{}
	}
	m := 0.0
	for _, v := range ids {
		m += v
	}
	m /= float64(len(ids))
	ss := 0.0
	for _, v := range ids {
		ss += (v - m) * (v - m)
	}
	s := math.Sqrt(ss / float64(len(ids)))
	return ClassSummary{Mean: &m, Std: &s, Measured: len(ids)}
}

// EstimateClasses estimates the ID of the points of each class of
// opt.Labels separately, with opt.Estimate, classes in ascending label
// order. The file is read as the estimate of the whole reads it: a plain
// .npy file that knn.Streams would stream is never loaded whole, and each
// class is then streamed from it in column blocks when knn.Streams says so
// for the class's rows, or else only its rows are read (npy
// ReadRowColumns), one class at a time; otherwise the file is read once
// (with opt.Tokens) and each class's rows are gathered into a matrix of
// their own. A class whose estimate fails (fewer than 3 distinct points,
// or a degenerate fit) is listed with its Error and no ID: it does not
// stop the others. Errors are those of reading the file or of labels that
// do not count its points.
func EstimateClasses(spec string, opt *Options) ([]Class, error) {
	eo := opt.estimate()
	p, err := planFile(spec, opt.mem(), wantPCA(eo.Method), opt)
	if err != nil {
		return nil, err
	}
	if p.stream {
		return classesStreamed(spec, p, opt)
	}
	x, release, _, err := load(spec, opt)
	if err != nil {
		return nil, err
	}
	defer release()
	return classesOf(spec, x, opt)
}

// classesOf estimates the ID of each class of opt.Labels among the rows of
// x, named name (see EstimateClasses).
func classesOf(name string, x *cloud.Matrix, opt *Options) ([]Class, error) {
	return eachClass(name, x.N(), opt, func(cname string, rows []int, sub *Options) (*estimate.Report, error) {
		xc, err := gather(x, rows)
		if err != nil {
			return nil, err
		}
		return Estimate(Points(cname, xc), sub)
	})
}

// classesStreamed estimates the classes of a .npy file that is streamed
// (p.stream) without loading it: a class that knn.Streams would stream is
// searched from the file over its rows' columns (as estimateStreamed
// searches the whole); the others, and those whose streamed lists cannot
// give the loaded result, are estimated from their rows alone, read in
// their element type.
func classesStreamed(path string, p plan, opt *Options) ([]Class, error) {
	f, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	mem := opt.mem()
	return eachClass(path, p.n, opt, func(cname string, rows []int, sub *Options) (*estimate.Report, error) {
		eo := sub.estimate()
		pca := wantPCA(eo.Method)
		src := npyRows{f, rows}
		n := len(rows)
		streams, _, err := knn.StreamsSampled(n, p.d, p.elem, mem, pca, eo.Search, sampleRows(f, rows))
		if err != nil {
			return nil, err
		}
		if streams {
			search := func(k int, kopt *knn.Options) (*knn.FileSearch, error) {
				res, err := knn.SearchColumns(src, k, kopt, mem, pca)
				if err != nil {
					return res, fileError(path, err)
				}
				return res, nil
			}
			cp := plan{stream: true, n: n, d: p.d, elem: p.elem, fits: knn.LoadCost(n, p.d, p.elem, pca) <= mem}
			rep, _, err := streamEstimate(cname, search, cp, mem, &eo, pca, nil)
			if err == nil || !errors.Is(err, errNeedRows) {
				return rep, err
			}
		}
		xc, err := src.matrix(p.elem == 4)
		if err != nil {
			return nil, err
		}
		if err := xc.Finite(); err != nil {
			return nil, fmt.Errorf("%s: %w", cname, err)
		}
		return Estimate(Points(cname, xc), sub)
	})
}

// npyRows is some rows of an open .npy file as a knn.ColumnSource.
type npyRows struct {
	f    *npy.File
	rows []int
}

func (c npyRows) Dims() (n, d int) { return len(c.rows), c.f.Cols() }

func (c npyRows) ReadColumns(c0, c1 int, dst []float64) error {
	return c.f.ReadRowColumns(c.rows, c0, c1, dst)
}

// matrix reads the rows as a matrix, float32 when narrow (the values the
// loader would give), a few rows at a time.
func (c npyRows) matrix(narrow bool) (*cloud.Matrix, error) {
	n, d := c.Dims()
	if !narrow {
		v := make([]float64, n*d)
		if err := c.f.ReadRowColumns(c.rows, 0, d, v); err != nil {
			return nil, err
		}
		return cloud.New64(v, n, d)
	}
	v := make([]float32, n*d)
	step := max(1, (16<<20)/(8*max(d, 1)))
	buf := make([]float64, min(step, n)*d)
	for i := 0; i < n; i += step {
		m := min(step, n-i)
		b := buf[:m*d]
		if err := c.f.ReadRowColumns(c.rows[i:i+m], 0, d, b); err != nil {
			return nil, err
		}
		for j, x := range b {
			v[i*d+j] = float32(x)
		}
	}
	return cloud.New32(v, n, d)
}

// eachClass estimates, with est, the ID of each class of opt.Labels among
// n points named name, classes in ascending label order; est gets the
// class's name, its rows and the options for one class.
func eachClass(name string, n int, opt *Options, est func(cname string, rows []int, sub *Options) (*estimate.Report, error)) ([]Class, error) {
	if err := opt.checkLabels(name, n); err != nil {
		return nil, err
	}
	rows := map[int][]int{}
	for i, l := range opt.Labels {
		rows[l] = append(rows[l], i)
	}
	labels := make([]int, 0, len(rows))
	for l := range rows {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	sub := *opt
	sub.Labels, sub.Overlap, sub.Progress = nil, 0, nil
	out := make([]Class, 0, len(labels))
	for _, l := range labels {
		c := Class{Label: l, N: len(rows[l])}
		if c.N < 3 {
			c.Error = fmt.Sprintf("%d points, need at least 3 distinct", c.N)
			out = append(out, c)
			continue
		}
		rep, err := est(fmt.Sprintf("%s, class %d", name, l), rows[l], &sub)
		switch {
		case err != nil:
			c.Error = err.Error()
		case len(rep.Results) == 0:
			c.Error = "no estimate"
		default:
			c.NUsed = rep.NUsed
			id := rep.Results[0].ID
			c.ID, c.Err = &id, rep.Results[0].Err
		}
		out = append(out, c)
	}
	return out, nil
}

// gather returns the rows of x listed in rows as a new matrix of x's
// element type.
func gather(x *cloud.Matrix, rows []int) (*cloud.Matrix, error) {
	d := x.D()
	if v := x.F64(); v != nil {
		out := make([]float64, 0, len(rows)*d)
		for _, i := range rows {
			out = append(out, v[i*d:(i+1)*d]...)
		}
		return cloud.New64(out, len(rows), d)
	}
	v := x.F32()
	out := make([]float32, 0, len(rows)*d)
	for _, i := range rows {
		out = append(out, v[i*d:(i+1)*d]...)
	}
	return cloud.New32(out, len(rows), d)
}
