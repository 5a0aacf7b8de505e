package estimate_test

import (
	"fmt"
	"github.com/intdim/intdim/cloud"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/synth"
)

// The ID of a 2-D Swiss roll in 3-D, with error bars from 20 resamplings
// of 90 % of the points, as in Ansuini et al. 2019.
func ExamplePoints() {
	x := synth.SwissRoll(2000, 0, 1)
	rep, err := estimate.Points(cloud.Must64(x, 2000, 3), &estimate.Options{Resample: 20, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := rep.Results[0]
	fmt.Printf("%s: %.1f ± %.2f\n", r.Method, r.ID, *r.Err)
	// Output: twonn: 2.1 ± 0.04
}
