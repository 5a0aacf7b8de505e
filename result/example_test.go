package result_test

import (
	"os"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/result"
)

// A document carries its counts in every format: here the CSV of an
// estimate where --duplicates drop left 3 points out of the fit.
func ExampleEstimate_Write() {
	se := 0.25
	rep := &estimate.Report{Input: "acts.npy", N: 100, Dim: 8, NUsed: 97, Dropped: 3, Seed: 1,
		Results:  []estimate.Result{{Method: "twonn", ID: 5.5, Err: &se}},
		Warnings: []estimate.Warning{{Code: estimate.WarnDropped, Msg: "dropped 3 points at distance 0 from their nearest neighbour"}}}
	result.NewEstimate(rep, &estimate.Options{Duplicates: "drop"}).Write(os.Stdout, "csv")
	// Output:
	// input,n,dim,n_used,duplicates,seed,method,scale,id,err,lo,hi,dropped,twonn_convention,warnings,zero_rows
	// acts.npy,100,8,97,0,1,twonn,,5.5,0.25,,,3,default,dropped 3 points at distance 0 from their nearest neighbour,0
}
