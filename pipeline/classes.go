package pipeline

import (
	"fmt"
	"math"
	"slices"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/profile"
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
// order. The file is read once (with opt.Tokens); each class's rows are
// gathered into a matrix of their own, one class at a time. A class whose
// estimate fails (fewer than 3 distinct points, or a degenerate fit) is
// listed with its Error and no ID: it does not stop the others. Errors are
// those of reading the file or of labels that do not count its points.
func EstimateClasses(spec string, opt *Options) ([]Class, error) {
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
	if err := opt.checkLabels(name, x.N()); err != nil {
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
		xc, err := gather(x, rows[l])
		if err != nil {
			return nil, err
		}
		rep, err := Estimate(Points(fmt.Sprintf("%s, class %d", name, l), xc), &sub)
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
