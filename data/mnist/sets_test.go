package mnist

import (
	"strings"
	"testing"
)

func TestLoadNames(t *testing.T) {
	tr, te, err := Load("mnist-shuffled", 7, DefaultLambda)
	if err != nil {
		t.Fatal(err)
	}
	if tr.N != 60000 || te.N != 10000 {
		t.Fatalf("mnist-shuffled: %d training and %d test images", tr.N, te.N)
	}
	same := 0
	for i, l := range Train().Labels {
		if tr.Labels[i] == l {
			same++
		}
	}
	// A random permutation keeps about a tenth of the labels.
	if same > 7000 {
		t.Errorf("shuffled labels: %d of 60000 unchanged", same)
	}
	// The test set of mnist-offset with seed 1 is the named test set.
	_, te, err = Load("mnist-offset", 1, DefaultLambda)
	if err != nil {
		t.Fatal(err)
	}
	named, err := TestSet(TestSetFor("mnist-offset"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range te.Pixels {
		if te.Pixels[i] != named.Pixels[i] {
			t.Fatalf("pixel %d: %g != %g", i, te.Pixels[i], named.Pixels[i])
		}
	}
	if TestSetFor("mnist-shuffled") != "mnist-test" || TestSetFor("fashion") != "fashion-test" || TestSetFor("") != "mnist-test" {
		t.Error("TestSetFor")
	}
}

func TestLoadRefuses(t *testing.T) {
	if _, _, err := Load("cifar", 1, 1); err == nil || !strings.Contains(err.Error(), `"cifar"`) || !strings.Contains(err.Error(), "mnist-offset or fashion") {
		t.Errorf("unknown set: %v", err)
	}
	if _, _, err := Load("mnist-offset", 1, 0); err == nil {
		t.Error("lambda 0 accepted")
	}
	if _, err := TestSet("mnist"); err == nil || !strings.Contains(err.Error(), "mnist-test") {
		t.Errorf("unknown test set: %v", err)
	}
}
