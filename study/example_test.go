package study_test

import (
	"fmt"

	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/study"
)

// Pearson's r between the last-hidden-layer ID of five networks and their
// test error, with the two-sided p-value.
func ExamplePearson() {
	id := []float64{6.5, 7, 9, 10, 12}
	testError := []float64{0.008, 0.010, 0.020, 0.025, 0.040}
	c, err := study.Pearson(id, testError)
	if err != nil {
		panic(err)
	}
	fmt.Printf("r = %.3f, p = %.4f, N = %d\n", c.R, c.P, c.N)
	fmt.Printf("error ≈ %.4f + %.4f × ID\n", c.Intercept, c.Slope)
	// Output:
	// r = 0.993, p = 0.0007, N = 5
	// error ≈ -0.0302 + 0.0057 × ID
}

// The accuracy study from finished profiles: the layer before the output of
// each model, against its test accuracy.
func ExampleFromModels() {
	acc := func(v float64) *float64 { return &v }
	models := []study.Model{}
	for i, a := range []float64{0.99, 0.97, 0.93} {
		models = append(models, study.Model{Name: fmt.Sprintf("net%d", i), TestAccuracy: acc(a)})
		for _, l := range []struct {
			name string
			id   float64
		}{{"input", 13}, {"d1", 6 + 3*float64(i)}, {"output", 5}} {
			models[i].Layers = append(models[i].Layers, profileLayer(l.name, l.id))
		}
	}
	a, err := study.FromModels(models, "")
	if err != nil {
		panic(err)
	}
	for _, n := range a.Networks {
		fmt.Printf("%s: %s ID %.0f, accuracy %.2f\n", n.Name, n.Layer, n.ID, n.TestAccuracy)
	}
	fmt.Printf("r = %.2f\n", a.Pearson.R)
	// Output:
	// net0: d1 ID 6, accuracy 0.99
	// net1: d1 ID 9, accuracy 0.97
	// net2: d1 ID 12, accuracy 0.93
	// r = 0.98
}

func profileLayer(name string, id float64) profile.LayerResult {
	return profile.LayerResult{Name: name, ID: id}
}
