package mnist

import (
	"fmt"
	"math"
	"strings"
)

// Names are the training sets Load knows, in the order they are listed to
// users.
var Names = []string{"mnist", "mnist-shuffled", "mnist-offset", "fashion"}

// TestNames are the test sets TestSet knows.
var TestNames = []string{"mnist-test", "mnist-offset-test", "fashion-test"}

// Load returns the training and test images of a named data set:
//
//	mnist           MNIST as published
//	mnist-shuffled  training labels permuted with seed (ShuffleLabels); test set unchanged
//	mnist-offset    offsets c ~ U(0, lambda) per image (Offset), drawn with seed for the
//	                training set and seed+1 for the test set
//	fashion         Fashion-MNIST from FashionDir
//
// lambda is used by mnist-offset only and must then be positive and finite.
func Load(name string, seed uint64, lambda float64) (train, test *Set, err error) {
	switch name {
	case "mnist":
		return Train(), Test(), nil
	case "mnist-shuffled":
		return ShuffleLabels(Train(), seed), Test(), nil
	case "mnist-offset":
		if !(lambda > 0) || math.IsInf(lambda, 1) {
			return nil, nil, fmt.Errorf("mnist-offset: lambda = %g, want a positive finite offset", lambda)
		}
		return Offset(Train(), lambda, seed), Offset(Test(), lambda, seed+1), nil
	case "fashion":
		return Fashion("")
	}
	return nil, nil, fmt.Errorf("unknown data set %q (want %s)", name, orList(Names))
}

// TestSet returns a named test set: mnist-test, mnist-offset-test (the
// offsets of Load("mnist-offset", 1, DefaultLambda): seed 2 for the test
// images) or fashion-test.
func TestSet(name string) (*Set, error) {
	switch name {
	case "mnist-test":
		return Test(), nil
	case "mnist-offset-test":
		return Offset(Test(), DefaultLambda, 2), nil
	case "fashion-test":
		_, te, err := Fashion("")
		return te, err
	}
	return nil, fmt.Errorf("unknown test set %q (want %s)", name, orList(TestNames))
}

// TestSetFor names the test set that goes with a network trained on the
// data set trained (one of Names; anything else, including "", gives
// mnist-test).
func TestSetFor(trained string) string {
	switch trained {
	case "mnist-offset":
		return "mnist-offset-test"
	case "fashion":
		return "fashion-test"
	}
	return "mnist-test"
}

// orList writes "a, b, c or d".
func orList(v []string) string {
	if len(v) < 2 {
		return strings.Join(v, "")
	}
	return strings.Join(v[:len(v)-1], ", ") + " or " + v[len(v)-1]
}
