package estimate

import (
	"fmt"

	"github.com/intdim/intdim/cloud"
)

// Fit returns the TwoNN fit of the point cloud x, prepared as
// Points prepares it for the twonn method with opt (metric, duplicate
// policy, Discard, Paper; Method, Resample and the other methods' options
// are ignored), for the fit diagnostic of Facco et al. (2017): log μ sorted
// against −log(1 − F(μ)) and the fitted slope. The report holds the counts
// (n, n_used, duplicates), the ID and the warnings, as Points with the
// twonn method without resampling gives them: fit.ID equals its ID.
func Fit(x *cloud.Matrix, opt *Options) (*TwoNNFit, *Report, error) {
	o := opt.withDefaults()
	o.Method, o.Resample = "twonn", 0
	e, rep, err := prepare(x, o)
	if err != nil {
		return nil, nil, err
	}
	if err := e.search(2); err != nil {
		return nil, nil, err
	}
	if !o.Paper {
		e.countDropped(rep, true)
	}
	f, err := e.twonnFit(e.g)
	if err != nil {
		return nil, nil, fmt.Errorf("twonn: %w", err)
	}
	if o.Paper && f.N < e.n {
		rep.Dropped, rep.NUsed = e.n-f.N, rep.NUsed-(e.n-f.N)
		rep.Warnings = append(rep.Warnings, Warnf(WarnDropped, "paper mode: %d of %d points dropped (r1 = 0 or r1 = r2)", e.n-f.N, e.n))
	}
	rep.Results = []Result{{Method: "twonn", ID: f.ID}}
	rep.Warnings = append(rep.Warnings, e.warnings...)
	return f, rep, nil
}
