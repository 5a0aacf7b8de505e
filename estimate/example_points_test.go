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

// GRIDE at each point's own scale (DADApy's return_ids_kstar_gride): the
// ID of the Swiss roll and the k* chosen, from one search of 100
// neighbours.
func ExamplePoints_grideAuto() {
	x := synth.SwissRoll(2000, 0, 1)
	rep, err := estimate.Points(cloud.Must64(x, 2000, 3), &estimate.Options{Method: estimate.MethodGRIDEAuto})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := rep.Results[0]
	fmt.Printf("%s: %.1f after %d fits; k* from %d to %d\n", r.Method, r.ID, len(r.Iterations)-1, r.KStar.Min, r.KStar.Max)
	// Output: gride-auto: 1.9 after 5 fits; k* from 26 to 99
}
