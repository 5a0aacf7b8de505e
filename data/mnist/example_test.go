package mnist_test

import (
	"fmt"

	"github.com/intdim/intdim/data/mnist"
)

func ExampleTest() {
	te := mnist.Test()
	off := mnist.Offset(te.Head(100), mnist.DefaultLambda, 1)
	fmt.Println(te.N, te.Labels[:5], len(off.Image(0)))
	// Output: 10000 [7 2 1 0 4] 784
}
